"""Sending one notification: at most once, retried with back-off, a bounce shown to the
person, choices per kind, one-click unsubscribe, the bell, failed emails for admins."""

from __future__ import annotations

import datetime as dt
import re
import smtplib

import pytest
import time_machine
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.mail.backends.base import BaseEmailBackend
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone

from tandem.coaching_sessions import services as sessions
from tandem.notifications import delivery
from tandem.notifications.kinds import Kind, Mode
from tandem.notifications.models import Notification
from tandem.notifications.services import notify, preferences_save

pytestmark = pytest.mark.django_db
State = Notification.State
HERE = "tandem.notifications.tests.test_delivery"


class DownBackend(BaseEmailBackend):
    """The mail server cannot be reached."""

    def send_messages(self, email_messages):
        raise ConnectionRefusedError("Connection refused")


class RefusingBackend(BaseEmailBackend):
    """The mail server refuses the address."""

    def send_messages(self, email_messages):
        raise smtplib.SMTPRecipientsRefused(
            {m.to[0]: (550, b"No such user") for m in email_messages}
        )


class BusyBackend(BaseEmailBackend):
    def send_messages(self, email_messages):
        raise smtplib.SMTPDataError(451, b"Try again later")


def _agenda_added(engagement, key: str = "k1", days: int = 3) -> Notification:
    session = sessions.sessions_plan(
        actor=engagement.coach,
        engagement=engagement,
        first_at=timezone.now() + dt.timedelta(days=days),
        count=1,
    )[0]
    # Its invitations are not what is tested here.
    Notification.objects.filter(kind=Kind.SESSION_INVITATION).delete()
    found = notify(
        kind=Kind.AGENDA_ADDED,
        key=key,
        recipient=engagement.coach,
        engagement=engagement,
        about=session.pk,
    )
    assert found is not None
    return found


def test_the_same_key_is_notified_once(engagement):
    first = _agenda_added(engagement)
    assert notify(kind=Kind.AGENDA_ADDED, key="k1", recipient=engagement.coach) is None
    assert Notification.objects.filter(key="k1").count() == 1 and first.pk


def test_two_deliveries_of_one_notification_send_one_email(engagement):
    notification = _agenda_added(engagement)
    delivery.deliver(str(notification.pk))
    delivery.deliver(str(notification.pk))
    assert len(mail.outbox) == 1
    notification.refresh_from_db()
    assert notification.state == State.SENT and notification.attempts == 1


def test_only_one_of_two_workers_claims_a_notification(engagement):
    notification = _agenda_added(engagement)
    assert delivery.claim(str(notification.pk)) is not None
    assert delivery.claim(str(notification.pk)) is None


def test_a_worker_stopped_between_claim_and_send_never_sends_it_again(engagement, run_tick):
    notification = _agenda_added(engagement)
    delivery.claim(str(notification.pk))  # ... and the worker is killed here
    delivery.deliver(str(notification.pk))  # restarted, handed the same id
    run_tick()
    assert mail.outbox == []
    with time_machine.travel(timezone.now() + dt.timedelta(minutes=16), tick=False):
        run_tick()
    notification.refresh_from_db()
    assert notification.state == State.FAILED and "not sent again" in notification.last_error
    assert mail.outbox == []


def test_an_unreachable_server_is_retried_with_back_off_then_failed(
    engagement, programme_admin, run_tick
):
    notification = _agenda_added(engagement)
    tried_at = timezone.now()
    with (
        override_settings(EMAIL_BACKEND=f"{HERE}.DownBackend"),
        time_machine.travel(tried_at, tick=False) as clock,
    ):
        delivery.deliver(str(notification.pk))
        waits = []
        for attempt in range(1, 5):
            notification.refresh_from_db()
            assert notification.state == State.PENDING and notification.attempts == attempt
            waits.append(round((notification.next_attempt_at - tried_at).total_seconds() / 60))
            clock.move_to(notification.next_attempt_at - dt.timedelta(seconds=1))
            assert run_tick().counts["enqueued"] == 0  # not before its time
            tried_at = notification.next_attempt_at
            clock.move_to(tried_at)
            assert run_tick().counts["enqueued"] == 1
    assert waits == [2, 4, 8, 16]
    notification.refresh_from_db()
    assert notification.state == State.FAILED and notification.attempts == 5
    assert "Connection refused" in notification.last_error
    client = Client()
    client.force_login(programme_admin)
    page = client.get(reverse("failed_emails", args=[engagement.organisation.slug]))
    text = page.content.decode()
    assert engagement.coach.full_name in text and "Could not be delivered" in text


def test_a_temporary_refusal_is_retried_not_failed(engagement):
    notification = _agenda_added(engagement)
    with override_settings(EMAIL_BACKEND=f"{HERE}.BusyBackend"):
        delivery.deliver(str(notification.pk))
    notification.refresh_from_db()
    assert notification.state == State.PENDING and not notification.bounced


def test_a_bounced_address_fails_at_once_and_the_person_is_asked_to_fix_it(engagement, coach):
    notification = _agenda_added(engagement)
    with override_settings(EMAIL_BACKEND=f"{HERE}.RefusingBackend"):
        delivery.deliver(str(notification.pk))
    notification.refresh_from_db()
    assert notification.state == State.FAILED and notification.bounced
    assert notification.attempts == 1
    client = Client()
    client.force_login(coach)
    home = client.get(reverse("home")).content.decode()
    assert f"Emails to {coach.email} are being refused" in home
    settings_page = client.get(reverse("account_settings")).content.decode()
    assert "are not arriving" in settings_page
    client.post(reverse("email_bounce_clear"))
    assert "being refused" not in client.get(reverse("home")).content.decode()


def test_a_failed_rater_email_is_counted_for_admins_never_named(engagement, programme_admin, coach):
    notify(
        kind=Kind.RATER_INVITATION,
        key="r1",
        rater_email="hidden.rater@example.org",
        engagement=engagement,
    )
    Notification.objects.filter(key="r1").update(state=State.FAILED)
    client = Client()
    client.force_login(programme_admin)
    page = client.get(reverse("failed_emails", args=[engagement.organisation.slug]))
    text = page.content.decode()
    assert "1 email to raters not sent" in text
    assert "hidden.rater" not in text
    client.force_login(coach)
    assert client.get(
        reverse("failed_emails", args=[engagement.organisation.slug])
    ).status_code in {
        403,
        404,
    }


# --- the person's choices --------------------------------------------------------------------


def test_email_off_keeps_it_under_the_bell_only(engagement, coach):
    preferences_save(actor=coach, modes={Kind.AGENDA_ADDED: Mode.OFF})
    notification = _agenda_added(engagement)
    delivery.deliver(str(notification.pk))
    assert mail.outbox == []
    notification.refresh_from_db()
    assert notification.state == State.NOT_EMAILED
    client = Client()
    client.force_login(coach)
    assert "not emailed (your choice)" in client.get(reverse("inbox")).content.decode()


def test_essential_kinds_cannot_be_turned_off(coach):
    with pytest.raises(ValidationError, match="always sent"):
        preferences_save(actor=coach, modes={Kind.SESSION_INVITATION: Mode.OFF})
    with pytest.raises(ValidationError, match="Choose one of"):
        preferences_save(actor=coach, modes={Kind.AGENDA_ADDED: "sometimes"})


def test_the_settings_page_saves_choices(coach):
    client = Client()
    client.force_login(coach)
    response = client.post(reverse("notification_settings"), {Kind.ACTIONS_DUE.value: Mode.DIGEST})
    assert response.status_code == 302
    page = client.get(reverse("notification_settings")).content.decode()
    assert re.search(rf'name="{Kind.ACTIONS_DUE.value}" value="digest"[^>]* checked', page)
    assert not re.search(rf'name="{Kind.ACTIONS_DUE.value}" value="now"[^>]* checked', page)
    assert coach.notification_prefs.get(kind=Kind.ACTIONS_DUE).mode == Mode.DIGEST


def test_every_email_to_a_person_links_to_their_settings_and_one_click_unsubscribe(
    engagement, coach
):
    notification = _agenda_added(engagement)
    delivery.deliver(str(notification.pk))
    (email,) = mail.outbox
    assert "http://127.0.0.1:8000/settings/notifications/" in email.body
    stop = email.extra_headers["List-Unsubscribe"].strip("<>")
    assert email.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    path = stop.removeprefix("http://127.0.0.1:8000")
    # The mail client posts without our CSRF token (RFC 8058).
    client = Client(enforce_csrf_checks=True)
    assert "Stop these emails?" in client.get(path).content.decode()
    done = client.post(path, {"List-Unsubscribe": "One-Click"})
    assert done.status_code == 200
    assert coach.notification_prefs.get(kind=Kind.AGENDA_ADDED).mode == Mode.OFF
    tampered = path.replace(path.split("/")[-2], path.split("/")[-2][:-3] + "xyz")
    assert client.get(tampered).status_code == 404


def test_a_digest_member_sees_no_unsubscribe_of_the_digest(engagement, coach, run_tick):
    preferences_save(actor=coach, modes={Kind.AGENDA_ADDED: Mode.DIGEST})
    notification = _agenda_added(engagement)
    delivery.deliver(str(notification.pk))
    assert Notification.objects.get(pk=notification.pk).state == State.IN_DIGEST
    monday = timezone.localdate() + dt.timedelta(days=7 - timezone.localdate().weekday())
    with time_machine.travel(
        dt.datetime.combine(monday, dt.time(9), tzinfo=timezone.get_default_timezone()),
        tick=False,
    ):
        run_tick()
    (digest,) = mail.outbox
    assert "List-Unsubscribe" not in digest.extra_headers
    assert "/settings/notifications/" in digest.body


# --- the bell -------------------------------------------------------------------------------


def test_the_bell_counts_unread_and_opening_the_list_reads_them(engagement, coach):
    for days, key in ((3, "a"), (5, "b")):
        delivery.deliver(str(_agenda_added(engagement, key=key, days=days).pk))
    client = Client()
    client.force_login(coach)
    assert "Notifications: 2 unread" in client.get(reverse("home")).content.decode()
    listing = client.get(reverse("inbox")).content.decode()
    assert listing.count('class="notice unread"') == 2
    assert "set the agenda for your session" in listing
    assert "unread" not in client.get(reverse("home")).content.decode().split("bell")[1][:80]
    assert 'class="notice unread"' not in client.get(reverse("inbox")).content.decode()


def test_nobody_sees_anothers_notifications(engagement, coachee):
    delivery.deliver(str(_agenda_added(engagement).pk))
    client = Client()
    client.force_login(coachee)
    assert "set the agenda" not in client.get(reverse("inbox")).content.decode()


# --- time zones ------------------------------------------------------------------------------


def test_an_invalid_time_zone_is_refused_with_a_message(coach):
    client = Client()
    client.force_login(coach)
    response = client.post(
        reverse("account_settings"), {"full_name": coach.full_name, "time_zone": "Mars/Olympus"}
    )
    assert response.status_code == 422
    assert "Select a valid choice" in response.content.decode()
    coach.refresh_from_db()
    assert coach.time_zone == ""
    from tandem.accounts.services import account_update

    with pytest.raises(ValidationError, match="not a time zone we know"):
        account_update(actor=coach, full_name="Casey", time_zone="Mars/Olympus")


def test_times_in_emails_follow_the_recipients_time_zone(engagement, coach, coachee, committed):
    coachee.time_zone = "Asia/Tokyo"
    coachee.save()
    when = dt.datetime(2027, 1, 12, 9, 0, tzinfo=dt.UTC)
    with time_machine.travel(dt.datetime(2027, 1, 5, 9, tzinfo=dt.UTC), tick=False):
        engagement.start_date = dt.date(2027, 1, 1)
        engagement.end_date = dt.date(2027, 5, 1)
        engagement.save()
        committed(
            lambda: sessions.sessions_plan(
                actor=coach, engagement=engagement, first_at=when, count=1
            )
        )
    to_coachee = next(m for m in mail.outbox if coachee.email in m.to)
    to_coach = next(m for m in mail.outbox if coach.email in m.to)
    assert "18:00–19:00 (Asia/Tokyo)" in to_coachee.subject
    assert "09:00–10:00 (Europe/London)" in to_coach.subject
