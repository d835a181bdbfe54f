"""Permission-checked reads for 360s. Completion is only ever counted per group."""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID

from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q, QuerySet

from tandem.accounts.models import User
from tandem.core.policy import (
    Perm,
    engagement_require,
    feedback_report_can_read,
    object_get_for,
)
from tandem.engagements.models import Engagement
from tandem.feedback.anonymity import DEFAULT_THRESHOLD
from tandem.feedback.models import Comment, FeedbackCycle, Invitation, RaterGroup


def cycles_for(*, user: User, engagement: Engagement) -> QuerySet[FeedbackCycle]:
    engagement_require(user, Perm.VIEW_360_PROGRESS, engagement)
    return engagement.feedback_cycles.all()


def cycle_running(engagement: Engagement) -> FeedbackCycle | None:
    """The round whose raters are answering now, if any: its questionnaire is frozen."""
    return engagement.feedback_cycles.filter(status=FeedbackCycle.Status.OPEN).first()


def cycle_get_for(
    *, user: User, pk: UUID | str, perm: Perm = Perm.VIEW_360_PROGRESS
) -> FeedbackCycle:
    return object_get_for(
        user=user,
        queryset=FeedbackCycle.objects.select_related(
            "engagement__coach", "engagement__coachee", "engagement__organisation"
        ),
        pk=pk,
        perm=perm,
        missing="No such 360.",
    )


def cycle_get_report_for(*, user: User, pk: UUID | str) -> FeedbackCycle:
    cycle = cycle_get_for(user=user, pk=pk, perm=Perm.VIEW_ENGAGEMENT)
    if not feedback_report_can_read(user, cycle):
        raise PermissionDenied("The 360 report is the coachee's once the coach releases it.")
    return cycle


def invitation_get_for(*, user: User, pk: UUID | str) -> Invitation:
    return object_get_for(
        user=user,
        queryset=Invitation.objects.select_related("cycle__engagement"),
        pk=pk,
        perm=Perm.VIEW_360_PROGRESS,
        via="cycle__engagement",
        missing="No such rater.",
    )


def comment_get_for(*, user: User, pk: UUID | str) -> Comment:
    return object_get_for(
        user=user,
        queryset=Comment.objects.select_related("cycle__engagement"),
        pk=pk,
        perm=Perm.RUN_360,
        via="cycle__engagement",
        missing="No such comment.",
    )


def nominations(cycle: FeedbackCycle) -> QuerySet[Invitation]:
    """Who was proposed and approved — never who has answered."""
    return cycle.invitations.exclude(group=RaterGroup.SELF).defer("draft", "token")


@dataclass(frozen=True)
class GroupProgress:
    group: str
    label: str
    invited: int
    completed: int


def completion_by_group(cycle: FeedbackCycle) -> list[GroupProgress]:
    """Answered and asked, per group — shown beside the named list of raters, so by the same
    rule as the report: a group of fewer than 3 would say whether those very people answered.
    Such groups pool into "Others"; if the pool is still under 3, only the total is shown
    (never the total and the groups both: the pool would follow by subtraction). Under 3
    raters in all, no counts at all. The self-assessment is the coachee's own: shown alone."""
    # Asked: everyone sent a link, removed or not; answered: the answers themselves, which
    # stay when their rater is removed. So removing someone never moves "answered" in a way
    # that says whether they had.
    asked = (
        cycle.invitations.filter(Q(status=Invitation.Status.APPROVED) | Q(sent_at__isnull=False))
        .values("group")
        .annotate(n=Count("id"))
    )
    answered = dict(
        cycle.responses.values("group").annotate(n=Count("id")).values_list("group", "n")
    )
    counts = {r["group"]: (int(r["n"]), int(answered.get(r["group"], 0))) for r in asked}
    return progress_from_counts(counts, manager_alone=cycle.manager_shown_alone)


def progress_from_counts(
    counts: dict[str, tuple[int, int]], *, manager_alone: bool = False
) -> list[GroupProgress]:
    """Group → (asked, answered), as the rows that may be shown (see above). A manager whose
    invitation said they are shown alone is counted alone too, as in the report: pooled, they
    would tell the others' count apart once the report shows "Manager"."""
    counts = dict(counts)
    labels = dict(RaterGroup.choices)
    progress = []
    if RaterGroup.SELF in counts:
        progress.append(GroupProgress(RaterGroup.SELF, "Self", *counts.pop(RaterGroup.SELF)))
    if manager_alone and RaterGroup.MANAGER in counts:
        manager = counts.pop(RaterGroup.MANAGER)
        progress.append(GroupProgress(RaterGroup.MANAGER, "Manager (shown alone)", *manager))
    shown = [
        GroupProgress(group, str(labels[group]), invited, completed)
        for group, (invited, completed) in counts.items()
        if invited >= DEFAULT_THRESHOLD and group != RaterGroup.OTHER
    ]
    pool_groups = [g for g in counts if g not in {p.group for p in shown}]
    pool = GroupProgress(
        RaterGroup.OTHER,
        "Others",
        sum(counts[g][0] for g in pool_groups),
        sum(counts[g][1] for g in pool_groups),
    )
    total = GroupProgress(
        "all",
        "All raters",
        sum(invited for invited, _ in counts.values()),
        sum(completed for _, completed in counts.values()),
    )
    if total.invited < DEFAULT_THRESHOLD:
        return progress
    if 0 < pool.invited < DEFAULT_THRESHOLD:
        return [*progress, total]
    order = [value for value, _ in RaterGroup.choices]
    shown.sort(key=lambda g: order.index(g.group))
    return [*progress, *shown, *([pool] if pool.invited else [])]


def comments_to_review(cycle: FeedbackCycle) -> list[Comment]:
    # Random ids (rewritten on every submission) give an order that says nothing.
    return sorted(cycle.comments.all(), key=lambda c: str(c.pk))
