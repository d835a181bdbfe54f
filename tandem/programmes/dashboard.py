"""Reads for the programme dashboard, its engagement list, and a coach's own feedback
average — aggregates only, each shown by the rules in ``disclosure.py``.

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
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any
from urllib.parse import urlencode
from uuid import UUID

from django.core.cache import cache
from django.db import connection
from django.db.models import (
    Case,
    Count,
    F,
    Q,
    QuerySet,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone

from tandem.accounts.areas import Area
from tandem.accounts.models import Programme, User
from tandem.engagements.models import Engagement
from tandem.feedback import library
from tandem.programmes.disclosure import (
    ANY,
    MIN_ENGAGEMENTS,
    Cell,
    Hidden,
    stepped,
    verdict,
)
from tandem.programmes.models import CompetencyChange, EngagementArea
from tandem.programmes.stalled import Stall, stall_of, stalled_q

HIDDEN_TEXT = {
    Hidden.FEW: f"fewer than {MIN_ENGAGEMENTS} — not shown",
    Hidden.COMPARISON: (
        f"not shown with this filter — comparing views would single out fewer than "
        f"{MIN_ENGAGEMENTS} engagements"
    ),
}
OTHER_AREAS = "other"
AREA_LABELS = {**dict(Area.choices), "": "No area chosen", OTHER_AREAS: "Other areas"}
STALLED_SHOWN = 20
DIMENSIONS = ("after_training", "cohort", "coach_id")


# --- filters ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Filters:
    """The dashboard's filters; None is "all"."""

    training: bool | None = None  # True: took the programme's training first
    cohort: str | None = None
    coach: int | None = None

    @property
    def active(self) -> bool:
        return any(v is not None for v in (self.training, self.cohort, self.coach))

    @property
    def depth(self) -> int:
        """How many dimensions (training, cohort, coach — in that order) the rules must look
        at: a view's fate depends on the views before it only."""
        if self.coach is not None:
            return 3
        if self.cohort is not None:
            return 2
        return 1 if self.training is not None else 0

    def request(self) -> Cell:
        values = (self.training, self.cohort, self.coach)
        return tuple(ANY if v is None else v for v in values)[: self.depth]

    def apply(self, queryset: QuerySet[Any], prefix: str = "") -> QuerySet[Any]:
        wanted = dict(zip(DIMENSIONS, (self.training, self.cohort, self.coach), strict=True))
        return queryset.filter(
            **{f"{prefix}{name}": value for name, value in wanted.items() if value is not None}
        )

    def query(self) -> str:
        """The filters as a query string (for links and exports)."""
        params = {
            "training": {True: "after", False: "without", None: ""}[self.training],
            "cohort": self.cohort or "",
            "coach": str(self.coach) if self.coach else "",
        }
        return urlencode({k: v for k, v in params.items() if v})


@dataclass(frozen=True)
class FilterOptions:
    cohorts: list[str]
    coaches: list[tuple[int, str]]
    training: bool  # whether to offer it: the programme follows a training, or some say


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


# --- what the page shows ------------------------------------------------------------------


@dataclass(frozen=True)
class Figure:
    """One number, or why it is not shown. ``n``: the engagements it is computed over."""

    text: str = ""
    value: float | None = None
    n: int = 0
    hidden: Hidden | None = None
    detail: str = ""

    @property
    def shown(self) -> bool:
        return self.hidden is None and self.value is not None

    @property
    def hidden_text(self) -> str:
        return HIDDEN_TEXT[self.hidden] if self.hidden else ""


@dataclass(frozen=True)
class CompetencyRow:
    key: str
    name: str
    before: float | None
    after: float | None
    n: int
    hidden: Hidden | None

    @property
    def hidden_text(self) -> str:
        return HIDDEN_TEXT[self.hidden] if self.hidden else ""


@dataclass(frozen=True)
class ThemeRow:
    area: str
    label: str
    targets: int | None
    engagements: int | None
    hidden: Hidden | None

    @property
    def hidden_text(self) -> str:
        return HIDDEN_TEXT[self.hidden] if self.hidden else ""


@dataclass(frozen=True)
class StatusCount:
    status: str
    label: str
    n: int


@dataclass(frozen=True)
class StalledRow:
    pk: UUID
    title: str
    coach: str
    status: str
    status_label: str
    reason: str

    @property
    def link(self) -> str:
        return reverse("engagement_detail", args=[self.pk])


@dataclass(frozen=True)
class Dashboard:
    programme: Programme
    filters: Filters
    engagements: int
    by_status: list[StatusCount]
    sessions_held: int
    sessions_ahead: int  # planned and not yet held
    sessions_contracted: int  # what the engagements' contracts plan
    action_share: Figure
    response_rate: Figure
    feedback: Figure
    t_score: Figure
    reliable: Figure
    competencies: list[CompetencyRow]
    themes: list[ThemeRow]
    stalled: list[StalledRow] = field(default_factory=list)
    stalled_total: int = 0

    def to_data(self) -> dict[str, Any]:
        """The figures as JSON (for ``DashboardSnapshot``): numbers and labels only."""
        data = asdict(self)
        del data["programme"], data["filters"]
        for row in data["stalled"]:
            row["pk"] = str(row["pk"])
        return data

    @classmethod
    def from_data(
        cls, data: Mapping[str, Any], programme: Programme, filters: Filters
    ) -> Dashboard:
        def figure(d: Mapping[str, Any]) -> Figure:
            return Figure(**{**d, "hidden": Hidden(d["hidden"]) if d["hidden"] else None})

        return cls(
            programme=programme,
            filters=filters,
            engagements=data["engagements"],
            by_status=[StatusCount(**row) for row in data["by_status"]],
            sessions_held=data["sessions_held"],
            sessions_ahead=data["sessions_ahead"],
            sessions_contracted=data["sessions_contracted"],
            action_share=figure(data["action_share"]),
            response_rate=figure(data["response_rate"]),
            feedback=figure(data["feedback"]),
            t_score=figure(data["t_score"]),
            reliable=figure(data["reliable"]),
            competencies=[
                CompetencyRow(**{**r, "hidden": Hidden(r["hidden"]) if r["hidden"] else None})
                for r in data["competencies"]
            ],
            themes=[
                ThemeRow(**{**r, "hidden": Hidden(r["hidden"]) if r["hidden"] else None})
                for r in data["themes"]
            ],
            stalled=[StalledRow(**{**r, "pk": UUID(r["pk"])}) for r in data["stalled"]],
            stalled_total=data["stalled_total"],
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


# --- kept between requests ---------------------------------------------------------------

# Time alone changes the stalls (four weeks pass) and the day: what is kept is computed
# afresh at least this often, even if nothing changed.
FRESH_FOR = dt.timedelta(minutes=15)


class ProgrammeFigures:
    """The dashboard's reads of one programme, kept between requests under its figures stamp
    (``ProgrammeStamp``, raised by every refresh of an engagement's figures) and the
    programme's own last change, so a change shows on the next request:

    * the whole programme: the snapshot the background task computed after the last change
      (``DashboardSnapshot``) — one row, whatever the programme's size; computed here only
      if none is current (the task has not run yet, or ``FRESH_FOR`` has passed);
    * a filtered view and the filter options: computed on first request, then kept in the
      cache until the stamp moves.
    """

    def __init__(self, programme: Programme, now: dt.datetime | None = None) -> None:
        from tandem.programmes.models import ProgrammeStamp

        self.programme = programme
        self.now = now or timezone.now()
        self.version = (
            ProgrammeStamp.objects.filter(programme=programme)
            .values_list("version", flat=True)
            .first()
        ) or 0
        bucket = int(self.now.timestamp() // FRESH_FOR.total_seconds())
        changed = programme.updated_at.timestamp() if programme.updated_at else 0
        self.prefix = f"tandem:dashboard:{programme.pk}:{changed}:{self.version}:{bucket}"

    def options(self) -> FilterOptions:
        key = f"{self.prefix}:options"
        kept = cache.get(key)
        if isinstance(kept, FilterOptions):
            return kept
        options = filter_options(self.programme)
        cache.set(key, options, KEEP_SECONDS)
        return options

    def dashboard(self, filters: Filters) -> Dashboard:
        if not filters.active:
            return self._whole()
        key = f"{self.prefix}:{filters.query()}"
        kept = cache.get(key)
        if isinstance(kept, Dashboard):
            return kept
        dashboard = programme_dashboard(programme=self.programme, filters=filters, now=self.now)
        cache.set(key, dashboard, KEEP_SECONDS)
        return dashboard

    def _whole(self) -> Dashboard:
        from tandem.programmes.models import DashboardSnapshot

        snapshot = DashboardSnapshot.objects.filter(programme=self.programme).first()
        if (
            snapshot is not None
            and snapshot.version == self.version
            and snapshot.computed_at > self.now - FRESH_FOR
            and snapshot.computed_at >= self.programme.updated_at
        ):
            return Dashboard.from_data(snapshot.data, self.programme, Filters())
        return _snapshot_store(self.programme, self.version, self.now)


def snapshot_refresh(programme_id: UUID | str) -> None:
    """Compute and store the programme's dashboard snapshot (the background task after its
    figures change). Changes from now on ask for another."""
    from tandem.programmes.models import ProgrammeStamp

    ProgrammeStamp.objects.filter(programme_id=programme_id).update(snapshot_asked_at=None)
    programme = Programme.objects.filter(pk=programme_id).first()
    if programme is None:
        return
    version = (
        ProgrammeStamp.objects.filter(programme=programme).values_list("version", flat=True).first()
    ) or 0
    _snapshot_store(programme, version, timezone.now())


def _snapshot_store(programme: Programme, version: int, now: dt.datetime) -> Dashboard:
    from tandem.programmes.models import DashboardSnapshot

    dashboard = programme_dashboard(programme=programme, filters=Filters(), now=now)
    DashboardSnapshot.objects.bulk_create(  # one INSERT … ON CONFLICT UPDATE
        [
            DashboardSnapshot(
                programme=programme, version=version, computed_at=now, data=dashboard.to_data()
            )
        ],
        update_conflicts=True,
        unique_fields=["programme"],
        update_fields=["version", "computed_at", "data"],
    )
    return dashboard


KEEP_SECONDS = int(FRESH_FOR.total_seconds()) * 2


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
STATUS_LABELS = dict(Engagement.Status.choices)
KIND_WORD: dict[str, str] = {Engagement.Kind.ONE_ON_ONE: "1:1s"}  # as display_title


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


# --- a coach's own averages ---------------------------------------------------------------


@dataclass(frozen=True)
class CoachFeedback:
    mean: float
    ratings: int  # how many it is the mean of: a multiple of five
    coachees: int


MIN_COACHEES = 3


def coach_feedback_summary(coach: User) -> CoachFeedback | None:
    """The mean usefulness coachees gave the sessions ``coach`` held, over the first
    5·⌊n/5⌋ ratings in the order they were given — so one new rating never moves it and
    nobody's can be told apart — once there are at least five from at least three
    coachees. None before that. Only for the coach's own eyes."""
    from tandem.coaching_sessions.models import CoachingSession, SessionFeedback

    ratings = SessionFeedback.objects.filter(
        _held_by(coach), session__status=CoachingSession.Status.HELD
    )
    used = stepped(ratings.count())
    if used < MIN_ENGAGEMENTS:
        return None
    first = ratings.order_by("created_at", "pk").values("pk")[:used]
    agg = SessionFeedback.objects.filter(pk__in=first).aggregate(
        total=Sum("usefulness"), coachees=Count("session__engagement__coachee_id", distinct=True)
    )
    if agg["coachees"] < MIN_COACHEES:
        return None
    return CoachFeedback(mean=agg["total"] / used, ratings=used, coachees=agg["coachees"])


def _held_by(coach: User) -> Q:
    """Sessions held while ``coach`` coached their engagement: a coach replaced midway
    keeps the ratings of the sessions they held, the new coach gets those after."""
    from tandem.engagements.models import CoachHandover

    handed = CoachHandover.objects.filter(
        engagement_id__in=CoachHandover.objects.filter(
            Q(from_coach=coach) | Q(to_coach=coach)
        ).values("engagement_id")
    ).order_by("engagement_id", "created_at")
    chains: dict[UUID, list[CoachHandover]] = defaultdict(list)
    for handover in handed:
        chains[handover.engagement_id].append(handover)
    mine = Q(session__engagement__coach=coach) & ~Q(session__engagement_id__in=list(chains))
    for engagement_id, chain in chains.items():
        start: dt.datetime | None = None
        who = chain[0].from_coach_id
        for step in [*chain, None]:
            end = step.created_at if step is not None else None
            if who == coach.pk:
                period = Q(session__engagement_id=engagement_id)
                if start is not None:
                    period &= Q(session__scheduled_at__gte=start)
                if end is not None:
                    period &= Q(session__scheduled_at__lt=end)
                mine |= period
            if step is not None:
                start, who = step.created_at, step.to_coach_id
    return mine
