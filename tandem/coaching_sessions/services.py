"""Writes for sessions: planning, the agenda, GROW notes, commitment, closing, private notes."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from enum import StrEnum

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from tandem.accounts.models import User
from tandem.coaching_sessions.grow_merge import NOTES, grow_notes_merge
from tandem.coaching_sessions.models import (
    COMMITMENT_THRESHOLD,
    AgendaTopic,
    CoachingSession,
    GrowOption,
    PrivateNote,
)
from tandem.core.policy import Perm, engagement_require
from tandem.core.services import locked, validated_save
from tandem.core.versioning import bump_version
from tandem.engagements.models import Engagement
from tandem.engagements.services import COACHING_MINUTES, COACHING_SESSIONS
from tandem.notifications import events
from tandem.notifications.calendar import calendar_changed
from tandem.programmes.figures import figures_touch

Status = CoachingSession.Status
MAX_TOPICS = 6


def _require_planned(session: CoachingSession) -> None:
    if not session.is_planned:
        raise ValidationError(
            f"This session is {session.get_status_display().lower()}: its record is closed."
        )


def _live_sessions(engagement: Engagement) -> int:
    return engagement.sessions.exclude(status=Status.CANCELLED).count()


# --- planning ---------------------------------------------------------------------------


@transaction.atomic
def sessions_plan(
    *,
    actor: User,
    engagement: Engagement,
    first_at: dt.datetime,
    count: int,
    cadence_days: int | None = None,
    duration_minutes: int | None = None,
    allow_overlap: bool = False,
) -> list[CoachingSession]:
    """Plan ``count`` sessions from ``first_at``, one every ``cadence_days`` (the engagement's
    cadence by default). A coaching engagement holds at most 12 sessions in all.

    Coach and coachee are sent a calendar invitation for each. With ``allow_overlap=False``
    (what the pages pass until the coach ticks "Plan anyway"), a time that overlaps another
    of the coach's sessions in any engagement is refused with a warning naming when."""
    engagement = locked(engagement)
    engagement_require(actor, Perm.SCHEDULE_SESSIONS, engagement)
    if engagement.status in {Engagement.Status.COMPLETED, Engagement.Status.CANCELLED}:
        raise ValidationError("This engagement has ended: no more sessions can be planned.")
    cadence = cadence_days or engagement.cadence_days
    minutes = duration_minutes or engagement.session_minutes
    if count < 1:
        raise ValidationError({"count": "Plan at least one session."})
    problem = _outside_engagement(engagement, first_at) or _before_held(engagement, first_at)
    if problem:
        raise ValidationError({"first_at": problem})
    if engagement.is_coaching:
        room = COACHING_SESSIONS[1] - _live_sessions(engagement)
        if count > room:
            raise ValidationError(
                {
                    "count": f"A coaching engagement has at most {COACHING_SESSIONS[1]} sessions; "
                    f"there is room for {max(room, 0)} more."
                }
            )
        low, high = COACHING_MINUTES
        if not low <= minutes <= high:
            raise ValidationError(
                {"duration_minutes": f"Coaching sessions last {low} to {high} minutes."}
            )
    last_day = first_at.date() + dt.timedelta(days=cadence * (count - 1))
    if engagement.end_date and last_day > engagement.end_date:
        raise ValidationError(
            {
                "count": f"The last of these sessions would fall on {last_day:%d %b %Y}, "
                f"after the engagement ends on {engagement.end_date:%d %b %Y}."
            }
        )
    live = list(engagement.sessions.exclude(status=Status.CANCELLED))
    starts = [first_at + dt.timedelta(days=cadence * index) for index in range(count)]
    for start in starts:
        clash = _overlap(start, minutes, live)
        if clash:
            raise ValidationError({"first_at": clash})
    if not allow_overlap:
        _warn_coach_elsewhere(engagement, [(start, minutes) for start in starts])
    sessions = [
        validated_save(
            CoachingSession(engagement=engagement, scheduled_at=start, duration_minutes=minutes)
        )
        for start in starts
    ]
    _carry_pending_topics(engagement)
    for session in sessions:
        events.session_planned(session)
    figures_touch(engagement)
    return sessions


def _warn_coach_elsewhere(engagement: Engagement, slots: list[tuple[dt.datetime, int]]) -> None:
    """A coach with another session at the same time (in any engagement) is warned before
    saving; ticking "Plan anyway" (``allow_overlap``) saves regardless. Only the times are
    named, never whose session it is."""
    from tandem.coaching_sessions.selectors import clashes_elsewhere

    clashes = clashes_elsewhere(person=engagement.coach, slots=slots, engagement=engagement)
    if not clashes:
        return
    times = []
    for start, minutes in clashes[:3]:
        local = timezone.localtime(start)
        end = timezone.localtime(start + dt.timedelta(minutes=minutes))
        times.append(f"{local:%a %d %b %Y, %H:%M}–{end:%H:%M}")
    more = f" and {len(clashes) - 3} more" if len(clashes) > 3 else ""
    raise ValidationError(
        {
            "allow_overlap": f"You have another session then: {'; '.join(times)}{more}. "
            "Choose another time, or tick “Plan anyway” to keep this one."
        },
        code="overlap",
    )


def _before_held(engagement: Engagement, when: dt.datetime) -> str | None:
    """Sessions follow each other: none is planned before one that already took place."""
    last_held = engagement.sessions.filter(status=Status.HELD).order_by("-scheduled_at").first()
    if last_held is None or when > last_held.scheduled_at:
        return None
    held_on = timezone.localtime(last_held.scheduled_at)
    return (
        f"A session already took place on {held_on:%d %b %Y}: a planned one cannot come "
        "before it. Choose a later date."
    )


def _overlap(when: dt.datetime, minutes: int, others: Iterable[CoachingSession]) -> str | None:
    """Two sessions of one engagement never overlap; ``others`` are its live sessions."""
    end = when + dt.timedelta(minutes=minutes)
    for other in others:
        other_end = other.scheduled_at + dt.timedelta(minutes=other.duration_minutes)
        if other.scheduled_at < end and when < other_end:
            at = timezone.localtime(other.scheduled_at)
            return f"Another session runs then ({at:%d %b %Y, %H:%M}). Choose another time."
    return None


def _outside_engagement(engagement: Engagement, when: dt.datetime) -> str | None:
    """Why a session at ``when`` does not fit the engagement's dates, or None."""
    day = timezone.localtime(when).date() if timezone.is_aware(when) else when.date()
    if day < engagement.start_date:
        return (
            f"{day:%d %b %Y} is before the engagement starts on "
            f"{engagement.start_date:%d %b %Y}. Choose a date within it, or change its dates."
        )
    if engagement.end_date and day > engagement.end_date:
        return (
            f"{day:%d %b %Y} is after the engagement ends on {engagement.end_date:%d %b %Y}. "
            "Choose a date within it, or change its dates."
        )
    return None


@transaction.atomic
def session_reschedule(
    *,
    actor: User,
    session: CoachingSession,
    scheduled_at: dt.datetime,
    duration_minutes: int,
    expected_version: int | None,
    allow_overlap: bool = False,
) -> CoachingSession:
    """Move a planned session. Its calendar entry is updated for both people (a higher
    SEQUENCE, the same UID). With ``allow_overlap=False`` (the page, until "Plan anyway" is
    ticked) an overlap with the coach's sessions elsewhere is refused with a warning."""
    session = locked(session)
    engagement_require(actor, Perm.SCHEDULE_SESSIONS, session.engagement)
    _require_planned(session)
    problem = _outside_engagement(session.engagement, scheduled_at)
    if problem:
        raise ValidationError({"scheduled_at": problem})
    others = session.engagement.sessions.exclude(pk=session.pk).exclude(status=Status.CANCELLED)
    problem = _before_held(session.engagement, scheduled_at) or _overlap(
        scheduled_at, duration_minutes, others
    )
    if problem:
        raise ValidationError({"scheduled_at": problem})
    if session.engagement.is_coaching and not (
        COACHING_MINUTES[0] <= duration_minutes <= COACHING_MINUTES[1]
    ):
        low, high = COACHING_MINUTES
        raise ValidationError(
            {"duration_minutes": f"Coaching sessions last {low} to {high} minutes."}
        )
    if not allow_overlap:
        _warn_coach_elsewhere(session.engagement, [(scheduled_at, duration_minutes)])
    bump_version(session, expected=expected_version)
    moved = (scheduled_at, duration_minutes) != (session.scheduled_at, session.duration_minutes)
    session.scheduled_at = scheduled_at
    session.duration_minutes = duration_minutes
    validated_save(session)
    if moved:
        calendar_changed(session)
    return session


@transaction.atomic
def session_mark(*, actor: User, session: CoachingSession, status: str) -> CoachingSession:
    """Cancel a planned session or record a no-show. (Held is ``session_close``.)"""
    session = locked(session)
    engagement_require(actor, Perm.SCHEDULE_SESSIONS, session.engagement)
    if status not in {Status.CANCELLED, Status.NO_SHOW}:
        raise ValidationError("Mark a session cancelled or no-show; close it to mark it held.")
    _require_planned(session)
    if status == Status.NO_SHOW and session.scheduled_at > timezone.now():
        raise ValidationError("A session can only be a no-show once its time has come.")
    session.status = status
    session.closed_at = timezone.now()
    session.version += 1
    session.save()
    # A cancellation leaves both calendars; a no-show stays there as what it was.
    calendar_changed(session, send=status == Status.CANCELLED)
    # Its agenda waits for the next session.
    session.topics.filter(status=AgendaTopic.Status.OPEN).update(status=AgendaTopic.Status.CARRIED)
    _carry_pending_topics(session.engagement)
    figures_touch(session.engagement_id)
    return session


# --- agenda -----------------------------------------------------------------------------


@transaction.atomic
def agenda_topic_add(*, actor: User, session: CoachingSession, title: str) -> AgendaTopic:
    """The coachee sets the agenda: the coach may add a topic once the coachee has added one."""
    session = locked(session)
    engagement = session.engagement
    engagement_require(actor, Perm.EDIT_SESSION_CONTENT, engagement)
    _require_planned(session)
    title = title.strip()
    if not title:
        raise ValidationError({"title": "Name the topic you want to talk about."})
    topics = session.topics.all()
    if (
        actor.pk != engagement.coachee_id
        and not topics.filter(added_by_id=engagement.coachee_id).exists()
    ):
        raise ValidationError(
            {
                "title": f"{engagement.coachee.get_short_name()} sets the agenda first: you can "
                "add a topic once they have added one."
            }
        )
    if topics.count() >= MAX_TOPICS:
        raise ValidationError(
            {
                "title": f"The agenda holds {MAX_TOPICS} topics at most; "
                "a session rarely covers more."
            }
        )
    first_from_coachee = (
        actor.pk == engagement.coachee_id
        and not topics.filter(added_by_id=engagement.coachee_id).exists()
    )
    position = (topics.aggregate(m=Max("position"))["m"] or 0) + 1
    topic = validated_save(
        AgendaTopic(session=session, title=title, added_by=actor, position=position)
    )
    if first_from_coachee:
        events.agenda_added(session)
    return topic


@transaction.atomic
def agenda_topic_remove(*, actor: User, topic: AgendaTopic) -> None:
    session = locked(topic.session)
    engagement_require(actor, Perm.EDIT_SESSION_CONTENT, session.engagement)
    _require_planned(session)
    if topic.added_by_id != actor.pk:
        raise PermissionDenied("Only the person who added a topic can remove it.")
    if topic.goal or topic.reality or topic.will or topic.is_committed or topic.actions.exists():
        raise ValidationError("This topic already has notes or actions; it cannot be removed.")
    topic.delete()


def _carry_pending_topics(engagement: Engagement) -> None:
    """Copy topics marked 'carried' into the next planned session, once each."""
    pending = AgendaTopic.objects.filter(
        session__engagement=engagement,
        status=AgendaTopic.Status.CARRIED,
        carried_to__isnull=True,
    ).select_related("session")
    for topic in pending:
        target = (
            engagement.sessions.filter(
                status=Status.PLANNED, scheduled_at__gt=topic.session.scheduled_at
            )
            .order_by("scheduled_at")
            .first()
        )
        if target is None:
            continue
        position = (target.topics.aggregate(m=Max("position"))["m"] or 0) + 1
        AgendaTopic(
            session=target,
            title=topic.title,
            added_by=topic.added_by,
            position=position,
            carried_from=topic,
            goal=topic.goal,
            reality=topic.reality,
        ).save()


# --- GROW ---------------------------------------------------------------------------------


def _editable_topic(actor: User, topic: AgendaTopic) -> AgendaTopic:
    topic = locked(topic)
    engagement_require(actor, Perm.EDIT_SESSION_CONTENT, topic.session.engagement)
    _require_planned(topic.session)
    return topic


@transaction.atomic
def grow_topic_update(
    *,
    actor: User,
    topic: AgendaTopic,
    goal: str,
    reality: str,
    will: str,
    expected_version: int | None,
) -> AgendaTopic:
    """Save the Goal, Reality and Will notes; refuses to overwrite someone else's newer save."""
    topic = _editable_topic(actor, topic)
    bump_version(topic, expected=expected_version)
    topic.goal, topic.reality, topic.will = goal.strip(), reality.strip(), will.strip()
    return validated_save(topic)


class GrowClash(Exception):
    """Both people changed the same notes differently while each was typing: nothing was
    saved. ``topic`` is re-read (its notes and version are what is saved now), ``clashes``
    names the notes in conflict and ``merged`` is what this writer would have saved."""

    def __init__(self, *, topic: AgendaTopic, clashes: tuple[str, ...], merged: dict[str, str]):
        super().__init__(f"GROW notes changed meanwhile: {', '.join(clashes)}")
        self.topic, self.clashes, self.merged = topic, clashes, merged


def grow_notes_save(
    *,
    actor: User,
    topic: AgendaTopic,
    mine: Mapping[str, str],
    basis: Mapping[str, str],
    expected_version: int | None,
) -> AgendaTopic:
    """Save the GROW notes ``actor`` changed, merged with what the other person saved since
    ``actor`` last saw them (``basis``: per-note digests, see ``grow_merge``): a note only one
    of them changed is that person's, and a note both changed differently raises
    ``GrowClash`` with both versions, nothing saved. Without a basis the save is all or
    nothing on ``expected_version``. ``topic`` is the copy the caller loaded; on a clash it is
    re-read in place. Returns the topic as saved (``topic`` itself when nothing changed)."""
    theirs = {note: getattr(topic, note) for note in NOTES}
    merge = grow_notes_merge(basis=basis, mine=mine, theirs=theirs)
    if merge.clashes:
        topic.refresh_from_db()
        raise GrowClash(topic=topic, clashes=merge.clashes, merged=merge.notes)
    if not merge.changes(theirs):
        return topic
    try:
        return grow_topic_update(
            actor=actor,
            topic=topic,
            # With a basis, the merge above was made against this copy: it must still be
            # the saved one.
            expected_version=topic.version if basis else expected_version,
            **merge.notes,
        )
    except ValidationError as exc:
        if not any(e.code == "stale" for e in getattr(exc, "error_list", ())):
            raise  # the session closed meanwhile, say: the caller shows why
        # Saved again in the instant between: a clash on every note, both versions in view.
        topic.refresh_from_db()
        raise GrowClash(topic=topic, clashes=NOTES, merged=merge.notes) from exc


@transaction.atomic
def grow_option_add(
    *, actor: User, topic: AgendaTopic, description: str, pros: str = "", cons: str = ""
) -> GrowOption:
    topic = _editable_topic(actor, topic)
    if not description.strip():
        raise ValidationError({"description": "Describe the option in a few words."})
    return validated_save(
        GrowOption(
            topic=topic, description=description.strip(), pros=pros.strip(), cons=cons.strip()
        )
    )


@transaction.atomic
def grow_option_set_chosen(*, actor: User, option: GrowOption, chosen: bool) -> GrowOption:
    _editable_topic(actor, option.topic)
    option.chosen = chosen
    option.save(update_fields=["chosen", "updated_at"])
    return option


@transaction.atomic
def grow_option_delete(*, actor: User, option: GrowOption) -> None:
    _editable_topic(actor, option.topic)
    option.delete()


class CommitOutcome(StrEnum):
    COMMITTED = "committed"
    REVISIT_GOAL = "revisit_goal"


@transaction.atomic
def grow_topic_commit(*, actor: User, topic: AgendaTopic, rating: int) -> CommitOutcome:
    """Record how committed the coachee is (1–10) to what they chose.

    Below 8 the first time, nothing is committed: the low rating is recorded and the
    coachee is asked to revisit the goal (a smaller goal usually earns a higher rating).
    Once the goal was revisited, any rating is accepted — the coachee decides.
    """
    topic = _editable_topic(actor, topic)
    if not 1 <= rating <= 10:
        raise ValidationError({"rating": "Rate your commitment from 1 (not at all) to 10."})
    if not topic.goal:
        raise ValidationError({"rating": "Write down the goal for this topic before committing."})
    if rating < COMMITMENT_THRESHOLD and topic.goal_revisited_at is None:
        if topic.low_commitment is None:
            topic.low_commitment = rating
        topic.save(update_fields=["low_commitment", "updated_at"])
        return CommitOutcome.REVISIT_GOAL
    topic.commitment = rating
    topic.committed_at = timezone.now()
    topic.status = AgendaTopic.Status.COVERED
    topic.save(update_fields=["commitment", "committed_at", "status", "updated_at"])
    return CommitOutcome.COMMITTED


@transaction.atomic
def grow_topic_revisit_goal(
    *, actor: User, topic: AgendaTopic, goal: str, expected_version: int | None
) -> AgendaTopic:
    """The coachee looked at the goal again after a low commitment (it may stay the same)."""
    topic = _editable_topic(actor, topic)
    if topic.low_commitment is None:
        raise ValidationError("There is no low commitment to revisit.")
    if not goal.strip():
        raise ValidationError({"goal": "The goal cannot be empty."})
    bump_version(topic, expected=expected_version)
    topic.goal = goal.strip()
    topic.goal_revisited_at = timezone.now()
    return validated_save(topic)


# --- closing ------------------------------------------------------------------------------


@transaction.atomic
def session_save_summary(
    *, actor: User, session: CoachingSession, summary: str, expected_version: int | None
) -> CoachingSession:
    """The shared summary may be polished after the session too."""
    session = locked(session)
    engagement_require(actor, Perm.EDIT_SESSION_CONTENT, session.engagement)
    bump_version(session, expected=expected_version)
    session.summary = summary.strip()
    return validated_save(session)


@transaction.atomic
def session_close(
    *,
    actor: User,
    session: CoachingSession,
    summary: str,
    no_action: bool = False,
    no_action_reason: str = "",
    expected_version: int | None = None,
) -> CoachingSession:
    """Mark a session held. It needs accountability for every earlier open action, and at
    least one new action or an explicit "no action". Topics not covered carry forward."""
    from tandem.action_items.selectors import accountability_pending

    session = locked(session)
    engagement_require(actor, Perm.SCHEDULE_SESSIONS, session.engagement)
    _require_planned(session)
    if session.scheduled_at > timezone.now() + dt.timedelta(hours=12):
        raise ValidationError(
            f"This session is planned for {timezone.localtime(session.scheduled_at):%d %b %Y}: "
            "it can be closed once it has taken place."
        )
    errors: dict[str, str] = {}
    pending = accountability_pending(session)
    if pending:
        errors["__all__"] = (
            f"{len(pending)} open action(s) from earlier sessions have no accountability yet: "
            "record done, partly or not done for each before closing."
        )
    has_action = session.actions_created.exists()
    if not has_action and not no_action:
        errors["no_action"] = (
            'Add at least one action, or tick "No action this time" and say why, to close.'
        )
    elif not has_action and not no_action_reason.strip():
        errors["no_action_reason"] = (
            "Say why this session ends without an action: the next session starts from it."
        )
    if errors:
        raise ValidationError(errors)
    bump_version(session, expected=expected_version)
    session.summary = summary.strip()
    session.no_action = no_action and not has_action
    session.no_action_reason = no_action_reason.strip() if session.no_action else ""
    session.status = Status.HELD
    session.closed_at = timezone.now()
    validated_save(session)
    calendar_changed(session, send=False)  # held: the feed shows it so, nothing to email
    session.topics.filter(status=AgendaTopic.Status.OPEN, commitment__isnull=True).update(
        status=AgendaTopic.Status.CARRIED
    )
    _carry_pending_topics(session.engagement)
    figures_touch(session.engagement_id)
    return session


@transaction.atomic
def private_note_save(
    *, actor: User, session: CoachingSession, body: str, expected_version: int | None
) -> PrivateNote:
    engagement_require(actor, Perm.WRITE_PRIVATE_NOTES, session.engagement)
    """Only its author writes it, so a clash is with themselves, in another tab or window:
    ``expected_version`` None means "there was no note yet when I started"."""
    note, created = PrivateNote.objects.select_for_update().get_or_create(
        session=session, author=actor
    )
    if not created and expected_version != note.version:
        raise ValidationError(
            "You saved this note in another tab or window meanwhile. Nothing was overwritten: "
            "copy what you typed, reload to see the saved note, then add yours to it.",
            code="stale",
        )
    if not created:
        note.version += 1
    note.body = body.strip()
    return validated_save(note)
