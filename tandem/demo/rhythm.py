"""The rhythm around the demo: emails already sent, each person's calendar feed, a coach who
left (so an engagement needs a new coach), someone invited who has not signed in yet, and an
address that bounced."""

from __future__ import annotations

import datetime as dt
from unittest import mock

from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from tandem.accounts import services as accounts
from tandem.accounts.models import Membership, Organisation, User
from tandem.coaching_sessions.models import CoachingSession
from tandem.notifications import delivery, schedule
from tandem.notifications.kinds import Kind
from tandem.notifications.models import Notification
from tandem.notifications.services import calendar_feed_regenerate, notify


def agenda_reminder_sent(session: CoachingSession) -> None:
    """Two days before the session the coachee was reminded to add the agenda (she then did).
    History is told as it happened: the scheduler's pass and the sending run on that day's
    clock, before the agenda exists."""
    two_days_before = session.scheduled_at - dt.timedelta(days=2, minutes=-5)
    with mock.patch.object(timezone, "now", return_value=two_days_before):
        schedule.agenda_reminders(two_days_before)
        reminder = Notification.objects.get(kind=Kind.AGENDA_REMINDER, about=session.pk)
        delivery.deliver(str(reminder.pk))
    Notification.objects.filter(pk=reminder.pk).update(read_at=two_days_before)


def feeds(emails: list[str]) -> dict[str, str]:
    """Every demo person gets a private calendar address."""
    base = settings.SITE_URL.rstrip("/")
    return {
        user.email: base + reverse("calendar_feed", args=[calendar_feed_regenerate(actor=user)])
        for user in User.objects.filter(email__in=emails, is_active=True)
    }


def people_matters(org: Organisation, p: dict[str, User]) -> None:
    """A coach who left, a coachee invited who has not chosen a password, a bounced address."""
    membership = Membership.objects.get(user=p["paul"], organisation=org)
    accounts.membership_deactivate(actor=p["admin"], membership=membership)
    jonas = p["jonas"]
    jonas.set_unusable_password()
    jonas.save(update_fields=["password"])
    ben = p["ben"]
    bounced = timezone.now() - dt.timedelta(days=3)
    refused = notify(
        kind=Kind.REFLECTION_PROMPT,
        key=f"demo-bounce:{ben.pk}",
        recipient=ben,
        due_at=bounced,
    )
    if refused is not None:
        Notification.objects.filter(pk=refused.pk).update(
            state=Notification.State.FAILED,
            bounced=True,
            attempts=1,
            subject="What did you try since your last session?",
            last_error="The address was refused: 550 5.1.1 mailbox unavailable",
        )
    User.objects.filter(pk=ben.pk).update(email_bounced_at=bounced)


def run_the_scheduler() -> None:
    """One pass, as the worker would: what is due now is created and handed over."""
    schedule.tick()
