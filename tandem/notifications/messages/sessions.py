"""Sessions and what happens between them: invitations, agenda, actions, reflections.

Each message names the session by its time and the other person, and links to the app; the
agenda's topics, notes, actions and reflections themselves never leave it."""

from __future__ import annotations

import datetime as dt
from collections import Counter

from django.urls import reverse
from django.utils import timezone

from tandem.action_items.models import ActionItem, Reflection
from tandem.coaching_sessions.models import CoachingSession
from tandem.engagements.models import Engagement
from tandem.notifications import calendar
from tandem.notifications.kinds import Kind
from tandem.notifications.messages import Message, builds, day, when
from tandem.notifications.models import Notification

Status = CoachingSession.Status
# Engagements still under way: nudges about them make sense.
LIVE = (Engagement.Status.CONTRACTING, Engagement.Status.ACTIVE, Engagement.Status.CLOSING)


def _session(notification: Notification) -> CoachingSession | None:
    if notification.about is None:
        return None
    return (
        CoachingSession.objects.filter(pk=notification.about)
        .select_related("engagement__coach", "engagement__coachee")
        .first()
    )


def _other(session: CoachingSession, person_id: object) -> str:
    engagement = session.engagement
    other = engagement.coachee if person_id == engagement.coach_id else engagement.coach
    return other.full_name


def _what(session: CoachingSession) -> str:
    return "1:1" if session.engagement.is_one_on_one else "Coaching session"


def _session_path(session: CoachingSession, anchor: str = "") -> str:
    return reverse("session_detail", args=[session.pk]) + anchor


@builds(Kind.SESSION_INVITATION)
def session_invitation(notification: Notification) -> Message | None:
    """The calendar entry of one session as it stands now: a REQUEST, or a CANCEL once it
    is cancelled (or, for someone who left the engagement, for them alone)."""
    session = _session(notification)
    if session is None or notification.recipient is None:
        return None
    if session.scheduled_at + dt.timedelta(minutes=session.duration_minutes) < timezone.now():
        return None  # over already: nothing for a calendar to do
    if notification.params.get("removed"):
        return _removed(notification, session)
    engagement, person = session.engagement, notification.recipient
    if notification.params.get("sequence", 0) < session.calendar_sequence:
        return None  # a later change was sent meanwhile and replaces this one
    if person.pk not in {engagement.coach_id, engagement.coachee_id}:
        return None
    if session.status not in {Status.PLANNED, Status.CANCELLED}:
        return None
    at = when(session.scheduled_at, session.duration_minutes)
    what, other = _what(session), _other(session, person.pk)
    if session.status == Status.CANCELLED:
        return Message(
            subject=f"Cancelled: {what.lower()} with {other}, {at}",
            body=(
                f"The {what.lower()} with {other} on {at} is cancelled. Your calendar "
                "removes it with the attached update."
            ),
            link=_session_path(session),
            calendar=calendar.invitation_ics(session, method="CANCEL"),
            calendar_method="CANCEL",
        )
    moved = session.calendar_sequence > 0
    return Message(
        subject=f"{'Updated: ' if moved else ''}{what} with {other}, {at}",
        body=(
            f"{'The ' + what.lower() + ' is now' if moved else what + ' planned'} with "
            f"{other}: {at}. Accept the attached invitation to "
            + ("update the entry in your calendar." if moved else "put it in your calendar.")
        ),
        link=_session_path(session),
        calendar=calendar.invitation_ics(session, method="REQUEST"),
    )


def _removed(notification: Notification, session: CoachingSession) -> Message | None:
    engagement, person = session.engagement, notification.recipient
    assert person is not None
    if person.pk in {engagement.coach_id, engagement.coachee_id}:
        return None  # part of it again
    if session.status != Status.PLANNED:
        return None  # called off anyway: the cancellation went out then
    at = when(session.scheduled_at, session.duration_minutes)
    return Message(
        subject=f"Removed from your calendar: {_what(session).lower()}, {at}",
        body=(
            f"You are no longer part of {engagement.display_title}, so the session on {at} "
            "leaves your calendar with the attached update."
        ),
        calendar=calendar.invitation_ics(session, method="CANCEL", attendees=[person]),
        calendar_method="CANCEL",
    )


@builds(Kind.AGENDA_REMINDER)
def agenda_reminder(notification: Notification) -> Message | None:
    """Two days before: the coachee sets the agenda. Skipped if they have meanwhile."""
    session = _session(notification)
    if session is None or not session.is_planned or session.engagement.status not in LIVE:
        return None
    if session.scheduled_at.isoformat() != notification.params.get("at"):
        return None  # moved: the reminder for the new time is its own
    if session.scheduled_at <= timezone.now():
        return None
    if session.topics.filter(added_by_id=session.engagement.coachee_id).exists():
        return None
    at = when(session.scheduled_at, session.duration_minutes)
    coach = session.engagement.coach.full_name
    return Message(
        subject=f"Add your agenda for your session with {coach}",
        body=(
            f"Your session with {coach} is on {at}. You set the agenda: add the topics you "
            "want to work on, so the time goes where you need it."
        ),
        link=_session_path(session, "#agenda"),
    )


@builds(Kind.ACTIONS_DUE)
def actions_due(notification: Notification) -> Message | None:
    """On the due date, one email for all the person's open actions due that day."""
    due = dt.date.fromisoformat(notification.params["date"])
    open_due = ActionItem.objects.filter(
        owner_id=notification.recipient_id,
        status=ActionItem.Status.OPEN,
        due_date=due,
        engagement__status__in=LIVE,
    ).select_related("engagement__coachee")
    counts = Counter(action.engagement for action in open_due)
    if not counts:
        return None  # done or moved meanwhile
    total = sum(counts.values())
    lines = [
        f"- {count} in {engagement.display_title}"
        for engagement, count in sorted(counts.items(), key=lambda pair: pair[0].display_title)
    ]
    first = next(iter(counts))
    return Message(
        subject=f"{total} action{'s' if total > 1 else ''} due today",
        body=(
            f"{total} of your actions {'fall' if total > 1 else 'falls'} due today, "
            f"{day(due)}:\n"
            + "\n".join(lines)
            + "\n\nMark what you did, note what you learned, or move the date:"
        ),
        link=reverse("action_list", args=[first.pk]),
    )


@builds(Kind.REFLECTION_PROMPT)
def reflection_prompt(notification: Notification) -> Message | None:
    """A few days after a held session; not if they have written a reflection since."""
    session = _session(notification)
    if session is None or not session.is_held:
        return None
    engagement = session.engagement
    if engagement.status == Engagement.Status.CANCELLED:
        return None
    if Reflection.objects.filter(
        engagement=engagement,
        author_id=notification.recipient_id,
        created_at__gte=session.scheduled_at,
    ).exists():
        return None
    return Message(
        subject="A few minutes to reflect on your last session",
        body=(
            f"It is a few days since your session with {engagement.coach.full_name} on "
            f"{when(session.scheduled_at)}. What did you try since, what happened, what did "
            "you learn? A short reflection now makes the next session count. It stays "
            "private unless you share it with your coach."
        ),
        link=reverse("reflection_list", args=[engagement.pk]),
    )


@builds(Kind.AGENDA_ADDED)
def agenda_added(notification: Notification) -> Message | None:
    session = _session(notification)
    if session is None or not session.is_planned:
        return None
    engagement = session.engagement
    if notification.recipient_id != engagement.coach_id:
        return None
    coachee = engagement.coachee.full_name
    return Message(
        subject=f"{coachee} set the agenda for your session",
        body=(
            f"{coachee} added to the agenda of your session on "
            f"{when(session.scheduled_at, session.duration_minutes)}. Read it in Tandem:"
        ),
        link=_session_path(session, "#agenda"),
    )


@builds(Kind.REFLECTION_SHARED)
def reflection_shared(notification: Notification) -> Message | None:
    if notification.about is None:
        return None
    reflection = (
        Reflection.objects.filter(pk=notification.about)
        .select_related("engagement__coach", "author")
        .first()
    )
    if reflection is None or not reflection.shared_with_coach:
        return None  # taken back
    if reflection.engagement.coach_id != notification.recipient_id:
        return None
    author = reflection.author.full_name
    return Message(
        subject=f"{author} shared a reflection with you",
        body=f"{author} shared a reflection with you in {reflection.engagement.display_title}.",
        link=reverse("reflection_edit", args=[reflection.pk]),
    )


@builds(Kind.ACCOUNTABILITY_MISSING)
def accountability_missing(notification: Notification) -> Message | None:
    """The day after a session's time, still open, with earlier actions unaccounted for."""
    from tandem.action_items.selectors import accountability_pending

    session = _session(notification)
    if session is None or not session.is_planned or session.engagement.status not in LIVE:
        return None
    if session.scheduled_at.isoformat() != notification.params.get("at"):
        return None
    missing = len(accountability_pending(session))
    if not missing:
        return None
    coachee = session.engagement.coachee.full_name
    return Message(
        subject=f"Accountability missing: your session with {coachee}",
        body=(
            f"Your session with {coachee} on {when(session.scheduled_at)} is still open, and "
            f"{missing} earlier action{'s have' if missing > 1 else ' has'} no accountability "
            "yet: record done, partly or not done for each, then close the session."
        ),
        link=_session_path(session, "#accountability"),
    )
