"""Stalled engagements: running with no session held for four weeks (or none since a start
more than four weeks ago), or past their end date and still open.

The programme admin sees them listed with the reason; the coach is told once per stall by
:func:`stalled_notify`, which the notification scheduler calls every minute. One SQL query
finds the stalls nobody has been told about yet (markers on ``EngagementFigures``), so a
quiet minute costs one query that returns nothing; the notification's key names the
engagement and the held session (or end date) the stall started from, so even a second
scheduler running at once cannot send the same stall twice.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum
from uuid import UUID

from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from tandem.engagements.models import Engagement
from tandem.programmes.models import EngagementFigures

STALL_AFTER = dt.timedelta(weeks=4)
Status = Engagement.Status
RUNNING = (Status.CONTRACTING, Status.ACTIVE, Status.CLOSING)
ENDED = (Status.COMPLETED, Status.CANCELLED)


class Reason(StrEnum):
    OVERDUE = "overdue"  # past its end date, still open
    SILENT = "silent"  # no session held for four weeks
    NEVER = "never"  # started more than four weeks ago, no session held yet


@dataclass(frozen=True)
class Stall:
    reason: Reason
    since: dt.date  # the end date, the last held session's day, or the start date
    status_label: str
    today: dt.date

    @property
    def weeks(self) -> int:
        return (self.today - self.since).days // 7

    def __str__(self) -> str:
        if self.reason == Reason.OVERDUE:
            return (
                f"Past its end date ({self.since:%-d %b %Y}) and still {self.status_label.lower()}"
            )
        if self.reason == Reason.SILENT:
            return f"No session held since {self.since:%-d %b %Y} ({self.weeks} weeks)"
        return f"No session held since it started on {self.since:%-d %b %Y} ({self.weeks} weeks)"


def _today(now: dt.datetime) -> dt.date:
    return timezone.localtime(now).date()


def stall_of(
    *,
    status: str,
    start_date: dt.date,
    end_date: dt.date | None,
    last_held_at: dt.datetime | None,
    now: dt.datetime,
) -> Stall | None:
    """Why an engagement is stalled, or None. The same rule as :func:`stalled_q`, for rows
    already read."""
    today = _today(now)
    label = str(Status(status).label)
    if end_date is not None and end_date < today and status not in ENDED:
        return Stall(Reason.OVERDUE, end_date, label, today)
    if status not in RUNNING:
        return None
    if last_held_at is not None:
        if last_held_at < now - STALL_AFTER:
            return Stall(Reason.SILENT, timezone.localtime(last_held_at).date(), label, today)
        return None
    if start_date < today - STALL_AFTER:
        return Stall(Reason.NEVER, start_date, label, today)
    return None


def _overdue_q(now: dt.datetime) -> Q:
    return Q(end_date__lt=_today(now)) & ~Q(status__in=ENDED)


def _silent_q(now: dt.datetime) -> Q:
    return Q(status__in=RUNNING) & (
        Q(figures__last_held_at__lt=now - STALL_AFTER)
        | Q(figures__last_held_at__isnull=True, start_date__lt=_today(now) - STALL_AFTER)
    )


def stalled_q(now: dt.datetime) -> Q:
    """Engagements stalled at ``now`` (a filter on Engagement querysets)."""
    return _overdue_q(now) | _silent_q(now)


def _untold_q(now: dt.datetime) -> Q:
    """Stalls the coach has not been told about: past an end date not yet told of; or silent
    (and not past its end) since a held session — or since the start — not yet told of."""
    overdue = _overdue_q(now)
    new_end = Q(figures__overdue_notified_for__isnull=True) | ~Q(
        figures__overdue_notified_for=F("end_date")
    )
    new_silence = Q(figures__silence_notified_at__isnull=True) | (
        Q(figures__last_held_session__isnull=False)
        & (
            Q(figures__silence_notified_after__isnull=True)
            | ~Q(figures__silence_notified_after=F("figures__last_held_session"))
        )
    )
    return (overdue & new_end) | (~overdue & _silent_q(now) & new_silence)


def notice_key(engagement_id: UUID, stall: Stall, last_held_session: UUID | None) -> str:
    """One notification per stall: the engagement and what the stall started from."""
    if stall.reason == Reason.OVERDUE:
        return f"stalled:{engagement_id}:ended:{stall.since.isoformat()}"
    after = f"session:{last_held_session}" if last_held_session else f"start:{stall.since}"
    return f"stalled:{engagement_id}:after:{after}"


def stalled_notify(now: dt.datetime | None = None) -> int:
    """Tell each coach once about each new stall of a coaching engagement they run.
    Returns how many stalls were told of. Cheap when there is nothing new (one query) and
    safe to run every minute, or twice at once."""
    from tandem.notifications.kinds import Kind
    from tandem.notifications.services import notify

    now = now or timezone.now()
    untold = (
        Engagement.objects.filter(kind=Engagement.Kind.COACHING, figures__isnull=False)
        .filter(_untold_q(now))
        .select_related("coach", "figures")
        .order_by("pk")
    )
    told = 0
    for engagement in untold:
        figures = engagement.figures
        stall = stall_of(
            status=engagement.status,
            start_date=engagement.start_date,
            end_date=engagement.end_date,
            last_held_at=figures.last_held_at,
            now=now,
        )
        if stall is None:  # the SQL and this rule agree; a row changed between them
            continue
        with transaction.atomic():
            notify(
                kind=Kind.ENGAGEMENT_STALLED,
                key=notice_key(engagement.pk, stall, figures.last_held_session),
                recipient=engagement.coach,
                engagement=engagement,
                params={"reason": str(stall.reason), "since": stall.since.isoformat()},
            )
            marker = (
                {"overdue_notified_for": engagement.end_date}
                if stall.reason == Reason.OVERDUE
                else {
                    "silence_notified_at": now,
                    "silence_notified_after": figures.last_held_session,
                }
            )
            EngagementFigures.objects.filter(pk=engagement.pk).update(**marker)
        told += 1
    return told
