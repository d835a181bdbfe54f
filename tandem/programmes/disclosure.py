"""Which of the programme dashboard's figures may be shown: the rules as pure functions.

DESIGN.md gives the programme admin "aggregates over ≥ 5 engagements", and filters that
"obey the same rule so no two views subtract to one person". Here, precisely:

1. **At least five.** A figure is shown only if at least ``MIN_ENGAGEMENTS`` engagements
   contribute to it (an engagement with no close review does not contribute to the mean
   T-score, say). Otherwise it says "fewer than 5 engagements have this yet — not shown".
2. **No subtraction, whatever the views combined.** A filter value (a cohort, a coach, "after
   the training") is a *view*. The views a programme shows split its engagements into
   *atoms*: the engagements that fall in exactly the same shown views. Every number the
   dashboard shows is a sum over a union of atoms, and so is any difference, or any sum and
   difference of several of them (cohort A + cohort B − the whole programme; coach X −
   cohort A …). So if every atom holds 0 or at least five contributing engagements, nothing
   the admin can compute from any number of views, filters combined or not, rests on one to
   four engagements. That is stronger than comparing views two by two: three cohorts of 10,
   10 and 2 pass any pairwise check, yet whole − A − B gives the 2.
3. **Which views, then.** Views are taken greedily, in a fixed order — the training first,
   then cohorts, then coaches; within each, larger first — and a view is kept only if
   splitting the atoms by it leaves none with one to four engagements. A combination of
   kept views (cohort A *and* coach X) needs no check: it is a union of atoms already. A
   view not kept says why: it could be worked out by comparing views.

The order depends on the data only through the counts, so every request for the same
programme draws the same views; a view's fate depends only on those before it, so a request
filtered by training alone need not look at coaches at all.

Nothing here knows about Django: the dashboard passes counts per *cell* (training, cohort,
coach), and the property-based tests (``tests/test_disclosure.py``) check the promises over
random programmes.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Mapping, Sequence
from enum import StrEnum
from typing import Any

MIN_ENGAGEMENTS = 5
STEP = 5  # outcome and feedback means move in steps of this many engagements

Cell = tuple[Any, ...]
ANY: Any = object()  # in a requested view: this dimension is not filtered


class Hidden(StrEnum):
    FEW = "few"  # fewer than five engagements behind it
    COMPARISON = "comparison"  # could be worked out by comparing views


def too_few(n: int) -> bool:
    """One to four: what must never be told apart (0 is fine, it holds nobody)."""
    return 0 < n < MIN_ENGAGEMENTS


def stepped(n: int) -> int:
    """How many of ``n`` contributing engagements a stepped mean is computed over."""
    return n - n % STEP


def shown_views(
    cells: Mapping[Cell, int],
    offered: Sequence[Collection[Any]],
    *,
    until: tuple[int, Any] | None = None,
) -> frozenset[tuple[int, Any]]:
    """The views (dimension index, value) that may be shown, given the contributing
    engagements per cell and, per dimension, the values the page offers as filters (values
    it does not offer — "no cohort", training not recorded — are never views, but their
    engagements still count in every atom).

    Runs in time proportional to the number of cells per dimension. ``until``: stop once
    that view is decided (what comes after cannot change it)."""
    label: dict[Cell, int] = {cell: 0 for cell, n in cells.items() if n > 0}
    total = sum(cells[cell] for cell in label)
    if total < MIN_ENGAGEMENTS:
        return frozenset()
    size = {0: total}  # atom → contributing engagements
    next_atom = 1
    kept: set[tuple[int, Any]] = set()
    for dim, values in enumerate(offered):
        cells_of: dict[Any, list[Cell]] = defaultdict(list)
        for cell in label:
            if cell[dim] in values:
                cells_of[cell[dim]].append(cell)
        weight = {v: sum(cells[c] for c in cs) for v, cs in cells_of.items()}
        for value in sorted(cells_of, key=lambda v: (-weight[v], str(v))):
            if (dim, value) == until and weight[value] < MIN_ENGAGEMENTS:
                return frozenset(kept)
            if weight[value] < MIN_ENGAGEMENTS:
                continue
            inside: dict[int, int] = defaultdict(int)
            for cell in cells_of[value]:
                inside[label[cell]] += cells[cell]
            if any(too_few(k) or too_few(size[a] - k) for a, k in inside.items()):
                if (dim, value) == until:
                    return frozenset(kept)
                continue
            split: dict[int, int] = {}
            for atom, k in inside.items():
                if k < size[atom]:  # the atom is cut in two
                    split[atom] = next_atom
                    size[next_atom] = k
                    size[atom] -= k
                    next_atom += 1
            for cell in cells_of[value]:
                label[cell] = split.get(label[cell], label[cell])
            kept.add((dim, value))
            if (dim, value) == until:
                return frozenset(kept)
    return frozenset(kept)


def verdict(
    cells: Mapping[Cell, int],
    offered: Sequence[Collection[Any]],
    request: Cell,
    *,
    kept: frozenset[tuple[int, Any]] | None = None,
    n: int | None = None,
) -> Hidden | None:
    """None if the figure of the requested view may be shown, else why not. ``request``
    holds a value per dimension of ``cells`` (``ANY`` where the view does not filter);
    ``kept`` may pass :func:`shown_views` already computed for these cells, ``n`` the
    contributing engagements of the requested view if already counted."""
    total = sum(cells.values())
    wanted = [(d, want) for d, want in enumerate(request) if want is not ANY]
    if n is None:
        n = sum(k for cell, k in cells.items() if all(cell[d] == w for d, w in wanted))
    if total < MIN_ENGAGEMENTS or n < MIN_ENGAGEMENTS:
        return Hidden.FEW
    if not wanted:
        return None
    if kept is None:  # decide the views up to the last one asked for, no further
        kept = shown_views(cells, offered, until=wanted[-1])
    if any((d, want) not in kept for d, want in wanted):
        return Hidden.COMPARISON
    return None
