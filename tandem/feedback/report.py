"""Turn a closed cycle into the report a coachee reads, as JSON that can be frozen.

Every number comes from ``anonymity.build_report_view`` (shown groups and cells only), so
nothing built here can reintroduce an answer the anonymity rules suppressed. Spread (SD) and
reliability (Cronbach's α), which the Reliable Change Index of a later cycle needs, are
computed from the responses of shown rater groups only, for the same reason.
"""

from __future__ import annotations

from typing import Any

from tandem.feedback import measures
from tandem.feedback.anonymity import OTHERS, build_report_view, shown_rater_answers
from tandem.feedback.models import Comment, FeedbackCycle, RaterGroup
from tandem.feedback.services import questionnaire_item_keys

GROUP_LABELS = {**dict(RaterGroup.choices), OTHERS: "Others (merged)", "all": "All raters"}
TOP_N = 5


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 2)


def build_report(cycle: FeedbackCycle) -> dict[str, Any]:
    questionnaire = cycle.questionnaire or {"sections": []}
    items = questionnaire_item_keys(questionnaire)
    texts = {i["key"]: i["text"] for s in questionnaire["sections"] for i in s["items"]}
    responses = list(cycle.responses.all())
    view = build_report_view(responses, items, manager_shown_alone=cycle.manager_shown_alone)
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
        sections.append(
            {
                "key": section["key"],
                "name": section["name"],
                "scores": {g.name: _round(g.mean_of(keys)) for g in view.groups},
                "all": _round(others.mean_of(keys)) if others else None,
                "alpha": _round(measures.cronbach_alpha(matrix)) if len(keys) > 1 else None,
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
                "text": texts[key],
                "self": _round(self_score),
                "all": _round(others_score),
                "sd": _round(measures.sample_sd(values)) if len(values) > 1 else None,
                "by_group": {g.name: _round(cell(g, key)) for g in view.groups},
                "category": measures.self_other_category(self_score, others_score),
            }
        )
    rated = sorted((r for r in rows if r["all"] is not None), key=lambda r: -r["all"])
    comments: list[dict[str, str]] = []
    for c in cycle.comments.filter(review=Comment.Review.APPROVED):
        shown_as = view.comment_group_for(c.group)
        if shown_as is not None:  # comments of suppressed groups are never released
            comments.append({"group": shown_as, "text": c.text})
    comments.sort(key=lambda c: (c["group"], c["text"]))
    report = {
        "kind": cycle.kind,
        "groups": [
            {"name": g.name, "label": GROUP_LABELS.get(g.name, g.name), "n": g.n}
            for g in view.groups
        ],
        "all_n": others.n if others else 0,
        "suppressed": [GROUP_LABELS.get(s, s) for s in view.suppressed],
        "sections": sections,
        "items": rows,
        "top": [r["key"] for r in rated[:TOP_N]],
        # The lowest of the items not already among the highest: no item is in both lists.
        "bottom": [r["key"] for r in reversed(rated[TOP_N:])][:TOP_N],
        "blind_spots": [r["key"] for r in rows if r["category"] == "blind_spot"],
        "hidden_strengths": [r["key"] for r in rows if r["category"] == "hidden_strength"],
        "comments": [
            {"label": GROUP_LABELS.get(c["group"], c["group"]), "text": c["text"]} for c in comments
        ],
        "view": view.as_dict(),
    }
    baseline = cycle.compared_to
    if baseline is not None and baseline.report:
        report["change"] = _change(baseline.report, report)
    return report


def _change(before: dict[str, Any], after: dict[str, Any]) -> list[dict[str, Any]]:
    """Per item and per section: the all-raters score then and now, with the RCI where the
    baseline gives a spread and a reliability (the item's section α)."""
    old_items = {r["key"]: r for r in before["items"]}
    alphas = {s["key"]: s["alpha"] for s in before["sections"]}
    section_of = {k: s["key"] for s in before["sections"] for k in s["items"]}
    out = []
    for row in after["items"]:
        old = old_items.get(row["key"])
        if old is None or old["all"] is None or row["all"] is None:
            continue
        entry: dict[str, Any] = {
            "key": row["key"],
            "text": row["text"],
            "before": old["all"],
            "after": row["all"],
            "difference": _round(row["all"] - old["all"]),
            "rci": None,
            "verdict": "not enough data for a reliable-change test",
        }
        alpha = alphas.get(section_of.get(row["key"], ""))
        if old["sd"] and alpha is not None and 0 <= alpha < 1:
            result = measures.reliable_change(old["all"], row["all"], old["sd"], alpha)
            entry["rci"] = _round(result.rci)
            entry["verdict"] = str(result.direction).replace("_", " ")
            entry["reliable"] = result.reliable
        out.append(entry)
    return out


def report_context(report: dict[str, Any]) -> dict[str, Any]:
    """What the report page needs: charts and item texts looked up (for released or
    previewed reports alike)."""
    from tandem.core.svg import bar_chart

    by_key = {r["key"]: r for r in report["items"]}
    labels = {g["name"]: g["label"] for g in report["groups"]}
    charts = []
    for section in report["sections"]:
        rows = [(labels[name], score) for name, score in section["scores"].items()]
        rows.append(("All raters", section["all"]))
        charts.append(
            {"section": section, "svg": bar_chart(rows, label=f"{section['name']} by group")}
        )
    return {
        "report": report,
        "charts": charts,
        "top": [by_key[k] for k in report["top"]],
        "bottom": [by_key[k] for k in report["bottom"]],
        "blind_spots": [by_key[k] for k in report["blind_spots"]],
        "hidden_strengths": [by_key[k] for k in report["hidden_strengths"]],
    }
