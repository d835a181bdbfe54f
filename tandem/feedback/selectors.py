"""Permission-checked reads for 360s. Completion is only ever counted in total."""

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


def completion_counts(cycle: FeedbackCycle) -> list[GroupProgress]:
    """Answered and asked while the round is open, shown beside the named list of raters:
    the raters' total only, never per group. Any per-group count moves as its raters answer
    ("Manager 1/1", "Direct reports 2/3 → 3/3"), so beside the names it says who answered.
    Under 3 raters in all, no counts at all. The self-assessment is the coachee's own: shown
    alone."""
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
    return progress_from_counts(counts)


def progress_from_counts(counts: dict[str, tuple[int, int]]) -> list[GroupProgress]:
    """Group → (asked, answered), as the rows that may be shown (see above): self, and the
    total of every other group — a function of the totals alone."""
    counts = dict(counts)
    progress = []
    if RaterGroup.SELF in counts:
        progress.append(GroupProgress(RaterGroup.SELF, "Self", *counts.pop(RaterGroup.SELF)))
    total = GroupProgress(
        "all",
        "All raters",
        sum(invited for invited, _ in counts.values()),
        sum(completed for _, completed in counts.values()),
    )
    if total.invited < DEFAULT_THRESHOLD:
        return progress
    return [*progress, total]


def comments_to_review(cycle: FeedbackCycle) -> list[Comment]:
    # Random ids (rewritten on every submission) give an order that says nothing.
    return sorted(cycle.comments.all(), key=lambda c: str(c.pk))
