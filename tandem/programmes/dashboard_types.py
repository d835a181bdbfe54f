"""What the programme dashboard shows, as values: its filters and its figures — numbers,
labels and the reason a figure is not shown, never content. Computed by ``dashboard.py``;
a whole-programme dashboard is stored as JSON (``to_data``) by ``snapshots.py``."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from typing import Any
from urllib.parse import urlencode
from uuid import UUID

from django.db.models import QuerySet
from django.urls import reverse

from tandem.accounts.areas import Area
from tandem.accounts.models import Programme
from tandem.engagements.models import Engagement
from tandem.programmes.disclosure import ANY, MIN_ENGAGEMENTS, Cell, Hidden

HIDDEN_TEXT = {
    Hidden.FEW: f"fewer than {MIN_ENGAGEMENTS} engagements have this yet — not shown",
    Hidden.COMPARISON: (
        f"not shown with this filter — comparing views would single out fewer than "
        f"{MIN_ENGAGEMENTS} engagements"
    ),
}
OTHER_AREAS = "other"
AREA_LABELS = {**dict(Area.choices), "": "No area chosen", OTHER_AREAS: "Other areas"}
STALLED_SHOWN = 20
DIMENSIONS = ("after_training", "cohort", "coach_id")

STATUS_LABELS = dict(Engagement.Status.choices)
KIND_WORD: dict[str, str] = {Engagement.Kind.ONE_ON_ONE: "1:1s"}  # as display_title


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
