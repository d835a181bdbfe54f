"""The dashboard's before/after chart: server-side SVG like ``core/svg.py`` — no JavaScript,
no CDN, printable."""

from __future__ import annotations

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe


def before_after_chart(
    rows: list[tuple[str, float, float]],
    *,
    label: str,
    low: float = 1,
    high: float = 5,
    width: int = 420,
) -> SafeString:
    """Per row (name, before, after) two horizontal bars on a fixed scale: the baseline
    360's mean in the accent colour, the closing 360's in the brand colour."""
    if not rows:
        return mark_safe("")
    bar_h, gap, group_gap, left, legend_h = 12, 3, 12, 150, 20
    inner = width - left - 40
    group_h = 2 * bar_h + gap + group_gap
    height = legend_h + len(rows) * group_h

    def length(value: float) -> float:
        return max(min((value - low) / (high - low), 1), 0) * inner

    parts = [
        format_html(
            '<rect x="{}" y="2" width="10" height="10" class="bar bar-0"/>'
            '<text x="{}" y="11" class="axis">before (baseline 360)</text>'
            '<rect x="{}" y="2" width="10" height="10" class="bar"/>'
            '<text x="{}" y="11" class="axis">after (closing 360)</text>',
            left,
            left + 14,
            left + 150,
            left + 164,
        )
    ]
    for index, (name, before, after) in enumerate(rows):
        y = legend_h + index * group_h
        parts.append(
            format_html(
                '<text x="0" y="{}" class="axis-label">{}</text>',
                y + bar_h + 2,
                name,
            )
        )
        parts.append(
            format_html_join(
                "",
                '<rect x="{}" y="{}" width="{}" height="{}" class="bar{}"><title>{}: {}</title>'
                '</rect><text x="{}" y="{}" class="value">{}</text>',
                (
                    (
                        left,
                        y + offset,
                        f"{length(value):.1f}",
                        bar_h,
                        css,
                        f"{name} {when}",
                        f"{value:.1f}",
                        f"{left + length(value) + 4:.1f}",
                        y + offset + bar_h - 2,
                        f"{value:.1f}",
                    )
                    for offset, value, css, when in (
                        (0, before, " bar-0", "before"),
                        (bar_h + gap, after, "", "after"),
                    )
                ),
            )
        )
    return format_html(
        '<svg class="bars" viewBox="0 0 {} {}" role="img" aria-label="{}"><title>{}</title>'
        "{}</svg>",
        width,
        height,
        label,
        label,
        mark_safe("".join(parts)),  # noqa: S308 - each part built with format_html above
    )
