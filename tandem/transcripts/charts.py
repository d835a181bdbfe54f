"""The analysis timeline as SVG: who spoke, what kind of utterance, and the GROW stage."""

from __future__ import annotations

from typing import Any

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

COLOURS = {
    "open_question": "#2f6f62",
    "closed_question": "#7fb3a6",
    "reflection": "#4a3f8f",
    "advice": "#b3261e",
    "information": "#e0908a",
    "status": "#a8a29e",
    "strategy": "#d08a2e",
    "other": "#d6dbd9",
}
STAGES = {"goal": "#2f6f62", "reality": "#24518f", "options": "#d08a2e", "will": "#4a3f8f"}


def timeline(analysis: dict[str, Any], *, width: int = 900) -> SafeString:
    utterances = analysis["utterances"]
    speakers = list(analysis["speakers"])
    speakers.sort(key=lambda s: s != analysis["coach"])  # the coach on the top row
    n = max(len(utterances), 1)
    left, row_h = 110, 22
    inner = width - left - 10
    step = inner / n
    rows = {name: i for i, name in enumerate(speakers)}
    stage_y = len(speakers) * row_h + 8
    height = stage_y + row_h + 18
    bars = format_html_join(
        "",
        '<rect x="{}" y="{}" width="{}" height="{}" fill="{}"><title>{} — {}</title></rect>',
        (
            (
                f"{left + u['index'] * step:.2f}",
                rows.get(u["speaker"], 0) * row_h + 3,
                f"{max(step - 0.5, 0.8):.2f}",
                row_h - 6,
                COLOURS.get(u["label"], "#ccc"),
                u["speaker"],
                u["label"].replace("_", " "),
            )
            for u in utterances
        ),
    )
    stages = format_html_join(
        "",
        '<rect x="{}" y="{}" width="{}" height="{}" fill="{}"><title>{}</title></rect>',
        (
            (
                f"{left + u['index'] * step:.2f}",
                stage_y,
                f"{max(step, 0.8):.2f}",
                row_h - 6,
                STAGES[u["grow_stage"]],
                u["grow_stage"],
            )
            for u in utterances
            if u["grow_stage"] in STAGES
        ),
    )
    names = format_html_join(
        "",
        '<text x="0" y="{}" class="axis-label">{}</text>',
        ((rows[s] * row_h + 16, s[:16]) for s in speakers),
    )
    return format_html(
        '<svg class="timeline" viewBox="0 0 {} {}" role="img" aria-label="{}">'
        "<title>{}</title>{}{}"
        '<text x="0" y="{}" class="axis-label">GROW</text>{}</svg>',
        width,
        height,
        "Timeline of the conversation",
        "Timeline: who spoke, what kind of utterance, GROW stage",
        names,
        bars,
        stage_y + 12,
        stages,
    )
