"""Reads of a person's own notifications and choices: nobody reads another's."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet

from tandem.accounts.models import Organisation, User
from tandem.engagements.models import Engagement
from tandem.notifications.kinds import CHOOSABLE, TO_RATERS, Kind, Mode
from tandem.notifications.models import CalendarFeed, Notification, NotificationPreference

IN_APP = [s for s in Notification.State if s not in {"pending", "sending", "skipped"}]


def inbox_for(*, user: User) -> QuerySet[Notification]:
    """What the bell lists: notifications that were due and still needed when sent."""
    # The digest itself is not listed: the items it gathered are, each on its own.
    return (
        Notification.objects.filter(recipient=user, state__in=IN_APP)
        .exclude(kind=Kind.DIGEST)
        # Calendar invitations are for the calendar: listed here they would bury what needs
        # the person (a planned series sends one per session).
        .exclude(kind=Kind.SESSION_INVITATION)
        .order_by("-due_at")
    )


def unread_count(*, user: User) -> int:
    return inbox_for(user=user).filter(read_at__isnull=True).count()


def preferences_for(*, user: User) -> list[tuple[str, str, str]]:
    """(kind, label, mode) for every kind the person can choose, in the order shown."""
    chosen = dict(NotificationPreference.objects.filter(user=user).values_list("kind", "mode"))
    return [(kind.value, kind.label, chosen.get(kind.value, Mode.NOW)) for kind in CHOOSABLE]


def calendar_feed_for(*, user: User) -> CalendarFeed | None:
    return CalendarFeed.objects.filter(user=user).first()


def calendar_feed_by_token(token: str) -> CalendarFeed | None:
    """The feed a calendar app asks for, by the secret in its address; None when the
    address was revoked, replaced or never existed, or its person no longer takes part."""
    from tandem.notifications.services import feed_token_hash

    feed = (
        CalendarFeed.objects.filter(token_hash=feed_token_hash(token))
        .select_related("user")
        .first()
    )
    if feed is None or not feed.user.is_active:
        return None
    return feed


@dataclass(frozen=True)
class FailedEmails:
    """What an organisation's programme admins are shown of emails that could not be sent:
    people by name, and raters' emails as a count per engagement, never who they were."""

    people: list[Notification]
    rater_counts: list[tuple[str, int]]  # (engagement, how many)


def failed_emails_for(*, organisation: Organisation) -> FailedEmails:
    """Failed after the last try, in the organisation's engagements or to its members."""
    members = organisation.memberships.values("user_id")
    in_org = Q(engagement__organisation=organisation) | Q(
        engagement__isnull=True, recipient__in=members
    )
    failed = Notification.objects.filter(in_org, state=Notification.State.FAILED)
    people = list(
        failed.filter(recipient__isnull=False)
        .select_related("recipient", "engagement")
        .order_by("-due_at")[:200]
    )
    raters = (
        failed.filter(kind__in=list(TO_RATERS), engagement__isnull=False)
        .values("engagement")
        .annotate(count=Count("pk"))
        .order_by("-count")
    )
    titles = {
        e.pk: e.display_title
        for e in Engagement.objects.filter(
            pk__in=[row["engagement"] for row in raters]
        ).select_related("coachee")
    }
    return FailedEmails(
        people=people,
        rater_counts=[(titles[row["engagement"]], row["count"]) for row in raters],
    )
