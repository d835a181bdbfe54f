"""Permission-checked reads for 360s. Completion is only ever counted per group."""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID

from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q, QuerySet
from django.http import Http404

from tandem.accounts.models import User
from tandem.core.policy import (
    Perm,
    engagement_require,
    engagements_visible_to,
    feedback_report_can_read,
)
from tandem.engagements.models import Engagement
from tandem.feedback.models import Comment, FeedbackCycle, Invitation, RaterGroup


def cycles_for(*, user: User, engagement: Engagement) -> QuerySet[FeedbackCycle]:
    engagement_require(user, Perm.VIEW_360_PROGRESS, engagement)
    return engagement.feedback_cycles.all()


def cycle_get_for(
    *, user: User, pk: UUID | str, perm: Perm = Perm.VIEW_360_PROGRESS
) -> FeedbackCycle:
    cycle = (
        FeedbackCycle.objects.filter(pk=pk, engagement__in=engagements_visible_to(user))
        .select_related("engagement__coach", "engagement__coachee", "engagement__organisation")
        .first()
    )
    if cycle is None:
        raise Http404("No such 360.")
    engagement_require(user, perm, cycle.engagement)
    return cycle


def cycle_get_report_for(*, user: User, pk: UUID | str) -> FeedbackCycle:
    cycle = cycle_get_for(user=user, pk=pk, perm=Perm.VIEW_ENGAGEMENT)
    if not feedback_report_can_read(user, cycle):
        raise PermissionDenied("The 360 report is the coachee's once the coach releases it.")
    return cycle


def invitation_get_for(*, user: User, pk: UUID | str) -> Invitation:
    invitation = (
        Invitation.objects.filter(pk=pk, cycle__engagement__in=engagements_visible_to(user))
        .select_related("cycle__engagement")
        .first()
    )
    if invitation is None:
        raise Http404("No such rater.")
    engagement_require(user, Perm.VIEW_360_PROGRESS, invitation.cycle.engagement)
    return invitation


def comment_get_for(*, user: User, pk: UUID | str) -> Comment:
    comment = (
        Comment.objects.filter(pk=pk, cycle__engagement__in=engagements_visible_to(user))
        .select_related("cycle__engagement")
        .first()
    )
    if comment is None:
        raise Http404("No such comment.")
    engagement_require(user, Perm.RUN_360, comment.cycle.engagement)
    return comment


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
    rows = (
        cycle.invitations.filter(status=Invitation.Status.APPROVED)
        .values("group")
        .annotate(invited=Count("id"), completed=Count("id", filter=Q(completed=True)))
    )
    counts = {r["group"]: (int(r["invited"]), int(r["completed"])) for r in rows}
    return [
        GroupProgress(value, str(label), *counts[value])
        for value, label in RaterGroup.choices
        if value in counts
    ]


def comments_to_review(cycle: FeedbackCycle) -> list[Comment]:
    # Random ids (rewritten on every submission) give an order that says nothing.
    return sorted(cycle.comments.all(), key=lambda c: str(c.pk))
