"""Reads for the programme dashboard — aggregates only, each shown by the rules in
``disclosure.py``. (Its engagement list: ``engagement_list.py``; what is kept between
requests: ``snapshots.py``; a coach's own feedback average: ``coach_feedback.py``.)

Everything is computed in SQL over ``EngagementFigures`` (one row per engagement, kept as it
changes — see ``figures.py``) and its two small companions, a handful of queries per page
whatever the programme's size: no loop over engagements in Python, no read of sessions,
reviews or 360 answers. The callers have checked the programme through
``selectors.programme_get_for`` (its admins only).

Steps of five. A mean of outcomes or feedback is computed over the first 5·⌊n/5⌋ of the n
contributing engagements, in the order their figure was first recorded (the close review's
first rating, the closing 360's release, the first session rating), so the engagement that
finishes next never moves a number on its own: it waits until four more have joined it.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Mapping, Sequence
from typing import Any

from django.db import connection
from django.db.models import Case, Count, F, Q, QuerySet, Sum, Value, When
from django.db.models.functions import Coalesce
from django.utils import timezone

from tandem.accounts.models import Programme, User
from tandem.engagements.models import Engagement
from tandem.feedback import library
from tandem.programmes.coach_feedback import CoachFeedback, coach_feedback_summary
from tandem.programmes.dashboard_types import (
    AREA_LABELS,
    DIMENSIONS,
    KIND_WORD,
    OTHER_AREAS,
    STALLED_SHOWN,
    STATUS_LABELS,
    CompetencyRow,
    Dashboard,
    Figure,
    FilterOptions,
    Filters,
    StalledRow,
    StatusCount,
    ThemeRow,
)
from tandem.programmes.disclosure import MIN_ENGAGEMENTS, Cell, Hidden, stepped, verdict
from tandem.programmes.models import CompetencyChange, EngagementArea
from tandem.programmes.stalled import stall_of, stalled_q

__all__ = [
    "CoachFeedback",
    "Dashboard",
    "FilterOptions",
    "Filters",
    "coach_feedback_summary",
    "filter_options",
    "programme_dashboard",
]


def filter_options(programme: Programme) -> FilterOptions:
    """What the filters offer: the cohorts and coaches of the programme's engagements."""
    engagements = Engagement.objects.filter(programme=programme).order_by()
    pairs = list(engagements.values_list("cohort", "after_training").distinct())
    coaches = list(
        User.objects.filter(pk__in=engagements.values("coach_id"))
        .order_by("full_name", "pk")
        .values_list("pk", "full_name")
    )
    return FilterOptions(
        cohorts=sorted({cohort for cohort, _ in pairs if cohort}),
        coaches=coaches,
        training=bool(programme.training) or any(t is not None for _, t in pairs),
    )


def programme_dashboard(
    *, programme: Programme, filters: Filters, now: dt.datetime | None = None
) -> Dashboard:
    """The dashboard of ``programme`` under ``filters``."""
    now = now or timezone.now()
    base = Engagement.objects.filter(programme=programme).order_by()
    view = filters.apply(base)
    totals = _totals(view)
    steps = _stepped(view, {name: totals[f"n_{name}"] for name in STEPPED})
    contributing = {name: totals[f"n_{name}"] for name in (*STEPPED, "action", "rate")}
    rules = _Rules(filters, base, contributing)
    stalled = view.filter(stalled_q(now))
    return Dashboard(
        programme=programme,
        filters=filters,
        engagements=totals["n"],
        by_status=[
            StatusCount(value, str(label), totals["by_status"].get(value, 0))
            for value, label in Engagement.Status.choices
        ],
        sessions_held=totals["held"],
        sessions_ahead=max(totals["live"] - totals["held"], 0),
        sessions_contracted=totals["contract"],
        action_share=_share(
            rules.hidden("action"),
            totals["with_action"],
            totals["held"],
            totals["n_action"],
            "held sessions",
        ),
        response_rate=_share(
            rules.hidden("rate"),
            min(totals["answered"], totals["asked"]),
            totals["asked"],
            totals["n_rate"],
            "raters asked",
        ),
        feedback=_mean_of_sums(
            rules.hidden("fb"), steps["fb"], "sum", "n", "{:.1f} of 5", "ratings"
        ),
        t_score=_mean(rules.hidden("t"), steps["t"]),
        reliable=_share(
            rules.hidden("rel"),
            steps["rel"]["ok"],
            steps["rel"]["of"],
            steps["rel"]["used"],
            "targets compared",
        ),
        competencies=_competencies(programme, filters),
        themes=_themes(programme, filters),
        stalled=_stalled_rows(stalled, now),
        stalled_total=stalled.count(),
    )


# --- the parts ----------------------------------------------------------------------------


def _totals(view: QuerySet[Engagement]) -> dict[str, Any]:
    """Counts by status, session sums and the sums behind the two shares, in one query."""
    rows = view.values("status").annotate(
        n=Count("pk"),
        held=Coalesce(Sum("figures__sessions_held"), 0),
        live=Coalesce(Sum("figures__sessions_live"), 0),
        contract=Coalesce(Sum("planned_sessions"), 0),
        with_action=Coalesce(Sum("figures__sessions_with_action"), 0),
        n_action=Count("pk", filter=Q(figures__sessions_held__gt=0)),
        asked=Coalesce(Sum("figures__raters_asked"), 0),
        answered=Coalesce(Sum("figures__raters_answered"), 0),
        n_rate=Count("pk", filter=Q(figures__raters_asked__gt=0)),
        **{f"n_{name}": Count("pk", filter=include) for name, (include, _, _) in STEPPED.items()},
    )
    totals: dict[str, Any] = defaultdict(int)
    totals["by_status"] = {}
    for row in rows:
        totals["by_status"][row["status"]] = row["n"]
        for key, value in row.items():
            if key != "status":
                totals[key] += value
    return totals


class _Rules:
    """Whether each figure of the requested view may be shown (``disclosure.verdict``).
    With no filter only the count matters; with one, the cells of the whole programme are
    read in one grouped query, as deep as the filters go."""

    def __init__(self, filters: Filters, base: QuerySet[Engagement], n: Mapping[str, int]):
        self.filters = filters
        self.n = n
        self.cells: dict[str, dict[Cell, int]] = {}
        self.offered: list[set[Any]] = []
        if filters.active:
            dims = DIMENSIONS[: filters.depth]
            metrics = ("action", "rate", "t", "rel", "fb")
            rows = _fetch(
                base.values(*dims).annotate(
                    action=Count("pk", filter=Q(figures__sessions_held__gt=0)),
                    rate=Count("pk", filter=Q(figures__raters_asked__gt=0)),
                    t=Count("pk", filter=Q(figures__close_t_score__isnull=False)),
                    rel=Count("pk", filter=Q(figures__targets_compared__gt=0)),
                    fb=Count("pk", filter=Q(figures__feedback_count__gt=0)),
                ),
                len(dims),
            )
            self.cells = {metric: {} for metric in metrics}
            for cell, counts in rows:
                for metric, count in zip(metrics, counts, strict=True):
                    if count:
                        self.cells[metric][cell] = count
            self.offered = _offered([cell for cell, _ in rows], filters.depth)

    def hidden(self, metric: str) -> Hidden | None:
        if not self.filters.active:
            return verdict({(): self.n[metric]}, [], ())
        return verdict(self.cells[metric], self.offered, self.filters.request(), n=self.n[metric])


def _fetch(queryset: QuerySet[Any], dims: int) -> list[tuple[Cell, tuple[Any, ...]]]:
    """A grouped query's rows as (cell, the rest): straight from the cursor, which for a
    programme of thousands of cells is several times faster than building a dict per row.
    The first column of a cell is the training, read as True, False or None alike on every
    database."""
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        fetched = cursor.fetchall()
    return [
        (((None if row[0] is None else bool(row[0])), *row[1:dims]), tuple(row[dims:]))
        for row in fetched
    ]


def _offered(cells: Sequence[Cell], depth: int) -> list[set[Any]]:
    """The filter values the page offers, per dimension: the training (taken or not, never
    "not recorded"), the cohorts that have a name, every coach."""
    offered: list[set[Any]] = [{True, False}, set(), set()][:depth]
    for cell in cells:
        if depth > 1 and cell[1]:
            offered[1].add(cell[1])
        if depth > 2:
            offered[2].add(cell[2])
    return offered


# The stepped figures: which engagements contribute, the order they joined in (when the
# figure was first recorded), and what to add up.
STEPPED: dict[str, tuple[Q, str, dict[str, str]]] = {
    "t": (
        Q(figures__close_t_score__isnull=False),
        "figures__close_reviewed_at",
        {"v": "figures__close_t_score"},
    ),
    "rel": (
        Q(figures__targets_compared__gt=0),
        "figures__change_released_at",
        {"ok": "figures__targets_reliable", "of": "figures__targets_compared"},
    ),
    "fb": (
        Q(figures__feedback_count__gt=0),
        "figures__feedback_first_at",
        {"sum": "figures__feedback_sum", "n": "figures__feedback_count"},
    ),
}


def _stepped(view: QuerySet[Engagement], counts: Mapping[str, int]) -> dict[str, dict[str, Any]]:
    """For each of ``STEPPED``, the sums over the first ``used`` = 5·⌊n/5⌋ of its ``n``
    contributing engagements, in one query: per figure, the contributing rows in their order
    with a LIMIT (a bounded sort in the database), added up."""
    parts, params, columns = [], [], []
    for name, (include, order, sums) in STEPPED.items():
        columns.append((name, tuple(sums)))
        used = stepped(counts[name])
        if not used:  # nothing to add up (and LIMIT 0 is no query to Django)
            parts.append("(SELECT 0" + ", NULL" * len(sums) + ")")
            continue
        first = (
            view.filter(include)
            .order_by(order, "pk")
            .annotate(**{f"d_{c}": F(path) for c, path in sums.items()})
            .values(*[f"d_{c}" for c in sums])[:used]
        )
        sql, first_params = first.query.sql_with_params()
        totals = ", ".join(f"SUM(d_{c})" for c in sums)
        parts.append(f"(SELECT COUNT(*), {totals} FROM ({sql}) first_{name})")  # noqa: S608
        params.extend(first_params)
    sql = "SELECT * FROM " + " CROSS JOIN ".join(  # noqa: S608 - our own SQL and Django's
        f"{part} step_{name}" for part, (name, _) in zip(parts, columns, strict=True)
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        row = list(cursor.fetchone() or [])
    result: dict[str, dict[str, Any]] = {}
    for name, summed in columns:
        used, *values = row[: 1 + len(summed)]
        row = row[1 + len(summed) :]
        result[name] = {"n": counts[name], "used": int(used or 0)}
        result[name].update({c: v or 0 for c, v in zip(summed, values, strict=True)})
    return result


def _stalled_rows(stalled: QuerySet[Engagement], now: dt.datetime) -> list[StalledRow]:
    """The longest silent first: a handful, with the reason — the list has them all."""
    rows = (
        stalled.annotate(last_held=F("figures__last_held_at"))
        .order_by(F("figures__last_held_at").asc(nulls_first=True), "start_date", "pk")
        .values_list(
            "pk",
            "title",
            "kind",
            "coachee__full_name",
            "coach__full_name",
            "status",
            "start_date",
            "end_date",
            "last_held",
        )[:STALLED_SHOWN]
    )
    found = []
    for pk, title, kind, coachee, coach, status, start, end, last in rows:
        stall = stall_of(status=status, start_date=start, end_date=end, last_held_at=last, now=now)
        if stall is not None:
            found.append(
                StalledRow(
                    pk=pk,
                    title=title or f"{KIND_WORD.get(kind, 'Coaching')}: {coachee}",
                    coach=coach,
                    status=status,
                    status_label=str(STATUS_LABELS.get(status, status)),
                    reason=str(stall),
                )
            )
    return found


def _share(hidden: Hidden | None, part: int, whole: int, n: int, of_what: str) -> Figure:
    if hidden is not None:
        return Figure(hidden=hidden)
    if not whole:
        return Figure(hidden=Hidden.FEW)
    value = part / whole
    return Figure(
        text=f"{value:.0%}",
        value=value,
        n=n,
        detail=f"{part:,} of {whole:,} {of_what}",
    )


def _mean(hidden: Hidden | None, step: Mapping[str, Any]) -> Figure:
    if hidden is not None:
        return Figure(hidden=hidden)
    if not step["used"]:
        return Figure(hidden=Hidden.FEW)
    value = step["v"] / step["used"]
    return Figure(text=f"{value:.1f}", value=value, n=step["used"])


def _mean_of_sums(
    hidden: Hidden | None,
    step: Mapping[str, Any],
    total: str,
    count: str,
    text: str,
    of_what: str,
) -> Figure:
    if hidden is not None:
        return Figure(hidden=hidden)
    if not step["used"] or not step[count]:
        return Figure(hidden=Hidden.FEW)
    value = step[total] / step[count]
    return Figure(
        text=text.format(value),
        value=value,
        n=step["used"],
        detail=f"{step[count]:,} {of_what}",
    )


def _competencies(programme: Programme, filters: Filters) -> list[CompetencyRow]:
    """Mean before and after per competency of the closing 360s, in steps of five."""
    changes = filters.apply(
        CompetencyChange.objects.filter(engagement__programme=programme).order_by(),
        prefix="engagement__",
    )
    annotated = changes.annotate(
        d_key=F("competency"),
        d_at=F("released_at"),
        d_id=F("engagement_id"),
        d_before=F("before"),
        d_after=F("after"),
    ).values("d_key", "d_at", "d_id", "d_before", "d_after")
    inner, params = annotated.query.sql_with_params()
    counted = "w_rn <= (w_n / 5) * 5"
    sql = (
        f"SELECT d_key, MAX(w_n), SUM(CASE WHEN {counted} THEN 1 ELSE 0 END), "  # noqa: S608
        f"SUM(CASE WHEN {counted} THEN d_before END), SUM(CASE WHEN {counted} THEN d_after END) "
        "FROM (SELECT b.*, ROW_NUMBER() OVER (PARTITION BY d_key ORDER BY d_at, d_id) AS w_rn, "
        f"COUNT(*) OVER (PARTITION BY d_key) AS w_n FROM ({inner}) b) w GROUP BY d_key"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        found = {key: (int(n), int(used), b, a) for key, n, used, b, a in cursor.fetchall()}
    cells, offered = _grouped_cells(
        CompetencyChange.objects.filter(engagement__programme=programme).order_by(),
        "competency",
        filters,
        prefix="engagement__",
    )
    rows = []
    for competency in library.LIBRARY:
        if competency.key not in found:
            continue
        n, used, before, after = found[competency.key]
        hidden = _verdict_of(filters, n, cells.get(competency.key, {}), offered)
        if hidden is None and used:
            rows.append(
                CompetencyRow(
                    competency.key, competency.name, before / used, after / used, used, None
                )
            )
        else:
            rows.append(
                CompetencyRow(competency.key, competency.name, None, None, 0, hidden or Hidden.FEW)
            )
    return rows


def _grouped_cells(
    queryset: QuerySet[Any], key: str, filters: Filters, *, prefix: str
) -> tuple[dict[str, dict[Cell, int]], list[set[Any]]]:
    """Contributing engagements per (key, cell) of the whole programme, for the rules."""
    if not filters.active:
        return {}, []
    dims = [f"{prefix}{d}" for d in DIMENSIONS[: filters.depth]]
    cells: dict[str, dict[Cell, int]] = defaultdict(dict)
    rows = _fetch(
        queryset.values(*dims, key).annotate(n=Count(f"{prefix}pk", distinct=True)),
        len(dims),
    )
    for cell, (group, n) in rows:
        cells[group][cell] = n
    return cells, _offered([cell for cell, _ in rows], filters.depth)


def _verdict_of(
    filters: Filters, n: int, cells: Mapping[Cell, int], offered: Sequence[set[Any]]
) -> Hidden | None:
    if not filters.active:
        return verdict({(): n}, [], ())
    return verdict(cells, offered, filters.request(), n=n)


def _themes(programme: Programme, filters: Filters) -> list[ThemeRow]:
    """Targets counted by coaching area. Areas behind fewer than five engagements across
    the programme merge into "Other areas" (for every view alike, so views compare like
    with like); each area, and the merged one, is then shown by the usual rules."""
    everywhere = EngagementArea.objects.filter(engagement__programme=programme).order_by()
    programme_wide = {
        row["area"]: row["n"]
        for row in everywhere.values("area").annotate(n=Count("engagement_id", distinct=True))
    }
    merged = sorted(area for area, n in programme_wide.items() if n < MIN_ENGAGEMENTS)
    bucketed = everywhere.annotate(
        bucket=Case(
            When(area__in=merged, then=Value(OTHER_AREAS)),
            default=F("area"),
        )
    )
    in_view = filters.apply(bucketed, prefix="engagement__")
    counts = {
        row["bucket"]: (row["targets"], row["n"])
        for row in in_view.values("bucket").annotate(
            targets=Sum("targets"), n=Count("engagement_id", distinct=True)
        )
    }
    cells, offered = _grouped_cells(bucketed, "bucket", filters, prefix="engagement__")
    rows = []
    for bucket, (targets, n) in counts.items():
        hidden = _verdict_of(filters, n, cells.get(bucket, {}), offered)
        rows.append(
            ThemeRow(
                bucket,
                AREA_LABELS.get(bucket, bucket),
                None if hidden else targets,
                None if hidden else n,
                hidden,
            )
        )
    rows.sort(
        key=lambda r: (r.area == OTHER_AREAS, r.hidden is not None, -(r.targets or 0), r.label)
    )
    return rows
