"""What a 360 report may show: the anonymity rule as one pure function.

DESIGN.md, "360-degree feedback: anonymity by construction":

* a rater group is shown only with ≥ 3 responses; smaller groups merge into "Others",
  hidden if still < 3;
* self is shown alone; the manager alone only where exactly one manager answered and the
  invitation told the manager so (two or more follow the ≥ 3 rule like any group);
* a suppressed group is left out of every aggregate that is shown beside its neighbours
  (no recovery by subtraction);
* comments obey the same threshold.

:func:`build_report_view` turns a cycle's responses into a :class:`ReportView` that holds
*only* what may be shown. Templates, PDFs, exports and the frozen released report are built
from the view, never from the raw responses — then nothing that was suppressed can slip
into a number. The function has no database and no Django, so the rules are checked with
property-based tests (``tests/test_anonymity.py``) over random sets of raters.

The rules, precisely
--------------------
1. **Groups.** ``self`` is shown whenever it answered (the coachee is not anonymous to
   themself). ``manager`` is shown alone — a single response — when the cycle's
   ``manager_shown_alone`` is true, because the manager's invitation said so, and exactly
   one manager answered; two or more managers, or a manager not told, are treated like any
   other rater group (two shown alone could each subtract their own answers from the mean
   and read the other's). ``peer``, ``direct_report`` and ``stakeholder``
   are shown with ≥ ``threshold`` responses. Every rater group with 1 … threshold − 1
   responses, together with the ``other`` group, merges into one group named ``"others"``;
   that group is shown with ≥ ``threshold`` responses and suppressed otherwise.
2. **Partition, so no subtraction.** Every response ends up in exactly one place: one shown
   group, or suppressed. The "all raters (excluding self)" aggregate is built from the
   shown non-self groups only. Every shown number is therefore a function of the shown
   cells, and subtracting shown numbers from each other yields only unions of shown cells
   — never a suppressed group, and never a subset of the merged "Others" (its members
   appear nowhere else). A suppressed group's *count* is not shown either (only its name,
   in :attr:`ReportView.suppressed`), and the all-raters ``n`` is the sum of the shown
   counts, so even "how many were hidden" cannot be derived from the view.
3. **"Can't say".** An answer of ``None`` (or an item a rater skipped) is not a score: it
   is left out of item means, and each cell shows how many answers it is built on.
4. **Small item cells.** Within a shown group, an item answered by fewer than
   ``threshold`` raters (the others said "can't say") is suppressed: its cell is ``None``.
   Otherwise a group of 3 in which only one rater answered an item would show that rater's
   own answer. Self and a manager shown alone are exempt (their answers are shown as
   theirs anyway). Consistently with rule 2, a suppressed cell is left out of everything
   else: the group's overall mean is the mean of its *shown* item means, and the
   all-raters cell of an item pools only the shown cells of that item. Otherwise
   "overall × count − Σ shown cells" would recover the hidden answers.
5. **Comments.** A comment is shown only if its rater group is part of a shown group, and
   it is attributed to that shown group ("others" for a merged group), never to the
   rater's own group — :attr:`ReportView.comment_groups` maps a rater group to the label
   its comments may carry. The coach still reviews every comment before release; this rule
   only decides which comments may be shown at all.
6. **No order.** The view depends only on the multiset of responses: groups come in a fixed
   order, means are computed from integer sums, so shuffling the responses changes
   nothing (no ordering leak, matching ``Response``'s lack of timestamps).

7. **Statistics beyond means.** The item SD and Cronbach's α that the Reliable Change
   Index needs cannot be computed from means; :func:`shown_rater_answers` hands out the
   individual answers behind ``all_raters`` — shown groups, shown cells only, no group
   label, canonical order — so those statistics obey rules 2 and 4 as well.

The threshold (3, fixed by DESIGN.md) is a parameter only so that tests can explore it;
production code uses the default.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any, Final, Protocol

__all__ = [
    "ALL_RATERS",
    "DEFAULT_THRESHOLD",
    "DISPLAY_ORDER",
    "OTHERS",
    "RATER_GROUPS",
    "SCALE_MAX",
    "SCALE_MIN",
    "GroupView",
    "ItemCell",
    "RaterResponse",
    "ReportView",
    "ResponseLike",
    "build_report_view",
    "shown_rater_answers",
]

SELF: Final = "self"
MANAGER: Final = "manager"
OTHER: Final = "other"
#: The rater groups a response can belong to (``feedback.models.RaterGroup``).
RATER_GROUPS: Final = (SELF, MANAGER, "peer", "direct_report", "stakeholder", OTHER)
#: Name of the merged group: small groups plus the ``other`` group.
OTHERS: Final = "others"
#: Name of the "all raters (excluding self)" aggregate.
ALL_RATERS: Final = "all_raters"
#: Order in which shown groups appear in a report.
DISPLAY_ORDER: Final = (SELF, MANAGER, "peer", "direct_report", "stakeholder", OTHERS)
DEFAULT_THRESHOLD: Final = 3
SCALE_MIN: Final = 1
SCALE_MAX: Final = 5

_RANK: Final = {g: i for i, g in enumerate(RATER_GROUPS)}


class ResponseLike(Protocol):
    """Anything with a rater group and answers: ``RaterResponse`` or ``models.Response``."""

    @property
    def group(self) -> str: ...

    @property
    def answers(self) -> Mapping[str, int | None]: ...


@dataclass(frozen=True)
class RaterResponse:
    """One rater's answers: item key → 1…5, or ``None`` for "can't say"."""

    group: str
    answers: Mapping[str, int | None]


@dataclass(frozen=True)
class ItemCell:
    """A shown item mean and the number of (non-"can't say") answers it is built on."""

    n: int
    mean: float


@dataclass(frozen=True)
class GroupView:
    """A shown group.

    ``members`` are the rater groups whose responses it contains (several for
    ``"others"``). ``items`` has every questionnaire item, in questionnaire order; a value
    of ``None`` means the cell is not shown (too few answers, or nobody answered).
    ``mean`` is the mean of the shown item means (each item weighs the same), ``None`` when
    no item is shown.
    """

    name: str
    n: int
    members: tuple[str, ...]
    items: Mapping[str, ItemCell | None]
    mean: float | None

    def mean_of(self, item_keys: Iterable[str]) -> float | None:
        """Mean of the shown item means among ``item_keys`` (a competency score, say).

        Build every further aggregate this way — from shown cells only — so that it cannot
        reintroduce a suppressed answer. ``None`` when none of the items is shown.
        """
        means = [cell.mean for key in item_keys if (cell := self.items.get(key)) is not None]
        return math.fsum(means) / len(means) if means else None

    def as_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "n": self.n,
            "members": list(self.members),
            "items": {
                key: None if cell is None else {"n": cell.n, "mean": cell.mean}
                for key, cell in self.items.items()
            },
            "mean": self.mean,
        }


@dataclass(frozen=True)
class ReportView:
    """Everything a 360 report may show, and nothing else.

    * ``groups`` — shown groups in :data:`DISPLAY_ORDER` (self first, then manager, peers,
      direct reports, stakeholders, others);
    * ``all_raters`` — "all raters (excluding self)", pooled from the shown non-self
      groups only; ``None`` when no rater group is shown. Its ``n`` equals the sum of
      the shown non-self groups' ``n``;
    * ``suppressed`` — rater groups that answered but appear in no shown number, by name
      only (never with a count);
    * ``comment_groups`` — rater group → the shown group its comments are attributed to;
      a rater group missing here has its comments withheld.
    """

    items: tuple[str, ...]
    threshold: int
    groups: tuple[GroupView, ...]
    all_raters: GroupView | None
    suppressed: tuple[str, ...]
    comment_groups: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))

    def group(self, name: str) -> GroupView | None:
        """The shown group called ``name`` (``"self"``, ``"peer"``, ``"others"`` …)."""
        return next((g for g in self.groups if g.name == name), None)

    def comment_group_for(self, rater_group: str) -> str | None:
        """Label under which a comment from ``rater_group`` may be shown, or ``None`` when
        the comment must be withheld."""
        return self.comment_groups.get(rater_group)

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready form, for freezing a released report (``FeedbackCycle.report``)."""
        return {
            "items": list(self.items),
            "threshold": self.threshold,
            "groups": [g.as_dict() for g in self.groups],
            "all_raters": None if self.all_raters is None else self.all_raters.as_dict(),
            "suppressed": list(self.suppressed),
            "comment_groups": dict(self.comment_groups),
        }


@dataclass
class _Pool:
    """Responses gathered for one prospective shown group (internal)."""

    members: list[str]
    min_cell: int
    n: int = 0
    # Per item: integer sum and count of non-None answers. Integers keep means exact and
    # independent of the order in which responses arrive.
    sums: dict[str, int] = field(default_factory=dict)
    counts: dict[str, int] = field(default_factory=dict)


def _validate(
    responses: Iterable[ResponseLike], items: tuple[str, ...]
) -> list[tuple[str, dict[str, int]]]:
    known = set(items)
    clean: list[tuple[str, dict[str, int]]] = []
    for i, response in enumerate(responses):
        group = response.group
        if group not in _RANK:
            raise ValueError(
                f"response #{i + 1} has unknown rater group {group!r}; "
                f"expected one of {', '.join(RATER_GROUPS)}"
            )
        answers: dict[str, int] = {}
        for key, value in response.answers.items():
            if key not in known:
                raise ValueError(f"response #{i + 1} answers {key!r}, which is not an item")
            if value is None:
                continue  # "can't say": not a score
            if isinstance(value, bool) or not isinstance(value, int):
                raise ValueError(
                    f"response #{i + 1}, item {key!r}: answer must be an integer "
                    f"{SCALE_MIN}–{SCALE_MAX} or None, got {value!r}"
                )
            if not SCALE_MIN <= value <= SCALE_MAX:
                raise ValueError(
                    f"response #{i + 1}, item {key!r}: answer {value} is outside "
                    f"{SCALE_MIN}–{SCALE_MAX}"
                )
            answers[key] = value
        clean.append((group, answers))
    return clean


def _cell(total: int, count: int) -> ItemCell:
    return ItemCell(n=count, mean=total / count)


def _group_view(name: str, pool: _Pool, items: tuple[str, ...]) -> GroupView:
    cells: dict[str, ItemCell | None] = {}
    for key in items:
        count = pool.counts.get(key, 0)
        cells[key] = _cell(pool.sums[key], count) if count >= pool.min_cell else None
    return GroupView(
        name=name,
        n=pool.n,
        members=tuple(pool.members),
        items=MappingProxyType(cells),
        mean=_mean_of_cells(cells),
    )


def _mean_of_cells(cells: Mapping[str, ItemCell | None]) -> float | None:
    means = [c.mean for c in cells.values() if c is not None]
    return math.fsum(means) / len(means) if means else None


def _assign_groups(
    counts: Mapping[str, int], manager_shown_alone: bool, threshold: int
) -> tuple[dict[str, _Pool], dict[str, str], tuple[str, ...]]:
    """Rules 1 and 2: where each rater group goes — its own shown pool, the merged
    "others" pool, or nowhere (suppressed). Decided from counts alone, never from scores.

    Returns the pools to show, rater group → pool name, and the suppressed rater groups.
    """
    pools: dict[str, _Pool] = {}
    destination: dict[str, str] = {}
    merged: list[str] = []
    for group in RATER_GROUPS:  # fixed order, so "members" and "suppressed" are deterministic
        n = counts[group]
        if n == 0:
            continue
        # A manager is shown alone only as the one manager who answered: two managers shown
        # as "Manager" could each subtract their own answers from the mean.
        if group == SELF or (group == MANAGER and manager_shown_alone and n == 1):
            pools[group] = _Pool(members=[group], min_cell=1)
            destination[group] = group
        elif group != OTHER and n >= threshold:
            pools[group] = _Pool(members=[group], min_cell=threshold)
            destination[group] = group
        else:
            merged.append(group)
    if not merged:
        return pools, destination, ()
    if sum(counts[g] for g in merged) < threshold:
        return pools, destination, tuple(merged)
    pools[OTHERS] = _Pool(members=merged, min_cell=threshold)
    for group in merged:
        destination[group] = OTHERS
    return pools, destination, ()


def _all_raters_view(
    shown: Sequence[GroupView], pools: Mapping[str, _Pool], items: tuple[str, ...]
) -> GroupView | None:
    """All raters (excluding self): per item, the union of the *shown* cells of the shown
    rater groups — so it is a function of shown numbers and reveals nothing new."""
    raters = [g for g in shown if g.name != SELF]
    if not raters:
        return None
    cells: dict[str, ItemCell | None] = {}
    for key in items:
        total = 0
        count = 0
        for g in raters:
            cell = g.items[key]
            if cell is not None:
                # The pool's integer sum (not n × mean) keeps the pooled mean exact.
                total += pools[g.name].sums[key]
                count += cell.n
        cells[key] = _cell(total, count) if count else None
    return GroupView(
        name=ALL_RATERS,
        n=sum(g.n for g in raters),
        members=tuple(sorted((m for g in raters for m in g.members), key=_RANK.__getitem__)),
        items=MappingProxyType(cells),
        mean=_mean_of_cells(cells),
    )


def build_report_view(
    responses: Iterable[ResponseLike],
    items: Sequence[str],
    *,
    manager_shown_alone: bool,
    threshold: int = DEFAULT_THRESHOLD,
) -> ReportView:
    """Decide what a 360 report may show (see the module docstring for the rules).

    ``items`` is the cycle's frozen questionnaire (item keys, in display order). It is
    required rather than inferred from the answers so that the list of items shown can
    never depend on what a suppressed rater happened to answer.

    Raises ``ValueError`` for an unknown rater group, an answer to an item that is not in
    ``items``, an answer outside 1–5, duplicate item keys, or a threshold below 2.
    """
    if isinstance(threshold, bool) or not isinstance(threshold, int) or threshold < 2:
        raise ValueError(f"threshold must be an integer ≥ 2, got {threshold!r}")
    item_keys = tuple(items)
    if len(set(item_keys)) != len(item_keys):
        raise ValueError("items contains duplicate keys")
    clean = _validate(responses, item_keys)

    counts = {g: 0 for g in RATER_GROUPS}
    for group, _ in clean:
        counts[group] += 1
    pools, destination, suppressed = _assign_groups(counts, manager_shown_alone, threshold)

    # Pool the answers. Responses of suppressed groups are dropped here, before any sum.
    for group, answers in clean:
        pool_name = destination.get(group)
        if pool_name is None:
            continue
        pool = pools[pool_name]
        pool.n += 1
        for key, value in answers.items():
            pool.sums[key] = pool.sums.get(key, 0) + value
            pool.counts[key] = pool.counts.get(key, 0) + 1

    shown = tuple(
        _group_view(name, pools[name], item_keys) for name in DISPLAY_ORDER if name in pools
    )
    comment_groups: dict[str, str] = {g: destination[g] for g in RATER_GROUPS if g in destination}
    return ReportView(
        items=item_keys,
        threshold=threshold,
        groups=shown,
        all_raters=_all_raters_view(shown, pools, item_keys),
        suppressed=suppressed,
        comment_groups=MappingProxyType(comment_groups),
    )


def shown_rater_answers(
    responses: Iterable[ResponseLike], view: ReportView
) -> list[dict[str, int | None]]:
    """The individual answers behind ``view.all_raters``, for statistics the view does not
    hold — the item SD and Cronbach's α that the Reliable Change Index needs.

    Only responses of shown rater groups (not self) are returned, and each keeps only the
    items its group shows; every other item is ``None`` ("can't say"). So an SD or α
    computed from the result, like every number in the view, cannot be moved by a
    suppressed group or by an answer in a suppressed item cell. The rows come in a
    canonical order (sorted by answers), never in the order the responses were stored, and
    carry no group — they are for computing statistics, not for display.
    """
    shown_cells = {
        member: {key for key, cell in g.items.items() if cell is not None}
        for g in view.groups
        if g.name != SELF
        for member in g.members
    }
    rows: list[dict[str, int | None]] = []
    for group, answers in _validate(responses, view.items):
        keep = shown_cells.get(group)
        if keep is None:
            continue
        rows.append({key: answers.get(key) if key in keep else None for key in view.items})
    rows.sort(key=lambda row: tuple(-1 if v is None else v for v in row.values()))
    return rows
