"""The weekly digest: what a person chose to read once a week, in one email on Monday.

It lists the subjects of the week's notifications (never more than each said on its own) with
their links; once it went out, those items are marked digested."""

from __future__ import annotations

import datetime as dt

from django.conf import settings

from tandem.notifications.kinds import Kind
from tandem.notifications.messages import Message, builds, day
from tandem.notifications.models import Notification
from tandem.notifications.services import site_url

State = Notification.State


def digest_items(recipient_id: int | None, cutoff: dt.datetime) -> list[Notification]:
    return list(
        Notification.objects.filter(
            recipient_id=recipient_id, state=State.IN_DIGEST, due_at__lt=cutoff
        ).order_by("due_at")
    )


@builds(Kind.DIGEST)
def weekly_digest(notification: Notification) -> Message | None:
    cutoff = dt.datetime.fromisoformat(notification.params["cutoff"])
    items = digest_items(notification.recipient_id, cutoff)
    if not items:
        return None
    ids = [item.pk for item in items]
    lines = []
    for item in items:
        lines.append(f"- {item.subject}")
        if item.link:
            lines.append(f"  {site_url(item.link)}")

    def mark_digested() -> None:
        Notification.objects.filter(pk__in=ids, state=State.IN_DIGEST).update(state=State.DIGESTED)

    count = len(items)
    return Message(
        subject=f"Your week in {settings.SITE_NAME}: {count} update{'s' if count > 1 else ''}",
        body=(
            f"What happened up to {day(cutoff.date())}, as you asked, in one email:\n\n"
            + "\n".join(lines)
        ),
        on_sent=mark_digested,
    )
