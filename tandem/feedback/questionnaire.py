"""The questions a 360 round asks, frozen when it opens.

Its own module so that the report (which reads a frozen questionnaire) and the services
(which freeze it) both import it, and neither imports the other's module in turn.
"""

from __future__ import annotations

from typing import Any

from tandem.feedback import library
from tandem.feedback.models import FeedbackCycle

Kind = FeedbackCycle.Kind


def build_questionnaire(cycle: FeedbackCycle) -> dict[str, Any]:
    """The items a cycle asks: chosen competencies (full cycles) and the coaching targets.

    A midpoint pulse asks about the target behaviours only."""
    sections: list[dict[str, Any]] = []
    if cycle.kind != Kind.MIDPOINT:
        for key in cycle.competency_keys:
            competency = library.BY_KEY[key]
            sections.append(
                {
                    "key": competency.key,
                    "name": competency.name,
                    "items": [{"key": k, "text": t} for k, t in competency.items],
                }
            )
    targets = list(cycle.engagement.targets.all())
    if targets:
        sections.append(
            {
                "key": library.TARGETS_KEY,
                "name": library.TARGETS_NAME,
                "items": [
                    {
                        "key": f"target:{t.pk}",
                        "text": t.rater_text,
                        "target": str(t.pk),
                        "behaviour": t.behaviour,
                        # Frozen with the round: what the target is compared with at baseline.
                        "baseline_item": t.baseline_item,
                    }
                    for t in targets
                ],
            }
        )
    return {"sections": sections, "scale": [list(pair) for pair in library.SCALE]}


def questionnaire_item_keys(questionnaire: dict[str, Any]) -> list[str]:
    return [item["key"] for section in questionnaire["sections"] for item in section["items"]]
