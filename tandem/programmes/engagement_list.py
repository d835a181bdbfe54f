"""The programme's engagement list and what its export reads: people, status, dates and
session counts — never content — a page at a time."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode
from uuid import UUID

from django.db.models import F, QuerySet
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone

from tandem.accounts.models import Programme
from tandem.engagements.models import Engagement
from tandem.programmes.dashboard_types import STATUS_LABELS
from tandem.programmes.stalled import Stall, stall_of, stalled_q

# --- the engagement list ------------------------------------------------------------------


@dataclass(frozen=True)
class ListFilters:
    status: str | None = None
    cohort: str | None = None
    coach: int | None = None
    stalled: bool = False

    def query(self) -> str:
        params = {
            "status": self.status or "",
            "cohort": self.cohort or "",
            "coach": str(self.coach) if self.coach else "",
            "stalled": "1" if self.stalled else "",
        }
        return urlencode({k: v for k, v in params.items() if v})


def engagement_rows(
    *, programme: Programme, filters: ListFilters, now: dt.datetime | None = None
) -> QuerySet[Engagement]:
    """The programme's engagements for the list and its export, newest start first (an index
    walk: ``engagements`` has one on programme and start date). Read what a row shows with
    :func:`with_figures` — over a page's ids only, so a deep page costs what the first does."""
    now = now or timezone.now()
    rows = Engagement.objects.filter(programme=programme)
    if filters.status:
        rows = rows.filter(status=filters.status)
    if filters.cohort:
        rows = rows.filter(cohort=filters.cohort)
    if filters.coach:
        rows = rows.filter(coach_id=filters.coach)
    if filters.stalled:
        rows = rows.filter(stalled_q(now))
    return rows.order_by(*LIST_ORDER)


LIST_ORDER = ("-start_date", "-pk")


@dataclass(frozen=True)
class ListRow:
    """One engagement as the list and its export show it: people, status, dates and session
    counts — never content."""

    pk: UUID
    title: str
    cohort: str
    after_training: bool | None
    coachee: str
    coach: str
    status: str
    status_label: str
    start_date: dt.date
    end_date: dt.date | None
    planned_sessions: int
    held: int
    ahead: int  # planned and not yet held
    last_held: dt.datetime | None
    stall: Stall | None
    dates: str  # "3 Mar – 30 Jun", the year added when not this year
    last_held_day: str

    @property
    def link(self) -> str:
        return reverse("engagement_detail", args=[self.pk])


def short_day(value: dt.date | None, year: int) -> str:
    """ "3 Mar", or "3 Mar 2025" when not this year (as the ``day`` template filter)."""
    if value is None:
        return ""
    text = f"{value.day} {value:%b}"
    return text if value.year == year else f"{text} {value.year}"


ROW_FIELDS = (
    "pk",
    "kind",
    "title",
    "cohort",
    "after_training",
    "coachee__full_name",
    "coach__full_name",
    "status",
    "start_date",
    "end_date",
    "planned_sessions",
    "held",
    "ahead",
    "last_held",
)


def list_rows(rows: QuerySet[Engagement], now: dt.datetime) -> Iterator[ListRow]:
    """Rows of :func:`engagement_rows` (or one page of them) as plain values, in one query,
    without building a model instance per row."""
    annotated = rows.annotate(
        held=Coalesce(F("figures__sessions_held"), 0),
        ahead=Coalesce(F("figures__sessions_live") - F("figures__sessions_held"), 0),
        last_held=F("figures__last_held_at"),
    ).values_list(*ROW_FIELDS)
    year = timezone.localtime(now).year
    for (
        pk,
        kind,
        title,
        cohort,
        after_training,
        coachee,
        coach,
        status,
        start,
        end,
        planned,
        held,
        ahead,
        last,
    ) in annotated.iterator(chunk_size=2000):
        last_day = timezone.localtime(last).date() if last else None
        yield ListRow(
            pk=pk,
            title=title
            or f"{'1:1s' if kind == Engagement.Kind.ONE_ON_ONE else 'Coaching'}: {coachee}",
            cohort=cohort,
            after_training=after_training,
            coachee=coachee,
            coach=coach,
            status=status,
            status_label=str(STATUS_LABELS.get(status, status)),
            start_date=start,
            end_date=end,
            planned_sessions=planned,
            held=held,
            ahead=max(ahead, 0),
            last_held=last,
            stall=stall_of(
                status=status, start_date=start, end_date=end, last_held_at=last, now=now
            ),
            dates=" – ".join(short_day(d, year) for d in (start, end) if d),
            last_held_day=short_day(last_day, year),
        )


def page_of(ids: Any, now: dt.datetime) -> list[ListRow]:
    """The rows of one page of :func:`engagement_rows` (its ids, sliced by the paginator) in
    one query: the programme's engagements are walked in the index, only the page's are
    joined to their people and figures."""
    return list(list_rows(Engagement.objects.filter(pk__in=ids).order_by(*LIST_ORDER), now))
