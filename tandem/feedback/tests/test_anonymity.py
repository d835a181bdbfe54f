"""The 360 anonymity rule (``feedback.anonymity``): properties over random rater sets, plus
worked examples.

The key invariant: whatever a hidden answer is, the report shows exactly the same numbers.
It is checked by brute force — build the view, change the hidden answers, build it again,
compare. Generating rater sets is the slow part, so the properties that need nothing but a
rater set share one test (``test_what_is_shown_obeys_the_rules``), each as its own check.
"""

import json
import math
import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tandem.feedback.anonymity import (
    ALL_RATERS,
    OTHERS,
    RATER_GROUPS,
    RaterResponse,
    build_report_view,
    shown_rater_answers,
)

ITEMS = ("a", "b", "c", "d")
THRESHOLD = 3
# database=None: nothing is written to .hypothesis/ in the working tree.
SETTINGS = settings(max_examples=200, deadline=None, database=None)

SKIPPED = object()  # the rater skipped the item: the key is absent, like "can't say"
# "can't say" and skipped items are common, so small item cells turn up often.
answer = st.sampled_from([None, SKIPPED, 1, 2, 3, 4, 5, 1, 2, 3, 4, 5])


answers = st.tuples(*[answer] * len(ITEMS)).map(
    lambda values: {k: v for k, v in zip(ITEMS, values, strict=True) if v is not SKIPPED}
)
response = st.builds(RaterResponse, st.sampled_from(RATER_GROUPS), answers)
# Up to 14 raters over six groups: every group size around the threshold is common.
response_sets = st.lists(response, max_size=14)
flags = st.booleans()


def view_of(responses, manager_shown_alone, threshold=THRESHOLD):
    return build_report_view(
        responses, ITEMS, manager_shown_alone=manager_shown_alone, threshold=threshold
    )


def exempt(group, manager_shown_alone):
    """Groups shown with fewer than three: self, and the one manager who answered when told
    they are shown alone."""
    return group.name == "self" or (
        group.name == "manager" and manager_shown_alone and group.n == 1
    )


def shown_raters(view):
    return [g for g in view.groups if g.name != "self"]


def answers_in(responses, group, key):
    return [
        r.answers[key]
        for r in responses
        if r.group in group.members and r.answers.get(key) is not None
    ]


# ---------------------------------------------------------------------------------------
# Properties of a single view
# ---------------------------------------------------------------------------------------


def check_no_group_under_the_threshold_is_shown(responses, view, manager_shown_alone):
    """(a) Only self and a manager promised to be shown alone may have fewer than three."""
    for group in view.groups:
        assert group.n >= 1
        if not exempt(group, manager_shown_alone):
            assert group.n >= THRESHOLD, group
        # The count shown is the real count of the members' responses.
        assert group.n == sum(r.group in group.members for r in responses)


def check_every_response_is_shown_once_or_suppressed(responses, view, manager_shown_alone):
    """A partition: each rater group is in exactly one shown group, or suppressed."""
    answered = {r.group for r in responses}
    placed = [m for g in view.groups for m in g.members]
    assert len(placed) == len(set(placed)), "a rater group is shown in two places"
    assert set(placed).isdisjoint(view.suppressed)
    assert set(placed) | set(view.suppressed) == answered
    for group in view.groups:
        if group.name == OTHERS:
            assert "self" not in group.members
            one_manager = sum(r.group == "manager" for r in responses) == 1
            assert not (manager_shown_alone and one_manager and "manager" in group.members)
        else:
            assert group.members == (group.name,)
    assert view.group("other") is None  # "other" is only ever shown as part of "others"
    if view.suppressed:
        assert view.group(OTHERS) is None
        assert sum(r.group in view.suppressed for r in responses) < THRESHOLD


def check_all_raters_is_exactly_the_shown_rater_groups(responses, view):
    """(b) "All raters" holds nothing beyond the shown groups, so subtracting the shown
    groups from it leaves nothing — no suppressed group, no hidden item cell."""
    raters = shown_raters(view)
    if not raters:
        assert view.all_raters is None
        return
    overall = view.all_raters
    assert overall.name == ALL_RATERS
    assert overall.n == sum(g.n for g in raters)  # counts: nothing hidden to subtract
    assert "self" not in overall.members
    for key in ITEMS:
        # Recomputed from the raw responses of the shown rater groups, only where the
        # group shows the item.
        values = [
            v for g in raters if g.items[key] is not None for v in answers_in(responses, g, key)
        ]
        cell = overall.items[key]
        if not values:
            assert cell is None
            continue
        assert cell.n == len(values) == sum(g.items[key].n for g in raters if g.items[key])
        assert cell.mean == pytest.approx(sum(values) / len(values))
        shown_sum = sum(g.items[key].n * g.items[key].mean for g in raters if g.items[key])
        assert cell.n * cell.mean - shown_sum == pytest.approx(0, abs=1e-9)


def check_small_item_cells_are_never_shown(responses, view, manager_shown_alone):
    """(c) An item cell with fewer than three answers is hidden (self and a manager shown
    alone excepted); a group's overall mean uses its shown cells only."""
    for group in view.groups:
        for key, cell in group.items.items():
            answered = answers_in(responses, group, key)
            if cell is None:
                # Hidden only for a reason: nobody answered, or too few in a rater group.
                if exempt(group, manager_shown_alone):
                    assert not answered
                else:
                    assert len(answered) < THRESHOLD
                continue
            assert cell.n == len(answered)
            assert cell.mean == pytest.approx(sum(answered) / len(answered))
            if not exempt(group, manager_shown_alone):
                assert cell.n >= THRESHOLD
        means = [c.mean for c in group.items.values() if c is not None]
        assert group.mean == (pytest.approx(sum(means) / len(means)) if means else None)
    if view.all_raters is not None:
        for key, cell in view.all_raters.items.items():
            if cell is not None and cell.n < THRESHOLD:
                # Only possible when a manager shown alone is the only contributor.
                assert manager_shown_alone
                assert view.group("manager").items[key] == cell


def check_comments_follow_their_group(view):
    """Comments are shown only under a shown group, never attributed more finely."""
    for rater_group in RATER_GROUPS:
        label = view.comment_group_for(rater_group)
        home = [g for g in view.groups if rater_group in g.members]
        if not home:
            assert label is None  # suppressed, or no responses: comments withheld
        else:
            assert label == home[0].name
            if home[0].name == OTHERS:
                assert label != rater_group


def check_shown_rater_answers_are_all_raters_answers(responses, view):
    """The rows for SD and α hold exactly the answers pooled into "all raters"."""
    rows = shown_rater_answers(responses, view)
    if view.all_raters is None:
        assert rows == []
        return
    assert len(rows) == view.all_raters.n
    for key in ITEMS:
        values = [row[key] for row in rows if row[key] is not None]
        cell = view.all_raters.items[key]
        if cell is None:
            assert values == []
        else:
            assert len(values) == cell.n
            assert sum(values) / len(values) == pytest.approx(cell.mean)


@SETTINGS
@given(response_sets, flags)
def test_what_is_shown_obeys_the_rules(responses, manager_shown_alone):
    view = view_of(responses, manager_shown_alone)
    check_no_group_under_the_threshold_is_shown(responses, view, manager_shown_alone)
    check_every_response_is_shown_once_or_suppressed(responses, view, manager_shown_alone)
    check_all_raters_is_exactly_the_shown_rater_groups(responses, view)
    check_small_item_cells_are_never_shown(responses, view, manager_shown_alone)
    check_comments_follow_their_group(view)
    check_shown_rater_answers_are_all_raters_answers(responses, view)


# ---------------------------------------------------------------------------------------
# Properties comparing two views
# ---------------------------------------------------------------------------------------


def change_hidden_answers(responses, view, data) -> list[RaterResponse]:
    """The responses with every hidden answer replaced (see the test below for which)."""
    home = {m: g for g in view.groups for m in g.members}
    changed = []
    for r in responses:
        group = home.get(r.group)
        if group is None:  # a suppressed group
            assert r.group in view.suppressed
            changed.append(RaterResponse(r.group, data.draw(answers)))
            continue
        new = dict(r.answers)
        for key, value in r.answers.items():
            if value is not None and group.items[key] is None:
                new[key] = data.draw(st.integers(1, 5))
        changed.append(RaterResponse(r.group, new))
    return changed


@SETTINGS
@given(response_sets, flags, st.data())
def test_hidden_answers_never_change_the_report(responses, manager_shown_alone, data):
    """The same, one level up: the report JSON as frozen at release — scores, SDs, α, top
    and bottom items, blind spots, comments — is identical whatever the hidden answers."""
    from tandem.feedback.report import compose_report

    questionnaire = {
        "sections": [
            {"key": "one", "name": "One", "items": [{"key": k, "text": k} for k in ITEMS[:2]]},
            {"key": "two", "name": "Two", "items": [{"key": k, "text": k} for k in ITEMS[2:]]},
        ]
    }
    comments = [(r.group, f"comment {i}") for i, r in enumerate(responses)]

    def report(rs: list[RaterResponse]) -> str:
        composed = compose_report(
            kind="baseline",
            questionnaire=questionnaire,
            responses=rs,
            approved_comments=comments,
            manager_shown_alone=manager_shown_alone,
            baseline_report=None,
        )
        return json.dumps(composed.to_json(), sort_keys=True)

    view = view_of(responses, manager_shown_alone)
    assert report(change_hidden_answers(responses, view, data)) == report(responses)


@SETTINGS
@given(response_sets, flags, st.data())
def test_hidden_answers_never_change_what_is_shown(responses, manager_shown_alone, data):
    """(b) The key invariant, by brute force. Hidden are (1) every answer of a suppressed
    group — replaced by anything at all, "can't say" included — and (2) inside a shown
    group, the answers in an item cell too small to show — replaced by any other score
    (turning them into "can't say" would change a count, and counts are shown)."""
    view = view_of(responses, manager_shown_alone)
    changed = change_hidden_answers(responses, view, data)
    assert view_of(changed, manager_shown_alone) == view
    # ...nor the rows behind the SD and α of the all-raters scores.
    assert shown_rater_answers(changed, view) == shown_rater_answers(responses, view)


@SETTINGS
@given(response_sets, flags, st.integers(0, 2**32 - 1))
def test_who_in_a_shown_group_gave_which_answer_changes_nothing(
    responses, manager_shown_alone, seed
):
    """Only aggregates are shown: permuting each item's answers among the members of a
    shown group (for "others": across its rater groups too) leaves the view identical."""
    view = view_of(responses, manager_shown_alone)
    rnd = random.Random(seed)  # a seeded shuffle is much cheaper to generate than st.randoms
    swapped = list(responses)
    for group in view.groups:
        members = [i for i, r in enumerate(responses) if r.group in group.members]
        for key in ITEMS:
            targets = rnd.sample(members, len(members))
            for src, dst in zip(members, targets, strict=True):
                a = dict(swapped[dst].answers)
                value = responses[src].answers.get(key)
                if value is None:
                    a.pop(key, None)
                else:
                    a[key] = value
                swapped[dst] = RaterResponse(swapped[dst].group, a)
    assert view_of(swapped, manager_shown_alone) == view


@SETTINGS
@given(response_sets, flags, st.integers(0, 2**32 - 1))
def test_shuffling_the_responses_gives_the_identical_view(responses, manager_shown_alone, seed):
    """(d) No ordering leak: the view depends on the multiset of responses only."""
    view = view_of(responses, manager_shown_alone)
    shuffled = list(responses)
    random.Random(seed).shuffle(shuffled)
    again = view_of(shuffled, manager_shown_alone)
    assert again == view
    # Identical down to the order of groups and items and the floating-point bits.
    assert repr(again) == repr(view)
    assert json.dumps(again.as_dict()) == json.dumps(view.as_dict())
    assert shown_rater_answers(shuffled, again) == shown_rater_answers(responses, view)


# ---------------------------------------------------------------------------------------
# Worked examples
# ---------------------------------------------------------------------------------------


def responses_of(*groups_and_answers):
    return [
        RaterResponse(g, dict(zip(ITEMS, scores, strict=False))) for g, scores in groups_and_answers
    ]


def test_small_groups_merge_into_others_and_the_manager_is_shown_alone_when_told():
    responses = responses_of(
        ("self", (4, 4, 4, 4)),
        ("manager", (3, 3, 3, 3)),
        ("peer", (4, 4, 4, 4)),
        ("peer", (5, 5, 5, 5)),
        ("peer", (3, 3, 3, 3)),
        ("direct_report", (2, 2, 2, 2)),
        ("direct_report", (4, 4, 4, 4)),
        ("stakeholder", (3, 3, 3, 3)),
    )
    view = build_report_view(responses, ITEMS, manager_shown_alone=True)
    assert [(g.name, g.n, g.members) for g in view.groups] == [
        ("self", 1, ("self",)),
        ("manager", 1, ("manager",)),
        ("peer", 3, ("peer",)),
        (OTHERS, 3, ("direct_report", "stakeholder")),
    ]
    assert view.suppressed == ()
    # peers: (4 + 5 + 3) / 3 = 4.0; others: (2 + 4 + 3) / 3 = 3.0; manager 3.0
    assert view.group("peer").items["a"].mean == 4.0
    assert view.group(OTHERS).items["a"].mean == 3.0
    # all raters (7 responses): (3 + 12 + 9) / 7 = 24 / 7
    assert view.all_raters.n == 7
    assert view.all_raters.items["a"].mean == pytest.approx(24 / 7)
    assert view.comment_group_for("direct_report") == OTHERS
    assert view.comment_group_for("peer") == "peer"


def test_without_the_promise_the_manager_is_merged_into_others():
    responses = responses_of(
        ("manager", (3, 3, 3, 3)),
        ("peer", (4, 4, 4, 4)),
        ("peer", (5, 5, 5, 5)),
        ("peer", (3, 3, 3, 3)),
        ("direct_report", (2, 2, 2, 2)),
        ("direct_report", (4, 4, 4, 4)),
    )
    view = build_report_view(responses, ITEMS, manager_shown_alone=False)
    assert view.group("manager") is None
    others = view.group(OTHERS)
    assert (others.n, others.members) == (3, ("manager", "direct_report"))
    # (3 + 2 + 4) / 3 = 3.0
    assert others.items["a"].mean == 3.0
    assert view.comment_group_for("manager") == OTHERS


def test_a_lone_manager_without_the_promise_is_suppressed_and_left_out_of_all_raters():
    # Three peers and one manager. Had the manager's 1 been pooled into "all raters", it
    # would read (4 + 5 + 3 + 1) / 4 = 3.25, and 3.25 × 4 − 4.0 × 3 = 1 would give the
    # manager's answer away. Instead all raters = the peers only.
    responses = responses_of(
        ("manager", (1, 1, 1, 1)),
        ("peer", (4, 4, 4, 4)),
        ("peer", (5, 5, 5, 5)),
        ("peer", (3, 3, 3, 3)),
    )
    view = build_report_view(responses, ITEMS, manager_shown_alone=False)
    assert [g.name for g in view.groups] == ["peer"]
    assert view.suppressed == ("manager",)
    assert view.all_raters.n == 3
    assert view.all_raters.items["a"].mean == 4.0
    assert view.comment_group_for("manager") is None
    assert "1" not in json.dumps(view.as_dict()["suppressed"])  # a name, never a count


def test_others_still_under_three_is_hidden_with_its_comments():
    # One peer and one stakeholder make an "others" of 2: hidden, and kept out of all
    # raters, which shows the three direct reports only.
    responses = responses_of(
        ("peer", (5, 5, 5, 5)),
        ("stakeholder", (1, 1, 1, 1)),
        ("direct_report", (4, 4, 4, 4)),
        ("direct_report", (3, 3, 3, 3)),
        ("direct_report", (2, 2, 2, 2)),
    )
    view = build_report_view(responses, ITEMS, manager_shown_alone=True)
    assert [g.name for g in view.groups] == ["direct_report"]
    assert view.suppressed == ("peer", "stakeholder")
    assert (view.all_raters.n, view.all_raters.items["a"].mean) == (3, 3.0)
    assert dict(view.comment_groups) == {"direct_report": "direct_report"}


def test_nothing_is_shown_when_every_group_is_too_small():
    responses = responses_of(("peer", (4, 4, 4, 4)), ("peer", (4, 4, 4, 4)))
    view = build_report_view(responses, ITEMS, manager_shown_alone=True)
    assert view.groups == ()
    assert view.all_raters is None
    assert view.suppressed == ("peer",)
    assert view.comment_group_for("peer") is None


def test_an_item_answered_by_too_few_raters_is_hidden_and_left_out_of_the_overall():
    # Three peers; item "b" answered by only one (5), the others said "can't say".
    responses = [
        RaterResponse("peer", {"a": 4, "b": 5, "c": 4, "d": 4}),
        RaterResponse("peer", {"a": 3, "b": None, "c": 3, "d": 3}),
        RaterResponse("peer", {"a": 2, "c": 2, "d": 2}),
    ]
    view = build_report_view(responses, ITEMS, manager_shown_alone=False)
    peers = view.group("peer")
    assert peers.items["b"] is None  # else it would show that one rater's 5
    assert peers.items["a"].n == 3
    # Overall = mean of the shown item means a, c, d = (3 + 3 + 3) / 3 = 3.0, not
    # (9 + 5 + 9 + 9) / 10 = 3.2 — which would let 3.2 × 10 − 27 = 5 leak.
    assert peers.mean == 3.0
    assert view.all_raters.items["b"] is None
    assert peers.mean_of(["a", "b"]) == 3.0


def test_self_is_shown_alone_and_kept_out_of_all_raters():
    responses = responses_of(("self", (5, None, 5, 5)))
    view = build_report_view(responses, ITEMS, manager_shown_alone=False)
    me = view.group("self")
    assert me.n == 1
    assert me.items["a"].mean == 5.0
    assert me.items["b"] is None
    assert view.all_raters is None
    assert view.comment_group_for("self") == "self"


def test_the_other_group_with_enough_responses_is_shown_as_others():
    responses = responses_of(*[("other", (3, 3, 3, 3))] * 3)
    view = build_report_view(responses, ITEMS, manager_shown_alone=False)
    assert [(g.name, g.members) for g in view.groups] == [(OTHERS, ("other",))]


def test_as_dict_is_json_and_round_trips_the_numbers():
    responses = responses_of(*[("peer", (4, 5, 3, None))] * 3, ("self", (5, 5, 5, 5)))
    data = json.loads(
        json.dumps(build_report_view(responses, ITEMS, manager_shown_alone=False).as_dict())
    )
    assert data["groups"][1]["items"]["b"] == {"n": 3, "mean": 5.0}
    assert data["groups"][1]["items"]["d"] is None
    assert data["all_raters"]["n"] == 3
    assert math.isclose(data["groups"][1]["mean"], 4.0)


@pytest.mark.parametrize(
    ("responses", "items", "threshold", "message"),
    [
        ([RaterResponse("boss", {})], ITEMS, 3, "unknown rater group 'boss'"),
        ([RaterResponse("peer", {"z": 3})], ITEMS, 3, "'z', which is not an item"),
        ([RaterResponse("peer", {"a": 6})], ITEMS, 3, "outside 1–5"),
        ([RaterResponse("peer", {"a": 0})], ITEMS, 3, "outside 1–5"),
        ([RaterResponse("peer", {"a": 2.5})], ITEMS, 3, "must be an integer"),  # type: ignore[dict-item]
        ([RaterResponse("peer", {"a": True})], ITEMS, 3, "must be an integer"),
        ([], ("a", "a"), 3, "duplicate"),
        ([], ITEMS, 1, "threshold"),
    ],
)
def test_invalid_input_is_refused(responses, items, threshold, message):
    with pytest.raises(ValueError, match=message):
        build_report_view(responses, items, manager_shown_alone=False, threshold=threshold)


def test_a_larger_threshold_is_respected():
    responses = responses_of(*[("peer", (4, 4, 4, 4))] * 4)
    assert build_report_view(responses, ITEMS, manager_shown_alone=False, threshold=5).groups == ()
    shown = build_report_view(responses, ITEMS, manager_shown_alone=False, threshold=4).groups
    assert [g.name for g in shown] == ["peer"]


def test_shuffled_responses_from_a_seeded_shuffle_give_the_same_report():
    # A plain example of (d), independent of hypothesis.
    responses = responses_of(
        *[("peer", (i % 5 + 1, 3, None, 2)) for i in range(7)],
        *[("direct_report", (2, 4, 4, None)) for _ in range(2)],
        ("other", (5, 5, 5, 5)),
        ("self", (4, 4, 4, 4)),
    )
    view = build_report_view(responses, ITEMS, manager_shown_alone=False)
    random.Random(7).shuffle(responses)
    assert repr(build_report_view(responses, ITEMS, manager_shown_alone=False)) == repr(view)


def test_shown_rater_answers_leave_out_hidden_cells_and_suppressed_groups():
    responses = [
        RaterResponse("self", {"a": 5, "b": 5, "c": 5, "d": 5}),
        RaterResponse("peer", {"a": 4, "b": 5, "c": 4, "d": 4}),
        RaterResponse("peer", {"a": 3, "b": None, "c": 3, "d": 3}),
        RaterResponse("peer", {"a": 2, "c": 2, "d": 2}),
        RaterResponse("stakeholder", {"a": 1, "b": 1, "c": 1, "d": 1}),
    ]
    view = build_report_view(responses, ITEMS, manager_shown_alone=False)
    assert view.suppressed == ("stakeholder",)
    # Peers only; their item "b" cell (one answer) is hidden, so b is None throughout.
    assert shown_rater_answers(responses, view) == [
        {"a": 2, "b": None, "c": 2, "d": 2},
        {"a": 3, "b": None, "c": 3, "d": 3},
        {"a": 4, "b": None, "c": 4, "d": 4},
    ]


# ---------------------------------------------------------------------------------------
# Two or more managers, and counts while a round is open (issue 11's anonymity gaps)
# ---------------------------------------------------------------------------------------

managers_and_others = st.tuples(
    st.lists(st.builds(RaterResponse, st.just("manager"), answers), min_size=2, max_size=5),
    response_sets,
)


@SETTINGS
@given(managers_and_others, st.randoms(use_true_random=False))
def test_two_or_more_managers_follow_the_rule_of_three_whatever_they_were_told(pair, rng):
    """With two managers shown on their own, each could take their own answers from the
    group's mean and read the other's (4 and 2 → 3.0). So however many managers answered
    beyond one, the promise "shown on their own" changes nothing in the view: the
    managers are a group like any other, shown with ≥ 3 and merged into "Others" below."""
    managers, rest = pair
    responses = [r for r in rest if r.group != "manager"] + managers
    rng.shuffle(responses)
    promised = view_of(responses, manager_shown_alone=True)
    assert promised == view_of(responses, manager_shown_alone=False)
    manager = promised.group("manager")
    assert manager is None or manager.n >= THRESHOLD
    for group in promised.groups:
        if group.name != "self":
            assert all(cell is None or cell.n >= THRESHOLD for cell in group.items.values())


@SETTINGS
@given(st.lists(st.builds(RaterResponse, st.sampled_from(RATER_GROUPS), answers), max_size=14))
def test_one_manager_is_shown_alone_only_when_told(responses):
    """The consent case stays: exactly one manager answered and was told → "Manager" alone."""
    responses = [r for r in responses if r.group != "manager"]
    responses.append(RaterResponse("manager", {"a": 4}))
    view = view_of(responses, manager_shown_alone=True)
    assert view.group("manager").n == 1
    assert view.group("manager").items["a"].mean == 4
    assert view_of(responses, manager_shown_alone=False).group("manager") is None


asked_and_answered = st.dictionaries(
    st.sampled_from(["manager", "peer", "direct_report", "stakeholder", "other"]),
    st.tuples(st.integers(1, 6), st.integers(0, 6)),
)


@settings(max_examples=200, deadline=None, database=None)
@given(asked_and_answered, asked_and_answered, st.booleans())
def test_while_a_round_is_open_only_the_total_answered_is_shown(first, second, done):
    """The coachee and coach watch the counts move while raters answer beside the named
    list: any per-group count ("Manager 1/1", "Direct reports 2/3") would say who has
    answered. So the rows shown depend on nothing but the total asked and answered (and the
    coachee's own self-assessment): two rater sets with the same totals look the same."""
    from tandem.feedback import selectors

    def counts(sizes):
        rows = {g: (invited, min(done, invited)) for g, (invited, done) in sizes.items()}
        return {"self": (1, int(done)), **rows}

    def totals(sizes):
        clipped = counts(sizes)
        del clipped["self"]
        return (sum(i for i, _ in clipped.values()), sum(d for _, d in clipped.values()))

    shown = selectors.progress_from_counts(counts(first))
    assert all(p.group in {"self", "all"} for p in shown)
    if totals(first) == totals(second):
        again = selectors.progress_from_counts(counts(second))
        assert shown == again
