"""Reviews: the coachee is told a review is due; the sponsor that a summary was approved.

What the summary says stays in the app: the sponsor reads it there, signed in."""

from __future__ import annotations

from django.urls import reverse

from tandem.engagements.models import Engagement, Review, SponsorSummary, TargetRating
from tandem.notifications.kinds import Kind
from tandem.notifications.messages import Message, builds
from tandem.notifications.messages.sessions import LIVE
from tandem.notifications.models import Notification


@builds(Kind.REVIEW_DUE)
def review_due(notification: Notification) -> Message | None:
    kind = notification.params.get("kind", "")
    if notification.engagement_id is None:
        return None
    engagement = (
        Engagement.objects.filter(pk=notification.engagement_id).select_related("coach").first()
    )
    if engagement is None or engagement.status not in LIVE or kind not in Review.Kind.values:
        return None
    if notification.recipient_id != engagement.coachee_id:
        return None
    if TargetRating.objects.filter(
        review__engagement=engagement, review__kind=kind, rater=TargetRating.Rater.COACHEE
    ).exists():
        return None  # rated already
    label = Review.Kind(kind).label.lower()
    return Message(
        subject=f"Your {label} is due",
        body=(
            f"Time for your {label} in {engagement.display_title}: rate each target on its "
            f"scale, as {engagement.coach.full_name} will, and see how far you have come."
        ),
        link=reverse("review_detail", args=[engagement.pk, kind]),
    )


@builds(Kind.SUMMARY_APPROVED)
def summary_approved(notification: Notification) -> Message | None:
    if notification.about is None:
        return None
    summary = (
        SponsorSummary.objects.filter(pk=notification.about)
        .select_related("engagement__coachee", "review")
        .first()
    )
    if summary is None or summary.approved_at is None:
        return None
    engagement = summary.engagement
    if engagement.sponsor_id != notification.recipient_id:
        return None  # the sponsor changed meanwhile
    coachee = engagement.coachee.full_name
    what = summary.review.get_kind_display().lower() if summary.review else "review"
    return Message(
        subject=f"{coachee} shared a summary with you",
        body=(
            f"{coachee} approved a summary of their {what} for you, their sponsor. Read it in "
            "Tandem:"
        ),
        link=reverse("engagement_detail", args=[engagement.pk]),
    )
