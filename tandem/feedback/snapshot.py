"""The released 360 report as frozen in ``FeedbackCycle.report``: a typed, versioned value.

A released report never changes, but the code reading it does. So the stored JSON carries a
``version``, and :meth:`ReportSnapshot.from_json` upgrades every older shape on read, in one
place — nothing else in Tandem needs to know that a report frozen in an earlier release
looked different:

* version 1 (no ``version`` key): ``change`` may be a plain list of question rows (before
  competencies and targets were compared), sections and items may lack ``sd`` and ``n``,
  and ``view`` may be missing (then the shown groups are all that is known of the panel).
* version 2: this module's dataclasses, written by :meth:`ReportSnapshot.to_json`.

The snapshot is stored sealed (``EncryptedJSONField``): comments, target wordings and every
score in it are confidential.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

VERSION = 2


@dataclass(frozen=True)
class GroupShown:
    """A rater group as the report shows it, with how many answered."""

    name: str
    label: str
    n: int


@dataclass(frozen=True)
class PanelGroup:
    """Who stands behind a shown group (several rater groups for "others"): used to say
    whether a later round's raters differ from the baseline's."""

    name: str
    n: int
    members: tuple[str, ...]


@dataclass(frozen=True)
class Section:
    """A competency (or the coaching targets): its score per shown group and overall."""

    key: str
    name: str
    scores: dict[str, float | None]
    all: float | None
    alpha: float | None
    sd: float | None
    n: int | None
    items: list[str]


@dataclass(frozen=True)
class Item:
    """One question: self, all raters and each shown group; a target names its target."""

    key: str
    text: str
    self: float | None
    all: float | None
    sd: float | None
    n: int | None
    by_group: dict[str, float | None]
    category: str | None
    target: str | None = None
    baseline_item: str | None = None

    @property
    def is_target(self) -> bool:
        return self.target is not None


@dataclass(frozen=True)
class Comment:
    label: str
    text: str


@dataclass(frozen=True)
class ChangeRow:
    """Then and now for a competency, question or target, with the RCI verdict — or, for a
    target that cannot be compared, ``before`` is None and ``why`` says so."""

    key: str
    text: str
    before: float | None
    after: float | None = None
    difference: float | None = None
    rci: float | None = None
    reliable: bool = False
    verdict: str = ""
    reliability: float | None = None
    compared_with: str | None = None
    why: str | None = None


@dataclass(frozen=True)
class Change:
    competencies: list[ChangeRow] = field(default_factory=list)
    targets: list[ChangeRow] = field(default_factory=list)
    items: list[ChangeRow] = field(default_factory=list)
    mix: str = ""


@dataclass(frozen=True)
class ReportSnapshot:
    kind: str
    groups: list[GroupShown]
    all_n: int
    sections: list[Section]
    items: list[Item]
    top: list[str]
    bottom: list[str]
    blind_spots: list[str]
    hidden_strengths: list[str]
    comments: list[Comment]
    panel: list[PanelGroup]
    # What the anonymity rule let through (``anonymity.ReportView.as_dict``), kept for audit.
    view: dict[str, Any] | None = None
    change: Change | None = None
    version: int = VERSION

    def item(self, key: str) -> Item:
        return next(i for i in self.items if i.key == key)

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> ReportSnapshot:
        """Any stored version → the current shape (see the module docstring)."""
        version = data.get("version", 1)
        if version > VERSION:
            raise ValueError(f"Report version {version} is newer than this code ({VERSION}).")
        groups = [GroupShown(g["name"], g["label"], g["n"]) for g in data["groups"]]
        return cls(
            kind=data["kind"],
            groups=groups,
            all_n=data["all_n"],
            sections=[
                Section(
                    key=s["key"],
                    name=s["name"],
                    scores=dict(s["scores"]),
                    all=s["all"],
                    alpha=s.get("alpha"),
                    sd=s.get("sd"),
                    n=s.get("n"),
                    items=list(s["items"]),
                )
                for s in data["sections"]
            ],
            items=[_item(r) for r in data["items"]],
            top=list(data["top"]),
            bottom=list(data["bottom"]),
            blind_spots=list(data.get("blind_spots", [])),
            hidden_strengths=list(data.get("hidden_strengths", [])),
            comments=[Comment(c["label"], c["text"]) for c in data["comments"]],
            panel=_panel(data, groups),
            view=data.get("view"),
            change=_change(data.get("change")),
        )


def _item(row: dict[str, Any]) -> Item:
    return Item(
        key=row["key"],
        text=row["text"],
        self=row.get("self"),
        all=row.get("all"),
        sd=row.get("sd"),
        n=row.get("n"),
        by_group=dict(row.get("by_group") or {}),
        category=row.get("category"),
        target=row.get("target"),
        baseline_item=row.get("baseline_item") or None,
    )


def _panel(data: dict[str, Any], groups: list[GroupShown]) -> list[PanelGroup]:
    if "panel" in data:
        return [PanelGroup(p["name"], p["n"], tuple(p["members"])) for p in data["panel"]]
    # Version 1: the view's groups when kept, else the shown groups each standing for itself.
    view_groups = (data.get("view") or {}).get("groups")
    if view_groups:
        return [
            PanelGroup(g["name"], g["n"], tuple(g.get("members", [g["name"]]))) for g in view_groups
        ]
    return [PanelGroup(g.name, g.n, (g.name,)) for g in groups]


def _row(row: dict[str, Any]) -> ChangeRow:
    known = ChangeRow.__dataclass_fields__
    return ChangeRow(**{k: v for k, v in row.items() if k in known})


def _change(data: Any) -> Change | None:
    if not data:
        return None
    if isinstance(data, list):  # version 1, before change was split up: questions only
        return Change(items=[_row(r) for r in data])
    return Change(
        competencies=[_row(r) for r in data.get("competencies", [])],
        targets=[_row(r) for r in data.get("targets", [])],
        items=[_row(r) for r in data.get("items", [])],
        mix=data.get("mix", ""),
    )


def load(data: Any) -> ReportSnapshot | None:
    """For ``EncryptedJSONField(load=...)``: the stored JSON, as a snapshot."""
    return None if data is None else ReportSnapshot.from_json(data)


def dump(report: ReportSnapshot) -> dict[str, Any]:
    return report.to_json()
