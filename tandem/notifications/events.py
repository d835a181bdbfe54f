"""Notifications that follow from something a person did, called by the services that do it.

Each records one notification through ``notify`` inside the caller's transaction, with a key
that makes it once-only; its text is made when it is sent. The time-based nudges (reminders,
prompts, digests) are made by the scheduler instead (``schedule.py``)."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.utils import timezone

from tandem.notifications.kinds import Kind
from tandem.notifications.services import notify

if TYPE_CHECKING:
    from tandem.action_items.models import Reflection
    from tandem.coaching_sessions.models import CoachingSession
    from tandem.engagements.models import SponsorSummary
    from tandem.feedback.models import FeedbackCycle, Invitation

# Raters proposed in a burst (the coachee adds five in a row) make one email to the coach.
RATERS_WAITING_GATHER = dt.timedelta(minutes=15)


def agenda_added(session: CoachingSession) -> None:
    """The coachee put the first topic on a session's agenda: the coach hears, once."""
    engagement = session.engagement
    notify(
        kind=Kind.AGENDA_ADDED,
        key=f"agenda_added:{session.pk}",
        recipient=engagement.coach,
        engagement=engagement,
        about=session.pk,
    )


def reflection_shared(reflection: Reflection) -> None:
    engagement = reflection.engagement
    notify(
        kind=Kind.REFLECTION_SHARED,
        key=f"reflection_shared:{reflection.pk}",
        recipient=engagement.coach,
        engagement=engagement,
        about=reflection.pk,
    )


def cycle_set_up(cycle: FeedbackCycle) -> None:
    """A 360 was set up: the coachee nominates raters."""
    engagement = cycle.engagement
    notify(
        kind=Kind.NOMINATE_RATERS,
        key=f"nominate:{cycle.pk}",
        recipient=engagement.coachee,
        engagement=engagement,
        about=cycle.pk,
    )


def raters_proposed(cycle: FeedbackCycle) -> None:
    """At most one email a day per cycle, a little after the first proposal of the day so
    that a burst of proposals is counted in one."""
    engagement = cycle.engagement
    now = timezone.now()
    notify(
        kind=Kind.RATERS_WAITING,
        key=f"raters_waiting:{cycle.pk}:{timezone.localdate(now).isoformat()}",
        recipient=engagement.coach,
        engagement=engagement,
        about=cycle.pk,
        due_at=now + RATERS_WAITING_GATHER,
    )


def report_released(cycle: FeedbackCycle) -> None:
    engagement = cycle.engagement
    notify(
        kind=Kind.REPORT_RELEASED,
        key=f"report:{cycle.pk}",
        recipient=engagement.coachee,
        engagement=engagement,
        about=cycle.pk,
    )


def summary_approved(summary: SponsorSummary) -> None:
    engagement = summary.engagement
    if engagement.sponsor is None:
        return
    notify(
        kind=Kind.SUMMARY_APPROVED,
        key=f"summary:{summary.pk}:{engagement.sponsor_id}",
        recipient=engagement.sponsor,
        engagement=engagement,
        about=summary.pk,
    )


def rater_invited(invitation: Invitation) -> None:
    """A rater's link goes out; each time a link is issued is its own invitation."""
    assert invitation.sent_at is not None
    notify(
        kind=Kind.RATER_INVITATION,
        key=f"rater_invite:{invitation.pk}:{invitation.sent_at.isoformat()}",
        rater_email=invitation.email,
        engagement=invitation.cycle.engagement,
        about=invitation.pk,
    )


def rater_reminded(invitation: Invitation, *, occasion: str) -> bool:
    """A reminder to a rater who has not answered (the caller checked): ``occasion`` makes
    it once-only — the coach's button once a day, each scheduled day once."""
    return (
        notify(
            kind=Kind.RATER_REMINDER,
            key=f"rater_reminder:{invitation.pk}:{occasion}",
            rater_email=invitation.email,
            engagement=invitation.cycle.engagement,
            about=invitation.pk,
        )
        is not None
    )


def session_planned(session: CoachingSession) -> None:
    from tandem.notifications.calendar import calendar_send

    calendar_send(session)
