"""The person's notification settings, one-click unsubscribe from an email, the bell, the
private calendar feed and its settings, failed emails for admins, and the development outbox."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core import signing
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST, require_safe

from tandem.accounts.models import User
from tandem.accounts.selectors import organisation_get_for_admin
from tandem.core.http import AuthedRequest
from tandem.notifications import services
from tandem.notifications.calendar import feed_ics
from tandem.notifications.delivery import read_unsubscribe_token
from tandem.notifications.kinds import CHOOSABLE, Kind, Mode
from tandem.notifications.outbox import outbox_dir, outbox_email, outbox_emails
from tandem.notifications.selectors import (
    calendar_feed_by_token,
    calendar_feed_for,
    failed_emails_for,
    inbox_for,
    preferences_for,
)


@login_required
def notification_settings(request: AuthedRequest) -> HttpResponse:
    if request.method == "POST":
        modes = {
            kind.value: request.POST.get(kind.value, "")
            for kind in CHOOSABLE
            if kind.value in request.POST
        }
        try:
            services.preferences_save(actor=request.user, modes=modes)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, "Saved. Tandem will email you as you chose.")
            return redirect("notification_settings")
    return render(
        request,
        "notifications/settings.html",
        {"preferences": preferences_for(user=request.user), "modes": Mode.choices},
    )


def _unsubscribe_target(token: str) -> tuple[User, Kind]:
    try:
        user_id, kind = read_unsubscribe_token(token)
    except signing.BadSignature as exc:
        raise Http404("This link is not one of ours, or it was cut short.") from exc
    user = User.objects.filter(pk=user_id, is_active=True).first()
    if user is None or kind not in {k.value for k in CHOOSABLE}:
        raise Http404("This link no longer works.")
    return user, Kind(kind)


# A mail client's one-click unsubscribe (RFC 8058) posts without our CSRF token; the signed
# token in the address is the proof, and it can only ever turn one kind of email off.
@csrf_exempt
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    user, kind = _unsubscribe_target(token)
    done = request.method == "POST"
    if done:
        services.preferences_save(actor=user, modes={kind.value: Mode.OFF})
    return render(
        request, "notifications/unsubscribe.html", {"kind": kind, "done": done, "person": user}
    )


@login_required
def inbox(request: AuthedRequest) -> HttpResponse:
    """The bell's list. Opening it reads what it shows: unread ones are marked on this page
    and count as read from the next."""
    items = list(inbox_for(user=request.user)[:50])
    response = render(request, "notifications/inbox.html", {"items": items})
    unread = [item.pk for item in items if item.read_at is None]
    if unread:
        services.notifications_mark_read(actor=request.user, ids=unread)
    return response


@login_required
@require_POST
def inbox_mark_read(request: AuthedRequest) -> HttpResponse:
    count = services.notifications_mark_read(actor=request.user)
    if count:
        messages.success(request, f"{count} notification(s) marked read.")
    return redirect("inbox")


# --- the calendar feed ----------------------------------------------------------------------


@require_safe
def calendar_feed(request: HttpRequest, token: str) -> HttpResponse:
    """A person's sessions for their calendar app, by the secret in the address; no sign-in
    (calendar apps cannot). An unknown or revoked address is a bare 404."""
    feed = calendar_feed_by_token(token)
    if feed is None:
        return HttpResponse(status=404, content_type="text/plain")
    response = HttpResponse(feed_ics(feed.user), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'inline; filename="{settings.SITE_NAME.lower()}.ics"'
    response["Cache-Control"] = "private, max-age=0, no-store"
    response["X-Robots-Tag"] = "noindex, nofollow"
    services.calendar_feed_touch(feed)
    return response


def feed_url(token: str) -> str:
    return services.site_url(reverse("calendar_feed", args=[token]))


@login_required
def calendar_settings(request: AuthedRequest) -> HttpResponse:
    feed = calendar_feed_for(user=request.user)
    url = feed_url(feed.token) if feed is not None else ""
    return render(
        request,
        "notifications/calendar_settings.html",
        {
            "feed": feed,
            "feed_url": url,
            "webcal_url": url.replace("https://", "webcal://", 1).replace(
                "http://", "webcal://", 1
            ),
        },
    )


@login_required
@require_POST
def calendar_feed_regenerate(request: AuthedRequest) -> HttpResponse:
    had = calendar_feed_for(user=request.user) is not None
    services.calendar_feed_regenerate(actor=request.user)
    messages.success(
        request,
        "Your new calendar address is below. The old one stopped working: subscribe again "
        "with the new one."
        if had
        else "Your calendar address is ready: subscribe to it in your calendar app.",
    )
    return redirect("calendar_settings")


@login_required
@require_POST
def calendar_feed_revoke(request: AuthedRequest) -> HttpResponse:
    services.calendar_feed_revoke(actor=request.user)
    messages.success(
        request,
        "Your calendar address no longer works; calendars subscribed to it stop updating. "
        "Invitations by email still come.",
    )
    return redirect("calendar_settings")


# --- failed emails, for the organisation's programme admins --------------------------------


@login_required
def failed_emails(request: AuthedRequest, slug: str) -> HttpResponse:
    organisation = organisation_get_for_admin(user=request.user, slug=slug)
    return render(
        request,
        "notifications/failed_emails.html",
        {"organisation": organisation, "failed": failed_emails_for(organisation=organisation)},
    )


# --- the development outbox -----------------------------------------------------------------


def _development_only() -> None:
    if not settings.DEBUG:
        raise Http404("The outbox exists in development only.")


def dev_outbox(request: HttpRequest) -> HttpResponse:
    """The emails the file backend wrote (DEBUG only): what ``make run`` sent."""
    _development_only()
    return render(
        request,
        "notifications/outbox.html",
        {"emails": outbox_emails(200), "folder": outbox_dir(), "now": timezone.now()},
    )


def dev_outbox_email(request: HttpRequest, file: str, index: int) -> HttpResponse:
    _development_only()
    found = outbox_email(file, index)
    if found is None:
        raise Http404("No such email in the outbox.")
    return render(request, "notifications/outbox_email.html", {"email": found})


def dev_outbox_ics(request: HttpRequest, file: str, index: int) -> HttpResponse:
    _development_only()
    found = outbox_email(file, index)
    if found is None or found.calendar is None:
        raise Http404("No such calendar invitation in the outbox.")
    response = HttpResponse(found.calendar, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="invite.ics"'
    return response
