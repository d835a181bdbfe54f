"""Writes for notifications: create one (once per key), preferences, the calendar feed."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
import uuid
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from tandem.accounts.models import User
from tandem.notifications.kinds import CHOOSABLE, Kind, Mode
from tandem.notifications.models import CalendarFeed, Notification, NotificationPreference


def notify(
    *,
    kind: Kind,
    key: str,
    recipient: User | None = None,
    rater_email: str = "",
    engagement: Any = None,
    about: uuid.UUID | None = None,
    params: dict[str, Any] | None = None,
    due_at: dt.datetime | None = None,
) -> Notification | None:
    """Record a notification, once per ``key``, inside the caller's transaction; if it is
    due now it is handed to the worker when that transaction commits.

    Returns the notification, or None when one with this key exists already (nothing is
    ever notified twice)."""
    if recipient is not None and not recipient.is_active:
        return None  # deactivated: they take no part any more
    due_at = due_at or timezone.now()
    with transaction.atomic():  # a savepoint: a key taken meanwhile leaves the caller intact
        notification, created = Notification.objects.get_or_create(
            key=key[:200],
            defaults={
                "id": uuid.uuid4(),
                "kind": kind,
                "recipient": recipient,
                "rater_email": rater_email,
                "engagement": engagement,
                "about": about,
                "params": params or {},
                "due_at": due_at,
            },
        )
    if not created:
        return None
    if due_at <= timezone.now():
        notification_id = notification.pk
        transaction.on_commit(lambda: enqueue(notification_id))
    return notification


def site_url(path: str) -> str:
    """An address in the app as emails and calendars link to it (``SITE_URL``)."""
    return settings.SITE_URL.rstrip("/") + path


def enqueue(notification_id: uuid.UUID) -> None:
    """Hand a due notification to the worker (django-tasks). Sending claims it first, so
    enqueuing twice never sends twice."""
    from tandem.notifications.tasks import deliver

    Notification.objects.filter(pk=notification_id).update(enqueued_at=timezone.now())
    deliver.enqueue(str(notification_id))


def mode_for(user: User, kind: str) -> str:
    from tandem.notifications.kinds import ESSENTIAL

    if kind in ESSENTIAL:
        return Mode.NOW
    pref = NotificationPreference.objects.filter(user=user, kind=kind).first()
    return pref.mode if pref else Mode.NOW


@transaction.atomic
def preferences_save(*, actor: User, modes: dict[str, str]) -> None:
    """Set the person's own choices; essential kinds are not theirs to turn off."""
    for kind, mode in modes.items():
        if kind not in CHOOSABLE:
            raise ValidationError(f"“{kind}” cannot be changed: it is always sent.")
        if mode not in Mode.values:
            raise ValidationError(f"Choose one of: {', '.join(Mode.labels)}.")
        NotificationPreference.objects.update_or_create(
            user=actor, kind=kind, defaults={"mode": mode}
        )


@transaction.atomic
def notifications_mark_read(*, actor: User, ids: list[uuid.UUID] | None = None) -> int:
    """Mark the person's own notifications read (all of them when ``ids`` is None)."""
    unread = Notification.objects.filter(recipient=actor, read_at__isnull=True)
    if ids is not None:
        unread = unread.filter(pk__in=ids)
    return unread.update(read_at=timezone.now())


def feed_token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@transaction.atomic
def calendar_feed_regenerate(*, actor: User) -> str:
    """A new private feed address for the person; the old one stops working at once."""
    token = secrets.token_urlsafe(32)
    CalendarFeed.objects.filter(user=actor).delete()
    feed = CalendarFeed(id=uuid.uuid4(), user=actor, token_hash=feed_token_hash(token))
    feed.token = token
    feed.save()
    return token


@transaction.atomic
def calendar_feed_revoke(*, actor: User) -> None:
    """The address stops working at once (404); a new one can be made at any time."""
    CalendarFeed.objects.filter(user=actor).delete()


# Calendar apps poll every few minutes: note the last fetch only now and then.
FEED_TOUCH_EVERY = dt.timedelta(minutes=15)


def calendar_feed_touch(feed: CalendarFeed) -> None:
    """Remember when a calendar app last read the feed (shown on the settings page)."""
    now = timezone.now()
    if feed.last_fetched_at is None or feed.last_fetched_at < now - FEED_TOUCH_EVERY:
        CalendarFeed.objects.filter(pk=feed.pk).update(last_fetched_at=now)


__all__ = ["Kind", "notify"]
