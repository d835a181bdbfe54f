"""Reads of a person's own notifications and choices: nobody reads another's."""

from __future__ import annotations

from django.db.models import QuerySet

from tandem.accounts.models import User
from tandem.notifications.kinds import CHOOSABLE, Mode
from tandem.notifications.models import Notification, NotificationPreference

IN_APP = [s for s in Notification.State if s not in {"pending", "sending", "skipped"}]


def inbox_for(*, user: User) -> QuerySet[Notification]:
    """What the bell lists: notifications that were due and still needed when sent."""
    return Notification.objects.filter(recipient=user, state__in=IN_APP).order_by("-due_at")


def unread_count(*, user: User) -> int:
    return inbox_for(user=user).filter(read_at__isnull=True).count()


def preferences_for(*, user: User) -> list[tuple[str, str, str]]:
    """(kind, label, mode) for every kind the person can choose, in the order shown."""
    chosen = dict(NotificationPreference.objects.filter(user=user).values_list("kind", "mode"))
    return [(kind.value, kind.label, chosen.get(kind.value, Mode.NOW)) for kind in CHOOSABLE]
