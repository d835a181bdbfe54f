"""Sending one notification, at most once.

1. Claim: a conditional UPDATE moves the row from pending to sending; only one worker can
   win it, however many were handed the same id.
2. Build its message from the state now, in the recipient's time zone; a message no longer
   needed is skipped.
3. By the recipient's choice: email now, keep for the weekly digest, or in the app only.
4. A refused address (a bounce) fails at once and the person is asked to fix it; other errors
   are retried with back-off, and after the last try the notification is failed and listed for
   the organisation's admins.

A worker killed between sending and recording leaves the row "sending"; the scheduler marks it
failed after a while instead of sending again, so nobody gets the same email twice.
"""

from __future__ import annotations

import datetime as dt
import logging
import smtplib

from django.conf import settings
from django.core import signing
from django.core.mail import EmailMultiAlternatives
from django.db.models import F
from django.urls import reverse
from django.utils import timezone

from tandem.notifications.kinds import TO_RATERS, Kind, Mode
from tandem.notifications.messages import Message, build
from tandem.notifications.models import Notification
from tandem.notifications.services import mode_for, site_url

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 5
STUCK_AFTER = dt.timedelta(minutes=15)
State = Notification.State


def backoff(attempts: int) -> dt.timedelta:
    """2, 4, 8, 16 minutes after the 1st, 2nd, 3rd, 4th failed try."""
    return dt.timedelta(minutes=2**attempts)


def claim(notification_id: str) -> Notification | None:
    now = timezone.now()
    won = (
        Notification.objects.filter(pk=notification_id, state=State.PENDING, due_at__lte=now)
        .exclude(next_attempt_at__gt=now)
        .update(state=State.SENDING, claimed_at=now, attempts=F("attempts") + 1)
    )
    if not won:
        return None
    return Notification.objects.select_related("recipient").get(pk=notification_id)


def deliver(notification_id: str) -> None:
    notification = claim(notification_id)
    if notification is None:
        return  # sent already, not due, or another worker has it
    recipient = notification.recipient
    if recipient is not None and not recipient.is_active:
        _finish(notification, State.SKIPPED)  # deactivated since: they take no part any more
        return
    zone = recipient.zone if recipient is not None else timezone.get_default_timezone()
    try:
        with timezone.override(zone):
            message = build(notification)
    except Exception as exc:
        log.exception("Building notification %s failed", notification.pk)
        _failed(notification, f"{type(exc).__name__} while preparing it")
        return
    if message is None:
        if notification.kind == Kind.RATER_REMINDER:
            # Not needed because the rater answered, or the round closed: no row says which,
            # so nothing kept tells anyone who has answered.
            Notification.objects.filter(pk=notification.pk).delete()
            return
        _finish(notification, State.SKIPPED)
        return
    _remember(notification, message)
    mode = mode_for(recipient, notification.kind) if recipient is not None else Mode.NOW
    if mode == Mode.OFF:
        _finish(notification, State.NOT_EMAILED)
        return
    if mode == Mode.DIGEST:
        _finish(notification, State.IN_DIGEST)
        return
    try:
        _send(notification, message)
    except (smtplib.SMTPRecipientsRefused, smtplib.SMTPSenderRefused) as exc:
        _bounced(notification, str(exc))
    except smtplib.SMTPResponseException as exc:
        if 500 <= exc.smtp_code < 600:
            _bounced(notification, f"{exc.smtp_code} {exc.smtp_error!r}")
        else:
            _retry_or_fail(notification, f"{exc.smtp_code} {exc.smtp_error!r}")
    except Exception as exc:  # connection refused, timeouts: worth another try
        _retry_or_fail(notification, f"{type(exc).__name__}: {exc}")
    else:
        _finish(notification, State.SENT, sent_at=timezone.now(), last_error="")
        if message.on_sent is not None:
            message.on_sent()


def _remember(notification: Notification, message: Message) -> None:
    """The record of what was sent (never the secret link: it goes into the email only)."""
    notification.subject = message.subject[:200]
    notification.body = message.body
    notification.link = message.link[:300]
    notification.has_calendar = message.calendar is not None
    notification.save(update_fields=["subject", "body", "link", "has_calendar", "updated_at"])


def _finish(notification: Notification, state: str, **fields: object) -> None:
    Notification.objects.filter(pk=notification.pk).update(state=state, **fields)


def _failed(notification: Notification, error: str, *, bounced: bool = False) -> None:
    _finish(notification, State.FAILED, last_error=error[:300], bounced=bounced)


def _bounced(notification: Notification, error: str) -> None:
    _failed(notification, f"The address was refused: {error}", bounced=True)
    if notification.recipient_id is not None:
        from tandem.accounts.models import User

        User.objects.filter(pk=notification.recipient_id).update(email_bounced_at=timezone.now())


def _retry_or_fail(notification: Notification, error: str) -> None:
    if notification.attempts >= MAX_ATTEMPTS:
        log.warning("Notification %s failed after %s tries", notification.pk, MAX_ATTEMPTS)
        _failed(notification, error)
        return
    _finish(
        notification,
        State.PENDING,
        last_error=error[:300],
        next_attempt_at=timezone.now() + backoff(notification.attempts),
        enqueued_at=None,
    )


def release_stuck(now: dt.datetime | None = None) -> int:
    """Rows left "sending" by a worker that stopped: failed, not resent (it may have gone)."""
    now = now or timezone.now()
    return Notification.objects.filter(
        state=State.SENDING, claimed_at__lt=now - STUCK_AFTER
    ).update(
        state=State.FAILED,
        last_error="The worker stopped while sending; not sent again in case it went out.",
    )


# --- the email ----------------------------------------------------------------------------


def unsubscribe_token(user_id: object, kind: str) -> str:
    return signing.dumps({"u": str(user_id), "k": kind}, salt="tandem.unsubscribe")


def read_unsubscribe_token(token: str) -> tuple[str, str]:
    """(user id, kind) from a link in an email; BadSignature if it was altered."""
    data = signing.loads(token, salt="tandem.unsubscribe")
    return data["u"], data["k"]


def compose(notification: Notification, message: Message) -> EmailMultiAlternatives:
    recipient = notification.recipient
    to = recipient.email if recipient is not None else notification.rater_email
    lines = []
    if recipient is not None:
        lines += [f"Hello {recipient.get_short_name()},", ""]
    lines.append(message.body.rstrip())
    if message.secret_link:
        lines += ["", message.secret_link]
    elif message.link:
        lines += ["", site_url(message.link)]
    headers: dict[str, str] = {}
    if recipient is not None and notification.kind not in TO_RATERS:
        settings_url = site_url(reverse("notification_settings"))
        lines += ["", "—", f"Choose what {settings.SITE_NAME} emails you: {settings_url}"]
        if notification.kind != Kind.DIGEST and notification.kind in _choosable():
            stop = site_url(
                reverse("unsubscribe", args=[unsubscribe_token(recipient.pk, notification.kind)])
            )
            lines.append(f"Stop emails like this one: {stop}")
            headers["List-Unsubscribe"] = f"<{stop}>"
            headers["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    email = EmailMultiAlternatives(
        subject=message.subject,
        body="\n".join(lines) + "\n",
        from_email=None,  # DEFAULT_FROM_EMAIL
        to=[to],
        headers=headers,
    )
    if message.calendar is not None:
        # Outlook and Apple Mail read the invitation from the text/calendar part's method;
        # Gmail from the attachment. Both carry the same object.
        email.attach_alternative(
            message.calendar, f"text/calendar; method={message.calendar_method}; charset=utf-8"
        )
        email.attach("invite.ics", message.calendar, "application/ics")
    return email


def _choosable() -> set[str]:
    from tandem.notifications.kinds import CHOOSABLE

    return set(CHOOSABLE)


def _send(notification: Notification, message: Message) -> None:
    compose(notification, message).send(fail_silently=False)
