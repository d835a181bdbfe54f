"""The dashboard's disclosure rules (``programmes.disclosure``), without a database:
properties over random programmes, and worked examples.

A programme here is a list of engagements, each in a cell (training, cohort, coach) and
contributing to the figure or not. Every view the page could show is enumerated — each
filter at "all" or at each value it offers, combined — and what is shown is checked:

* nothing shown rests on fewer than five engagements;
* no two shown views differ by one to four engagements, in either direction;
* stronger: the views shown cut the engagements into atoms of none or at least five, so no
  sum and difference of any number of shown views singles out one to four;
* deciding with the cells of fewer dimensions gives the same answer as with all three.
"""

from __future__ import annotations

import itertools
from collections import Counter

from hypothesis import given, settings
from hypothesis import strategies as st

from tandem.programmes.disclosure import (
    ANY,
    MIN_ENGAGEMENTS,
    Hidden,
    shown_views,
    stepped,
    too_few,
    verdict,
)

SETTINGS = settings(max_examples=300, deadline=None, database=None)
TRAININGS = (True, False, None)
COHORTS = ("", "A", "B", "C")
COACHES = ("c1", "c2", "c3", "c4")

engagement = st.tuples(
    st.sampled_from(TRAININGS),
    st.sampled_from(COHORTS),
    st.sampled_from(COACHES),
    st.booleans(),  # contributes to the figure
)
# Up to 45 engagements over 36 cells: small cells, and cells around five, are common.
programmes = st.lists(engagement, max_size=45)


def offered_for(cells, depth=3):
    cohorts = {c[1] for c in cells if len(c) > 1 and c[1]}
    coaches = {c[2] for c in cells if len(c) > 2}
    return [{True, False}, cohorts, coaches][:depth]


def cells_of(programme, depth=3):
    counts: Counter = Counter()
    for training, cohort, coach, contributes in programme:
        cell = (training, cohort, coach)[:depth]
        counts[cell] += 1 if contributes else 0
    return dict(counts)


def members(programme, view):
    """The contributing engagements (by index) in a view (training, cohort, coach)."""
    return frozenset(
        i
        for i, (*cell, contributes) in enumerate(programme)
        if contributes and all(w is ANY or cell[d] == w for d, w in enumerate(view))
    )


def every_view(offered):
    return itertools.product(*[[ANY, *sorted(values, key=str)] for values in offered])


def shown(programme):
    cells = cells_of(programme)
    offered = offered_for(cells)
    kept = shown_views(cells, offered)
    return {
        view: members(programme, view)
        for view in every_view(offered)
        if verdict(cells, offered, view, kept=kept) is None
    }


@SETTINGS
@given(programmes)
def test_nothing_shown_can_be_worked_out_for_fewer_than_five(programme):
    views = shown(programme)
    cells = cells_of(programme)
    offered = offered_for(cells)
    for view in every_view(offered):  # deciding only up to the view asked for: the same
        assert verdict(cells, offered, view) == (
            None
            if view in views
            else verdict(cells, offered, view, kept=shown_views(cells, offered))
        )
    for view, group in views.items():
        assert len(group) >= MIN_ENGAGEMENTS, view
    for (a, group_a), (b, group_b) in itertools.combinations(views.items(), 2):
        assert not too_few(len(group_a - group_b)), (a, b)
        assert not too_few(len(group_b - group_a)), (a, b)
    # The atoms: engagements told apart by the shown views. Every sum and difference of
    # shown views is constant on each atom, so none may hold one to four.
    if not views:
        return
    assert (ANY, ANY, ANY) in views  # anything shown at all: the whole programme is
    atoms = Counter(
        tuple(i in group for group in views.values())
        for i, (*_, contributes) in enumerate(programme)
        if contributes
    )
    assert not any(too_few(n) for n in atoms.values())


@SETTINGS
@given(programmes)
def test_what_a_filter_leaves_out_is_none_or_at_least_five(programme):
    """Per filter: the whole programme less every value shown is none or five or more (the
    subtraction across a partition that pairwise checks miss)."""
    views = shown(programme)
    everyone = members(programme, (ANY, ANY, ANY))
    if (ANY, ANY, ANY) not in views:
        return
    for dim in range(3):
        singles = [
            group
            for view, group in views.items()
            if view[dim] is not ANY and all(w is ANY for d, w in enumerate(view) if d != dim)
        ]
        left = everyone - frozenset().union(*singles)
        assert not too_few(len(left)), dim


@SETTINGS
@given(programmes, st.integers(min_value=0, max_value=2))
def test_a_view_is_decided_the_same_whatever_the_dimensions_read(programme, depth):
    """The page reads only as many dimensions as the filters use (training, cohort, coach
    in that order); the answer must not depend on it."""
    full = cells_of(programme)
    short = cells_of(programme, depth)
    for view in every_view(offered_for(full, depth)):
        padded = (*view, *([ANY] * (3 - depth)))
        assert verdict(short, offered_for(short, depth), view) == verdict(
            full, offered_for(full), padded
        )


@SETTINGS
@given(programmes)
def test_when_every_cell_is_safe_every_view_of_five_is_shown(programme):
    """The rules hide only what they must: with no cell of one to four, nothing with five
    or more is hidden."""
    cells = cells_of(programme)
    if any(too_few(n) for n in cells.values()):
        return
    offered = offered_for(cells)
    for view in every_view(offered):
        n = len(members(programme, view))
        assert (verdict(cells, offered, view) is None) == (n >= MIN_ENGAGEMENTS)


def test_three_cohorts_of_ten_ten_and_two_show_only_one_of_the_large():
    """The whole (22) less A (10) less B (10) would give the 2 of C: B is withheld too,
    though it has ten and no pair of views differs by fewer than five."""
    cells = {(None, "A", "x"): 10, (None, "B", "x"): 10, (None, "C", "x"): 2}
    offered = [{True, False}, {"A", "B", "C"}]
    cells2 = {k[:2]: v for k, v in cells.items()}
    assert verdict(cells2, offered, (ANY, ANY)) is None
    assert verdict(cells2, offered, (ANY, "A")) is None
    assert verdict(cells2, offered, (ANY, "B")) == Hidden.COMPARISON
    assert verdict(cells2, offered, (ANY, "C")) == Hidden.FEW


def test_a_filter_that_leaves_out_three_is_not_shown():
    cells = {("A",): 8, ("",): 3}  # cohort A against the whole: 3 left out
    assert verdict(cells, [{"A"}], (ANY,)) is None
    assert verdict(cells, [{"A"}], ("A",)) == Hidden.COMPARISON


def test_combined_filters_of_shown_views_need_no_more_checks():
    # Training splits 10/10, cohorts split 10/10 across it: every combination has 5.
    cells = {
        (True, "A"): 5,
        (True, "B"): 5,
        (False, "A"): 5,
        (False, "B"): 5,
    }
    offered = [{True, False}, {"A", "B"}]
    for view in [(True, "A"), (False, "B"), (True, ANY), (ANY, "B")]:
        assert verdict(cells, offered, view) is None
    # …but one engagement more in one corner and its neighbours could be subtracted.
    cells[(True, "A")] = 6
    cells[(True, "B")] = 1
    assert verdict(cells, offered, (True, "A")) is not None


def test_fewer_than_five_in_all_shows_nothing():
    assert verdict({(): 4}, [], ()) == Hidden.FEW
    assert verdict({(): 5}, [], ()) is None
    assert verdict({(): 0}, [], ()) == Hidden.FEW


def test_steps_of_five():
    assert [stepped(n) for n in (0, 4, 5, 9, 10, 14, 15)] == [0, 0, 5, 5, 10, 10, 15]
