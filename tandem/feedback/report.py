"""Turn a closed cycle into the report a coachee reads: a ``ReportSnapshot`` to freeze.

Every number comes from ``anonymity.build_report_view`` (shown groups and cells only), so
nothing built here can reintroduce an answer the anonymity rules suppressed. Spread (SD) and
reliability (Cronbach's α), which the Reliable Change Index of a later cycle needs, are
computed from the responses of shown rater groups only, for the same reason.
"""

from __future__ import annotations

from dataclasses import replace
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from tandem.feedback import library, measures
from tandem.feedback.anonymity import OTHERS, build_report_view, shown_rater_answers
from tandem.feedback.models import Comment, FeedbackCycle, RaterGroup
from tandem.feedback.questionnaire import questionnaire_item_keys
from tandem.feedback.snapshot import Change, ChangeRow, Item, ReportSnapshot, Section

GROUP_LABELS = {**dict(RaterGroup.choices), OTHERS: "Others (merged)", "all": "All raters"}
TOP_N = 5


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 2)


def build_report(cycle: FeedbackCycle) -> ReportSnapshot:
    baseline = cycle.compared_to
    return compose_report(
        kind=cycle.kind,
        questionnaire=cycle.questionnaire or {"sections": []},
        responses=list(cycle.responses.all()),
        approved_comments=[
            (c.group, c.text) for c in cycle.comments.filter(review=Comment.Review.APPROVED)
        ],
        manager_shown_alone=cycle.manager_shown_alone,
        baseline_report=baseline.report if baseline is not None else None,
    )


def compose_report(
    *,
    kind: str,
    questionnaire: dict[str, Any],
    responses: list[Any],
    approved_comments: list[tuple[str, str]],
    manager_shown_alone: bool,
    baseline_report: ReportSnapshot | None,
) -> ReportSnapshot:
    """The report from the round's answers alone: no database, so that properties (hidden
    answers never change it) can be tested over many random rater sets."""
    items = questionnaire_item_keys(questionnaire)
    meta = {i["key"]: i for s in questionnaire["sections"] for i in s["items"]}
    view = build_report_view(responses, items, manager_shown_alone=manager_shown_alone)
    others = view.all_raters
    self_view = view.group("self")
    # Only answers the view shows (shown groups, shown item cells), for SD and alpha.
    pooled = shown_rater_answers(responses, view)

    def cell(group: Any, key: str) -> float | None:
        found = group.items.get(key) if group is not None else None
        return None if found is None else found.mean

    sections = []
    for section in questionnaire["sections"]:
        keys = [i["key"] for i in section["items"]]
        matrix = [[row.get(k) for k in keys] for row in pooled]
        # Each rater's score on the competency (the mean of the items they answered, if at
        # least half): their spread is the SD the competency's RCI needs.
        rater_scores = [
            measures.mean(answered)
            for row in matrix
            if len(answered := [v for v in row if v is not None]) * 2 >= len(keys)
        ]
        is_scale = len(keys) > 1 and section["key"] != library.TARGETS_KEY
        sections.append(
            {
                "key": section["key"],
                "name": section["name"],
                "scores": {g.name: _round(g.mean_of(keys)) for g in view.groups},
                "all": _round(others.mean_of(keys)) if others else None,
                # The targets are different behaviours, not one scale: no α for them.
                "alpha": _round(measures.cronbach_alpha(matrix)) if is_scale else None,
                "sd": _round(measures.sample_sd(rater_scores)) if len(rater_scores) > 1 else None,
                "n": len(rater_scores),
                "items": keys,
            }
        )
    rows = []
    for key in items:
        values = [v for row in pooled if (v := row.get(key)) is not None]
        self_score, others_score = cell(self_view, key), cell(others, key)
        rows.append(
            {
                "key": key,
                "text": meta[key]["text"],
                # A coaching target: which, and the baseline question it is compared with.
                **(
                    {"target": meta[key]["target"], "baseline_item": meta[key]["baseline_item"]}
                    if "target" in meta[key]
                    else {}
                ),
                "self": _round(self_score),
                "all": _round(others_score),
                "sd": _round(measures.sample_sd(values)) if len(values) > 1 else None,
                "n": len(values),
                "by_group": {g.name: _round(cell(g, key)) for g in view.groups},
                "category": measures.self_other_category(self_score, others_score),
            }
        )
    rated = sorted((r for r in rows if r["all"] is not None), key=lambda r: -r["all"])
    top, bottom = _ends(rated)
    comments: list[dict[str, str]] = []
    for group, text in approved_comments:
        shown_as = view.comment_group_for(group)
        if shown_as is not None:  # comments of suppressed groups are never released
            comments.append({"group": shown_as, "text": text})
    comments.sort(key=lambda c: (c["group"], c["text"]))
    report = ReportSnapshot.from_json(
        {
            "version": 2,
            "kind": kind,
            "groups": [
                {"name": g.name, "label": GROUP_LABELS.get(g.name, g.name), "n": g.n}
                for g in view.groups
            ],
            "all_n": others.n if others else 0,
            "sections": sections,
            "items": rows,
            "top": [r["key"] for r in top],
            "bottom": [r["key"] for r in bottom],
            "blind_spots": [r["key"] for r in rows if r["category"] == "blind_spot"],
            "hidden_strengths": [r["key"] for r in rows if r["category"] == "hidden_strength"],
            "comments": [
                {"label": GROUP_LABELS.get(c["group"], c["group"]), "text": c["text"]}
                for c in comments
            ],
            "view": view.as_dict(),
        }
    )
    if baseline_report:
        report = replace(report, change=_change(baseline_report, report))
    return report


def _ends(rated: list[dict[str, Any]]) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The highest and the lowest of items sorted high to low: at most five each and at most
    half the items each, and never splitting a tie — an item level with one left out is
    neither high nor low, so no list leaves out an equal."""
    n = min(TOP_N, len(rated) // 2)
    while 0 < n < len(rated) and rated[n - 1]["all"] == rated[n]["all"]:
        n -= 1
    top, rest = rated[:n], list(reversed(rated[n:]))
    m = min(TOP_N, len(rated) // 2, len(rest))
    while 0 < m < len(rest) and rest[m - 1]["all"] == rest[m]["all"]:
        m -= 1
    return top, rest[:m]


def _shown(value: float) -> Decimal:
    """A score as the page shows it: one decimal, halves rounded up (as ``floatformat``)."""
    return Decimal(repr(value)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


NO_RELIABILITY = "no reliability estimate, so no verdict"
# Fewer raters than this at baseline and α, the spread and the verdict would rest on too little.
MIN_RATERS = 5


def _verdict(old: Section | Item, new: Section | Item, reliability: float | None) -> dict:
    """RCI and verdict, or why there is none. ``old`` and ``new`` are report rows or sections
    (all-raters mean ``all``, spread ``sd``, raters ``n``). A change counts as reliable only
    when it is beyond both the measure's error (the RCI, DESIGN.md) and what a different
    panel of raters could give by chance (``measures.panel_change_z``)."""
    before, after = old.all, new.all
    assert before is not None and after is not None
    entry: dict[str, Any] = {
        "before": before,
        "after": after,
        # From the numbers as shown (one decimal), so the columns always add up.
        "difference": float(_shown(after) - _shown(before)),
        "rci": None,
        "reliable": False,
        "verdict": NO_RELIABILITY,
    }
    sd, n, n_now = old.sd, old.n, new.n
    if (n is not None and n < MIN_RATERS) or (n_now is not None and n_now < MIN_RATERS):
        entry["verdict"] = f"fewer than {MIN_RATERS} raters in a round: no verdict"
        return entry
    if not sd:
        entry["verdict"] = "the raters all agreed at baseline (no spread): no verdict"
        return entry
    if reliability is None or not 0 <= reliability < 1:
        return entry
    result = measures.reliable_change(before, after, sd, reliability)
    entry.update(
        rci=_round(result.rci),
        reliable=result.reliable,
        verdict=str(result.direction),
        reliability=_round(reliability),
    )
    if result.reliable and n is not None and n_now:
        sd_now = new.sd or 0.0
        z = measures.panel_change_z(before, after, sd, n, sd_now, n_now)
        df = measures.welch_df(sd, n, sd_now, n_now)
        critical = measures.t_critical_95(df) if df is not None else measures.RCI_CRITICAL
        if z is None or abs(z) <= critical:
            entry.update(
                reliable=False,
                verdict="no reliable change: within what a different mix of raters could give",
            )
    return entry


def _change(before: ReportSnapshot, after: ReportSnapshot) -> Change:
    """All-raters scores then and now, with the Reliable Change Index where it is defined.

    * per competency: the section score; SD of the raters' competency scores at baseline and
      the competency's Cronbach's α at baseline as its reliability;
    * per question: the item's SD at baseline, and as reliability the α of its competency
      stepped down to one item (Spearman–Brown), since one question is far less reliable
      than the scale it belongs to;
    * per target: the same target question at baseline (worded the same), or else the
      competency question the target was linked to (a target agreed or reworded after the
      baseline); the reliability is that of the linked question, and without a link there is
      no verdict.
    """
    old_items = {r.key: r for r in before.items}
    old_sections = {s.key: s for s in before.sections}
    section_of = {k: s.key for s in before.sections for k in s.items}

    def item_reliability(key: str) -> float | None:
        section = old_sections.get(section_of.get(key, library.SECTION_OF_ITEM.get(key, "")))
        alpha = None if section is None else section.alpha
        if section is None or alpha is None or not 0 <= alpha < 1:
            return None
        return measures.single_item_reliability(alpha, len(section.items))

    competencies = []
    for section in after.sections:
        old_section = old_sections.get(section.key)
        if section.key == library.TARGETS_KEY or old_section is None:
            continue
        if old_section.all is None or section.all is None:
            continue
        entry = _verdict(old_section, section, old_section.alpha)
        competencies.append(ChangeRow(key=section.key, text=section.name, **entry))

    items, targets = [], []
    for row in after.items:
        if row.all is None:
            continue
        if row.is_target:
            targets.append(_target_change(row, old_items, item_reliability))
            continue
        old = old_items.get(row.key)
        if old is None or old.all is None:
            continue
        entry = _verdict(old, row, item_reliability(row.key))
        items.append(ChangeRow(key=row.key, text=row.text, **entry))
    return Change(
        competencies=competencies, targets=targets, items=items, mix=_mix_note(before, after)
    )


def _target_change(row: Item, old_items: dict[str, Item], item_reliability: Any) -> ChangeRow:
    old = old_items.get(row.key)
    why = "Not asked at baseline, and not linked to a baseline question."
    if old is not None and old.text != row.text:
        old = None  # the target was reworded since: not the same question any more
        why = "Asked in other words at baseline: link it to a baseline question to compare."
    compared_with = None
    if old is None and row.baseline_item:
        old = old_items.get(row.baseline_item)
        compared_with = old.text if old is not None else None
        why = "Its linked baseline question was not asked, or had too few answers to show."
    if old is None or old.all is None:
        return ChangeRow(key=row.key, text=row.text, before=None, why=why)
    link = row.baseline_item
    reliability = item_reliability(link) if link else None
    entry = _verdict(old, row, reliability)
    if not link and entry["verdict"] == NO_RELIABILITY:
        entry["verdict"] = "no verdict: link the target to its closest 360 question"
    return ChangeRow(key=row.key, text=row.text, compared_with=compared_with, **entry)


def _mix_note(before: ReportSnapshot, after: ReportSnapshot) -> str:
    """Say so when the raters behind the scores differ between the rounds — other groups
    shown, another make-up of "Others", or a group half or twice the size — since part of any
    change may then be who answered. It names no group: which are hidden is not said."""

    def panel(report: ReportSnapshot) -> dict[str, tuple[frozenset[str], int]]:
        return {g.name: (frozenset(g.members), g.n) for g in report.panel if g.name != "self"}

    then, now = panel(before), panel(after)
    same = set(then) == set(now) and all(
        then[name][0] == now[name][0]
        and max(then[name][1], now[name][1]) < 2 * min(then[name][1], now[name][1])
        for name in then
    )
    if same:
        return ""
    return (
        "The raters differ from the baseline's: other groups are shown, or “Others” "
        "is made up differently, or a group is half or twice the size. Part of any change may "
        "be who answered rather than what changed."
    )


def report_context(report: ReportSnapshot) -> dict[str, Any]:
    """What the report page needs: charts and item texts looked up (for released or
    previewed reports alike)."""
    from tandem.core.svg import bar_chart

    by_key = {r.key: r for r in report.items}
    labels = {g.name: g.label for g in report.groups}
    charts = []
    for section in report.sections:
        if section.key == library.TARGETS_KEY:
            continue  # the targets are different behaviours: their average says nothing
        rows = [(labels[name], score) for name, score in section.scores.items()]
        rows.append(("All raters", section.all))
        charts.append(
            {"section": section, "svg": bar_chart(rows, label=f"{section.name} by group")}
        )
    return {
        "report": report,
        "change": report.change,
        "charts": charts,
        "top": [by_key[k] for k in report.top],
        "bottom": [by_key[k] for k in report.bottom],
        "blind_spots": [by_key[k] for k in report.blind_spots],
        "hidden_strengths": [by_key[k] for k in report.hidden_strengths],
    }
