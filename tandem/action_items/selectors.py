"""Permission-checked reads of actions, check-ins and reflections."""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID

from django.db.models import Q, QuerySet
from django.http import Http404

from tandem.accounts.models import User
from tandem.action_items.models import ActionItem, CheckIn, Reflection
from tandem.coaching_sessions.models import CoachingSession
from tandem.core.policy import (
    Perm,
    engagement_require,
    object_get_for,
    reflection_can_read,
    reflections_visible_filter,
)
from tandem.engagements.models import Engagement


@dataclass
class AccountabilityItem:
    action: ActionItem
    checkin: CheckIn | None


def _accountability_queryset(session: CoachingSession) -> QuerySet[ActionItem]:
    """Actions owed an account in ``session``: those open when it began, i.e. created before
    it (in an earlier session or between sessions) and not resolved, plus any already
    checked in here."""
    earlier = Q(created_at__lt=session.scheduled_at) & ~Q(session=session)
    return (
        ActionItem.objects.filter(engagement_id=session.engagement_id)
        .filter((earlier & Q(status=ActionItem.Status.OPEN)) | Q(checkins__session=session))
        .select_related("owner")
        .distinct()
    )


def accountability_for(session: CoachingSession) -> list[AccountabilityItem]:
    actions = list(_accountability_queryset(session))
    checkins = {c.action_id: c for c in CheckIn.objects.filter(session=session, action__in=actions)}
    return [AccountabilityItem(action=a, checkin=checkins.get(a.pk)) for a in actions]


def accountability_pending(session: CoachingSession) -> list[ActionItem]:
    return [item.action for item in accountability_for(session) if item.checkin is None]


def action_get_for(*, user: User, pk: UUID | str) -> ActionItem:
    return object_get_for(
        user=user,
        queryset=ActionItem.objects.select_related("engagement", "owner", "session"),
        pk=pk,
        perm=Perm.VIEW_SESSION_CONTENT,
        missing="No such action.",
    )


def actions_for(*, user: User, engagement: Engagement) -> QuerySet[ActionItem]:
    engagement_require(user, Perm.VIEW_SESSION_CONTENT, engagement)
    return engagement.actions.select_related("owner", "session").prefetch_related("checkins")


def session_actions(session: CoachingSession) -> QuerySet[ActionItem]:
    """Actions agreed in ``session`` (caller has checked access to the session)."""
    return session.actions_created.select_related("owner", "topic")


def reflections_for(*, user: User, engagement: Engagement) -> QuerySet[Reflection]:
    """The author's own reflections; for the coach, those shared with them."""
    engagement_require(user, Perm.VIEW_ENGAGEMENT, engagement)
    return (
        engagement.reflections.filter(reflections_visible_filter(user))
        .select_related("author", "target")
        .order_by("-created_at")
    )


def reflection_get_for(*, user: User, pk: UUID | str) -> Reflection:
    reflection = object_get_for(
        user=user,
        queryset=Reflection.objects.select_related("engagement", "author", "target"),
        pk=pk,
        perm=Perm.VIEW_ENGAGEMENT,
        missing="No such reflection.",
    )
    if not reflection_can_read(user, reflection):
        # Even a participant learns nothing about a reflection they may not read.
        raise Http404("No such reflection.")
    return reflection


def checkins_of(action: ActionItem) -> QuerySet[CheckIn]:
    """The action's accountability, session by session (the caller has ``action_get_for``)."""
    return action.checkins.select_related("session", "recorded_by").order_by(
        "session__scheduled_at"
    )
