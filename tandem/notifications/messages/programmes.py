"""Programmes: a coach is told, once, that an engagement they run has stalled.

It says how long and links to the engagement; nothing about what was said in it."""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone

from tandem.engagements.models import Engagement
from tandem.notifications.kinds import Kind
from tandem.notifications.messages import Message, builds
from tandem.notifications.models import Notification


@builds(Kind.ENGAGEMENT_STALLED)
def engagement_stalled(notification: Notification) -> Message | None:
    from tandem.programmes.models import EngagementFigures
    from tandem.programmes.stalled import Reason, stall_of

    if notification.engagement_id is None:
        return None
    engagement = (
        Engagement.objects.filter(pk=notification.engagement_id).select_related("coachee").first()
    )
    if engagement is None or engagement.coach_id != notification.recipient_id:
        return None  # gone, or another coach runs it now
    figures = EngagementFigures.objects.filter(pk=engagement.pk).first()
    stall = stall_of(
        status=engagement.status,
        start_date=engagement.start_date,
        end_date=engagement.end_date,
        last_held_at=figures.last_held_at if figures else None,
        now=timezone.now(),
    )
    if stall is None:
        return None  # a session was held, or the dates or status changed, meanwhile
    who = engagement.coachee.full_name
    link = reverse("engagement_detail", args=[engagement.pk])
    if stall.reason == Reason.OVERDUE:
        return Message(
            subject=f"Your engagement with {who} is past its end date",
            body=(
                f"{engagement.display_title} was due to end on {stall.since:%-d %B %Y} and is "
                f"still {stall.status_label.lower()}. If it has finished, mark it completed; "
                "if it goes on, move its end date. Your programme admin sees it listed as "
                "stalled until then."
            ),
            link=link,
        )
    since = (
        f"since {stall.since:%-d %B %Y}"
        if stall.reason == Reason.SILENT
        else f"since it started on {stall.since:%-d %B %Y}"
    )
    return Message(
        subject=f"No session with {who} for {stall.weeks} weeks",
        body=(
            f"No session of {engagement.display_title} has been held {since}. Plan the next "
            "one, mark a session that took place as held, or pause the engagement if it is "
            "on hold. Your programme admin sees it listed as stalled until then."
        ),
        link=link,
    )
