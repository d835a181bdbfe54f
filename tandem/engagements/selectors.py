"""Permission-checked reads of engagements, their contract and their progress."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from uuid import UUID

from django.db.models import Count, Q, QuerySet

from tandem.accounts.models import Organisation, User
from tandem.core.policy import (
    Perm,
    admin_organisation_ids,
    engagement_require,
    engagements_visible_to,
    object_get_for,
)
from tandem.engagements.models import BehaviouralTarget, Engagement


def engagement_list_for(*, user: User) -> QuerySet[Engagement]:
    """Every engagement the user has a part in, with what a list row shows, in 1 query."""
    held = Q(sessions__status="held")
    live = ~Q(sessions__status="cancelled")
    return (
        engagements_visible_to(user)
        .select_related("coach", "coachee", "sponsor", "organisation", "programme")
        .annotate(
            sessions_held=Count("sessions", filter=held, distinct=True),
            sessions_live=Count("sessions", filter=live, distinct=True),
        )
        .order_by("status", "-start_date", "id")
    )


def engagement_get_for(
    *, user: User, pk: UUID | str, perm: Perm = Perm.VIEW_ENGAGEMENT, reading: bool = False
) -> Engagement:
    """The engagement if ``user`` has a part in it (else 404) and may do ``perm`` (else 403)."""
    return object_get_for(
        user=user,
        queryset=Engagement.objects.select_related(
            "coach", "coachee", "sponsor", "organisation", "programme"
        ),
        pk=pk,
        perm=perm,
        via="",
        reading=reading,
        missing="No such engagement.",
    )


def targets_for(*, user: User, engagement: Engagement) -> QuerySet[BehaviouralTarget]:
    engagement_require(user, Perm.VIEW_TARGETS, engagement)
    return engagement.targets.all()


def target_get_for(*, user: User, pk: UUID | str, perm: Perm) -> BehaviouralTarget:
    return object_get_for(
        user=user,
        queryset=BehaviouralTarget.objects.select_related("engagement"),
        pk=pk,
        perm=perm,
        missing="No such target.",
    )


def organisations_administered_by(*, user: User) -> QuerySet[Organisation]:
    return Organisation.objects.filter(pk__in=admin_organisation_ids(user))


def organisations_of(*, user: User) -> QuerySet[Organisation]:
    return Organisation.objects.filter(
        memberships__user=user, memberships__is_active=True
    ).distinct()


@dataclass(frozen=True)
class Progress:
    sessions_held: int
    sessions_planned: int  # held + still planned (cancelled and no-shows excluded)
    actions_done: int
    actions_total: int  # dropped actions are not counted
    commitment_by_session: list[tuple[int, float]]  # (session number, mean commitment)
    next_session_at: object | None

    @property
    def action_completion_rate(self) -> float | None:
        return self.actions_done / self.actions_total if self.actions_total else None


ENDED = (Engagement.Status.COMPLETED, Engagement.Status.CANCELLED)


def live_engagements() -> QuerySet[Engagement]:
    """Engagements not yet ended: they count against a coach's capacity."""
    return Engagement.objects.exclude(status__in=ENDED)


def coach_loads(user_ids: Iterable[int]) -> dict[int, int]:
    """How many engagements each coach coaches now (not yet ended, in any organisation),
    in one query."""
    ids = list(user_ids)
    if not ids:
        return {}
    rows = (
        live_engagements()
        .filter(coach_id__in=ids)
        .values("coach_id")
        .annotate(n=Count("id"))
        .values_list("coach_id", "n")
    )
    return dict(rows)
