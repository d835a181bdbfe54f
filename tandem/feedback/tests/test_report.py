"""The report as the coach previews it and the coachee reads it once released."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tandem.core.tests.world import TARGET
from tandem.engagements import services as engagements
from tandem.feedback import measures, services
from tandem.feedback.models import Comment, Response
from tandem.feedback.report import build_report


def _answer(cycle, group: str, value: int | None, comment: str = "") -> None:
    keys = services.questionnaire_item_keys(cycle.questionnaire)
    Response.objects.create(cycle=cycle, group=group, answers=dict.fromkeys(keys, value))
    if comment:
        Comment(cycle=cycle, group=group, text=comment).save()


@pytest.fixture
def answered(open_cycle):
    _answer(open_cycle, "self", 5)
    for value in (3, 3, 4):
        _answer(open_cycle, "peer", value, comment=f"Peer says {value}")
    _answer(open_cycle, "manager", 1, comment="Only the manager")
    _answer(open_cycle, "direct_report", 2)
    return open_cycle


def test_small_groups_are_hidden_everywhere_and_blind_spots_found(answered):
    report = build_report(answered)
    names = [g.name for g in report.groups]
    assert names == ["self", "peer"]
    assert report.all_n == 3  # the manager and the lone direct report are left out
    peer_mean = (3 + 3 + 4) / 3
    item = report.items[0]
    assert item.all == round(peer_mean, 2) and item.self == 5
    assert item.category == "blind_spot"
    # Not even which groups were left out: a lone manager's group named would say they answered.
    assert not hasattr(report, "suppressed") and "Manager" not in str(report.groups)


def test_release_needs_every_comment_reviewed_then_freezes(answered, coach, coachee):
    services.cycle_close(actor=coach, cycle=answered)
    with pytest.raises(ValidationError, match="await your review"):
        services.cycle_release(actor=coach, cycle=answered)
    for comment in Comment.objects.all():
        services.comment_review(actor=coach, comment=comment, approve=True)
    client = Client()
    client.force_login(coachee)
    assert client.get(reverse("cycle_report", args=[answered.pk])).status_code == 403
    services.cycle_release(actor=coach, cycle=answered)
    page = client.get(reverse("cycle_report", args=[answered.pk])).content.decode()
    assert "Peer says 3" in page
    assert "Only the manager" not in page  # its group is too small to show
    assert "<svg" in page and "this report is frozen" in page
    # A released report is frozen: later changes to the answers change nothing shown.
    answered.refresh_from_db()
    frozen = answered.report
    _answer(answered, "peer", 1)
    for response in Response.objects.filter(group="peer"):
        response.answers = {}
        response.save()
    answered.refresh_from_db()
    assert answered.report == frozen
    assert build_report(answered).items[0].all != frozen.items[0].all  # live differs
    assert "Peer says 3" in client.get(reverse("cycle_report", args=[answered.pk])).content.decode()


def test_comments_of_hidden_groups_are_deleted_unread_at_close(answered, coach):
    services.cycle_close(actor=coach, cycle=answered)
    texts = {c.text for c in Comment.objects.all()}  # encrypted: read through the model
    assert "Only the manager" not in texts  # a group of one: the coach never reads it
    assert {"Peer says 3", "Peer says 4"} <= texts
    client = Client()
    client.force_login(coach)
    page = client.get(reverse("cycle_detail", args=[answered.pk])).content.decode()
    assert "Only the manager" not in page and "Peer says 4" in page
    assert "Answers so far" not in page  # counts per group end with the round


def test_no_item_is_both_among_the_highest_and_the_lowest(open_cycle):
    keys = services.questionnaire_item_keys(open_cycle.questionnaire)
    assert 5 < len(keys) < 10
    for _ in range(3):
        answers = {k: 1 + (i % 5) for i, k in enumerate(keys)}
        Response.objects.create(cycle=open_cycle, group="peer", answers=answers)
    report = build_report(open_cycle)
    assert report.top and report.bottom
    assert not set(report.top) & set(report.bottom)
    # At most half the items each; an item tied with the lowest of the highest is in neither.
    assert len(report.top) <= len(keys) // 2 and len(report.bottom) <= len(keys) // 2
    scores = {r.key: r.all for r in report.items}
    assert min(scores[k] for k in report.top) > max(scores[k] for k in report.bottom)


def test_sponsor_never_sees_the_report(answered, coach, sponsor):
    services.cycle_close(actor=coach, cycle=answered)
    Comment.objects.update(review="approved")
    services.cycle_release(actor=coach, cycle=answered)
    client = Client()
    client.force_login(sponsor)
    assert client.get(reverse("cycle_report", args=[answered.pk])).status_code == 403


def _baseline_and_close(open_cycle, coach, engagement, *, new_target=None, reword=None):
    """A released baseline whose four peers vary, and a closed close round where three peers
    answer 5 to everything."""
    keys = services.questionnaire_item_keys(open_cycle.questionnaire)
    # Five peers, the fewest a verdict rests on (report.MIN_RATERS).
    for row in ([3, 4, 3, 3], [2, 2, 3, 2], [4, 5, 4, 5], [3, 3, 2, 4], [3, 3, 3, 2]):
        answers = {k: row[i % 4] for i, k in enumerate(keys)}
        Response.objects.create(cycle=open_cycle, group="peer", answers=answers)
    services.cycle_close(actor=coach, cycle=open_cycle)
    services.cycle_release(actor=coach, cycle=open_cycle)
    if new_target is not None:
        engagements.target_create(actor=coach, engagement=engagement, **new_target)
    if reword is not None:
        engagements.target_update(actor=coach, target=engagement.targets.first(), **reword)
    close = services.cycle_create(
        actor=coach,
        engagement=engagement,
        kind="close",
        closes_on=timezone.localdate() + dt.timedelta(days=7),
        competency_keys=["delegation"],
    )
    close.questionnaire = services.build_questionnaire(close)
    close.status = "closed"
    close.save()
    for _ in range(5):
        _answer(close, "peer", 5)
    open_cycle.refresh_from_db()
    return open_cycle.report, build_report(close)


def test_close_cycle_shows_change_per_competency_with_its_own_reliability(
    open_cycle, coach, engagement
):
    before, report = _baseline_and_close(open_cycle, coach, engagement)
    section = {s.key: s for s in before.sections}["delegation"]
    assert section.sd > 0 and 0 < section.alpha < 1
    change = {c.key: c for c in report.change.competencies}["delegation"]
    assert (change.before, change.after) == (section.all, 5)
    expected = measures.reliable_change(section.all, 5, section.sd, section.alpha)
    assert change.rci == round(expected.rci, 2)
    assert change.verdict == expected.direction


def test_a_single_question_is_judged_with_the_stepped_down_reliability(
    open_cycle, coach, engagement
):
    before, report = _baseline_and_close(open_cycle, coach, engagement)
    item = {r.key: r for r in before.items}["delegation.outcomes"]
    alpha = {s.key: s.alpha for s in before.sections}["delegation"]
    one_item = measures.single_item_reliability(alpha, 4)
    assert one_item < alpha  # one question is worth less than the scale
    change = {c.key: c for c in report.change.items}["delegation.outcomes"]
    expected = measures.reliable_change(item.all, 5, item.sd, one_item)
    assert change.rci == round(expected.rci, 2)
    with_scale_alpha = measures.reliable_change(item.all, 5, item.sd, alpha)
    assert abs(change.rci) < abs(with_scale_alpha.rci)


def test_a_target_agreed_after_the_baseline_is_compared_with_its_linked_question(
    open_cycle, coach, engagement
):
    later = {**TARGET, "behaviour": "I hand over outcomes", "baseline_item": "delegation.outcomes"}
    before, report = _baseline_and_close(open_cycle, coach, engagement, new_target=later)
    rows = {c.text: c for c in report.change.targets}
    linked = rows["Hands over outcomes"]  # worded for raters
    item = {r.key: r for r in before.items}["delegation.outcomes"]
    assert linked.before == item.all and linked.after == 5
    assert linked.compared_with == item.text
    assert linked.rci is not None
    # The target asked at both rounds but linked to nothing: a difference, no verdict.
    same = next(c for c in report.change.targets if c is not linked)
    assert same.before is not None and same.rci is None
    assert "link the target" in same.verdict


def test_a_reworded_target_is_not_compared_with_what_raters_were_asked_before(
    open_cycle, coach, engagement
):
    reword = {"behaviour": "I stop reading my team's email", "baseline_item": "candour.early"}
    before, report = _baseline_and_close(open_cycle, coach, engagement, reword=reword)
    (row,) = report.change.targets
    assert row.text == "Stops reading their team's email"
    item = {r.key: r for r in before.items}["candour.early"]
    assert row.before == item.all and row.compared_with == item.text


def _compose(rows_by_group, baseline=None):
    from tandem.feedback.anonymity import RaterResponse
    from tandem.feedback.report import compose_report

    keys = ["c.1", "c.2", "c.3", "c.4"]
    questionnaire = {
        "sections": [{"key": "c", "name": "C", "items": [{"key": k, "text": k} for k in keys]}]
    }
    responses = [
        RaterResponse(group, dict(zip(keys, row, strict=True)))
        for group, rows in rows_by_group.items()
        for row in rows
    ]
    return compose_report(
        kind="close" if baseline else "baseline",
        questionnaire=questionnaire,
        responses=responses,
        approved_comments=[],
        manager_shown_alone=False,
        baseline_report=baseline,
    )


def test_a_change_a_different_mix_of_raters_could_give_is_not_called_reliable():
    # Raters who score every question alike (halo) give a high alpha and so a small error of
    # measurement; the RCI alone would call this "improved". Five other raters at close.
    # Six raters each round: α = 0.96, RCI 3.7, but the two panels' means are 3.0 and 3.8
    # with a spread of about 1 — z = 1.45 for the panel.
    baseline = _compose(
        {
            "peer": [
                [2, 2, 2, 3],
                [3, 3, 3, 3],
                [4, 4, 4, 4],
                [2, 2, 2, 2],
                [3, 3, 3, 3],
                [4, 4, 4, 3],
            ]
        }
    )
    close = _compose(
        {
            "peer": [
                [5, 5, 5, 5],
                [4, 4, 4, 4],
                [2, 2, 2, 2],
                [5, 5, 5, 5],
                [4, 4, 4, 4],
                [3, 3, 3, 3],
            ]
        },
        baseline=baseline,
    )
    (row,) = close.change.competencies
    section = baseline.sections[0]
    rci = measures.reliable_change(section.all, row.after, section.sd, section.alpha)
    assert rci.reliable  # the measure's error alone would not explain it…
    assert not row.reliable and "different mix of raters" in row.verdict


def test_fewer_than_five_raters_in_either_round_give_no_verdict():
    few = [[2, 2, 2, 3], [3, 3, 3, 3], [4, 4, 4, 3]]
    five = [*few, [3, 2, 3, 3], [4, 3, 4, 4]]
    for baseline, close in ((few, [[5, 5, 5, 5]] * 5), (five, [[5, 5, 5, 5]] * 3)):
        report = _compose({"peer": close}, baseline=_compose({"peer": baseline}))
        (row,) = report.change.competencies
        assert row.rci is None and "fewer than 5 raters in a round" in row.verdict


def test_no_spread_at_baseline_is_named_as_the_reason():
    same = [[3, 3, 3, 3]] * 7
    report = _compose({"peer": [[5, 5, 5, 5]] * 7}, baseline=_compose({"peer": same}))
    (row,) = report.change.competencies
    assert "all agreed at baseline" in row.verdict


def test_differences_add_up_as_the_scores_are_shown():
    from tandem.feedback.report import _verdict
    from tandem.feedback.snapshot import Item

    def row(mean: float) -> Item:
        return Item("k", "K", None, mean, 0.5, 6, {}, None)

    entry = _verdict(row(2.25), row(3.55), 0.8)
    assert entry["difference"] == 1.3  # 2.3 → 3.6 as shown (halves up), not 1.4 or 1.2


def test_the_report_warns_when_the_rater_groups_differ_from_the_baseline():
    five = [[3, 3, 3, 3], [4, 4, 4, 4], [3, 4, 3, 4], [2, 3, 2, 3], [3, 3, 4, 4]]
    baseline = _compose({"peer": five, "direct_report": five[:3]})
    close = _compose({"peer": five}, baseline=baseline)
    assert "The raters differ" in close.change.mix
    assert "Direct reports" not in close.change.mix  # which groups are hidden is not said
    same = _compose({"peer": five, "direct_report": five[:3]}, baseline=baseline)
    assert same.change.mix == ""
    # The same group names, but "Others" made of different people…
    others_then = _compose({"peer": five, "manager": five[:1], "stakeholder": five[:2]})
    others_now = _compose({"peer": five, "direct_report": five[:2], "other": five[:1]}, others_then)
    assert "The raters differ" in others_now.change.mix
    # …or a group a quarter of its size.
    big = _compose({"peer": five * 4})
    assert "The raters differ" in _compose({"peer": five}, baseline=big).change.mix


def test_highest_and_lowest_never_split_a_tie():
    from tandem.feedback.report import _ends

    def rows(*scores):
        return [{"key": str(i), "all": s} for i, s in enumerate(scores)]

    top, bottom = _ends(rows(4.5, 4.0, 2.8, 2.8, 2.8, 2.8, 2.0, 1.5, 1.0, 0.5, 0.4))
    assert [r["all"] for r in top] == [4.5, 4.0]  # the four at 2.8: none, not three of them
    assert [r["all"] for r in bottom] == [0.4, 0.5, 1.0, 1.5, 2.0]
    assert _ends(rows(3.6, 3.6)) == ([], [])  # two targets level: neither high nor low
