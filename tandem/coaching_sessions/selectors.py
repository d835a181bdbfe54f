"""Permission-checked reads of sessions, their agenda and GROW notes."""

from __future__ import annotations

import datetime as dt
from uuid import UUID

from django.db.models import Avg, Count, Prefetch, Q, QuerySet
from django.utils import timezone

from tandem.accounts.models import User
from tandem.action_items.models import ActionItem
from tandem.coaching_sessions.models import (
    AgendaTopic,
    CoachingSession,
    GrowOption,
    PrivateNote,
)
from tandem.core.policy import Perm, engagement_can, engagement_require, object_get_for
from tandem.engagements.models import Engagement
from tandem.engagements.selectors import Progress

Status = CoachingSession.Status


def sessions_for(*, user: User, engagement: Engagement) -> QuerySet[CoachingSession]:
    """Dates and status are visible to every participant; content is not loaded here."""
    engagement_require(user, Perm.VIEW_ENGAGEMENT, engagement)
    return engagement.sessions.annotate(topic_count=Count("topics")).order_by("scheduled_at")


def session_get_for(
    *, user: User, pk: UUID | str, perm: Perm = Perm.VIEW_SESSION_CONTENT, reading: bool = False
) -> CoachingSession:
    return object_get_for(
        user=user,
        queryset=CoachingSession.objects.select_related(
            "engagement__coach", "engagement__coachee", "engagement__sponsor"
        ),
        pk=pk,
        perm=perm,
        reading=reading,
        missing="No such session.",
    )


def session_number(session: CoachingSession) -> int:
    """1-based position among the engagement's sessions that were not cancelled."""
    return (
        CoachingSession.objects.filter(
            engagement_id=session.engagement_id, scheduled_at__lte=session.scheduled_at
        )
        .exclude(status=Status.CANCELLED)
        .count()
    )


def session_topics(session: CoachingSession) -> QuerySet[AgendaTopic]:
    return session.topics.select_related("added_by", "carried_from__session").prefetch_related(
        Prefetch("options", queryset=GrowOption.objects.order_by("created_at")),
        Prefetch("actions", queryset=ActionItem.objects.select_related("owner")),
    )


def topic_get_for(*, user: User, pk: UUID | str) -> AgendaTopic:
    return object_get_for(
        user=user,
        queryset=AgendaTopic.objects.select_related("session__engagement"),
        pk=pk,
        perm=Perm.VIEW_SESSION_CONTENT,
        via="session__engagement",
        missing="No such topic.",
    )


def option_get_for(*, user: User, pk: UUID | str) -> GrowOption:
    return object_get_for(
        user=user,
        queryset=GrowOption.objects.select_related("topic__session__engagement"),
        pk=pk,
        perm=Perm.VIEW_SESSION_CONTENT,
        via="topic__session__engagement",
        missing="No such option.",
    )


def private_note_for(*, user: User, session: CoachingSession) -> PrivateNote | None:
    """Only ever the caller's own note: nobody reads another person's private note."""
    engagement_require(user, Perm.WRITE_PRIVATE_NOTES, session.engagement, reading=True)
    return PrivateNote.objects.filter(session=session, author=user).first()


def next_session(engagement: Engagement) -> CoachingSession | None:
    return (
        engagement.sessions.filter(status=Status.PLANNED, scheduled_at__gte=timezone.now())
        .order_by("scheduled_at")
        .first()
    )


def current_session(engagement: Engagement) -> CoachingSession | None:
    """The earliest session still planned: the one to run (or prepare) now."""
    return engagement.sessions.filter(status=Status.PLANNED).order_by("scheduled_at").first()


def engagement_progress(*, user: User, engagement: Engagement) -> Progress:
    """Session counts every participant may see; actions and commitment only those who may
    see session content (a sponsor learns nothing from how actions are going)."""
    engagement_require(user, Perm.VIEW_ENGAGEMENT, engagement)
    counts = engagement.sessions.aggregate(
        held=Count("id", filter=Q(status=Status.HELD)),
        planned=Count("id", filter=Q(status__in=[Status.HELD, Status.PLANNED])),
    )
    actions = {"total": 0, "done": 0}
    series: list[tuple[int, float]] = []
    if engagement_can(user, Perm.VIEW_SESSION_CONTENT, engagement):
        actions = engagement.actions.exclude(status=ActionItem.Status.DROPPED).aggregate(
            total=Count("id"), done=Count("id", filter=Q(status=ActionItem.Status.DONE))
        )
        rows = (
            engagement.sessions.filter(status=Status.HELD)
            .annotate(mean=Avg("topics__commitment"))
            .order_by("scheduled_at")
            .values_list("mean", flat=True)
        )
        series = [(i, float(m)) for i, m in enumerate(rows, start=1) if m is not None]
    upcoming = next_session(engagement)
    return Progress(
        sessions_held=counts["held"],
        sessions_planned=counts["planned"],
        actions_done=actions["done"],
        actions_total=actions["total"],
        commitment_by_session=series,
        next_session_at=upcoming.scheduled_at if upcoming else None,
    )


RUNNING = (
    Engagement.Status.CONTRACTING,
    Engagement.Status.ACTIVE,
    Engagement.Status.CLOSING,
)


def sessions_planned_in(
    engagement_ids: list[UUID], *, overdue: bool, limit: int = 5
) -> QuerySet[CoachingSession]:
    """Planned sessions of running engagements (not paused, cancelled or completed).

    ``overdue=False``: from the start of today on — what is coming up. ``overdue=True``: before
    today and still only planned — sessions nobody has recorded as held, cancelled or no-show.
    The caller passes the engagements the person coaches or is coached in.
    """
    today = timezone.make_aware(dt.datetime.combine(timezone.localdate(), dt.time.min))
    when = Q(scheduled_at__lt=today) if overdue else Q(scheduled_at__gte=today)
    return (
        CoachingSession.objects.filter(
            when,
            engagement_id__in=engagement_ids,
            engagement__status__in=RUNNING,
            status=Status.PLANNED,
        )
        .select_related("engagement__coachee", "engagement__coach")
        .order_by("-scheduled_at" if overdue else "scheduled_at")[:limit]
    )


def clashes_elsewhere(
    *,
    person: User,
    slots: list[tuple[dt.datetime, int]],
    engagement: Engagement,
) -> list[tuple[dt.datetime, int]]:
    """Sessions of ``person`` (as coach or coachee) in their other engagements, not cancelled,
    that overlap any of ``slots`` (start, minutes) — in one query. Only times are returned:
    whose session it is stays with that engagement."""
    if not slots:
        return []
    first = min(start for start, _ in slots) - dt.timedelta(hours=4)
    last = max(start + dt.timedelta(minutes=m) for start, m in slots)
    others = (
        CoachingSession.objects.filter(
            Q(engagement__coach=person) | Q(engagement__coachee=person),
            scheduled_at__gte=first,
            scheduled_at__lt=last,
        )
        .exclude(engagement=engagement)
        .exclude(status=Status.CANCELLED)
        .values_list("scheduled_at", "duration_minutes")
        .order_by("scheduled_at")
    )
    found = []
    for other_start, other_minutes in others:
        other_end = other_start + dt.timedelta(minutes=other_minutes)
        if any(
            other_start < start + dt.timedelta(minutes=minutes) and start < other_end
            for start, minutes in slots
        ):
            found.append((other_start, other_minutes))
    return found
