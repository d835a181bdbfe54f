"""The contract: the sponsor is asked to sign the targets off; coach and coachee hear back.

What the targets say stays in the app, behind the access policy."""

from __future__ import annotations

from django.urls import reverse

from tandem.engagements.models import Engagement
from tandem.notifications.kinds import Kind
from tandem.notifications.messages import Message, builds
from tandem.notifications.models import Notification


def _engagement(notification: Notification) -> Engagement | None:
    if notification.engagement_id is None:
        return None
    return (
        Engagement.objects.filter(pk=notification.engagement_id)
        .select_related("coach", "coachee", "sponsor")
        .first()
    )


@builds(Kind.TARGETS_TO_SIGN_OFF)
def targets_to_sign_off(notification: Notification) -> Message | None:
    engagement = _engagement(notification)
    if (
        engagement is None
        or engagement.sponsor_id != notification.recipient_id
        or not engagement.targets_awaiting_sign_off
    ):
        return None  # taken back, answered, or the sponsor changed meanwhile
    coachee, coach = engagement.coachee, engagement.coach
    return Message(
        subject=f"{coachee.full_name}'s coaching targets are ready for your sign-off",
        body=(
            f"{coachee.full_name} and {coach.full_name} have agreed the behaviours to work on "
            "in coaching and ask you to sign them off. Read them, then sign them off or send "
            "them back with what you would change:"
        ),
        link=reverse("engagement_detail", args=[engagement.pk]) + "#contract",
    )


@builds(Kind.CONTRACT_ANSWERED)
def contract_answered(notification: Notification) -> Message | None:
    engagement = _engagement(notification)
    if engagement is None:
        return None
    signed = notification.params.get("event") == "signed_off"
    sponsor_name = notification.params.get("sponsor", "The sponsor")
    done = "signed off" if signed else "asked for changes to"
    return Message(
        subject=f"{sponsor_name} {done} the coaching targets",
        body=(
            f"{sponsor_name} {done} the targets of {engagement.display_title}."
            + ("" if signed else " Their note is on the engagement page.")
        ),
        link=reverse("engagement_detail", args=[engagement.pk]) + "#contract",
    )
