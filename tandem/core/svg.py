"""Small server-side SVG charts: no JavaScript, no CDN, and they print in PDFs too."""

from __future__ import annotations

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe


def line_chart(
    points: list[tuple[int, float]],
    *,
    y_min: float,
    y_max: float,
    label: str,
    threshold: float | None = None,
    width: int = 320,
    height: int = 120,
) -> SafeString:
    """A line over numbered points (x = 1, 2, 3…), with an optional dashed threshold line."""
    if not points:
        return mark_safe("")
    pad_l, pad_r, pad_t, pad_b = 28, 10, 10, 22
    inner_w, inner_h = width - pad_l - pad_r, height - pad_t - pad_b
    x_max = max(x for x, _ in points)
    span_x = max(x_max - 1, 1)

    def sx(x: float) -> float:
        return pad_l + (x - 1) / span_x * inner_w if x_max > 1 else pad_l + inner_w / 2

    def sy(y: float) -> float:
        return pad_t + (y_max - y) / (y_max - y_min) * inner_h

    coords = " ".join(f"{sx(x):.1f},{sy(y):.1f}" for x, y in points)
    dots = format_html_join(
        "",
        '<circle cx="{}" cy="{}" r="3.5" class="dot"><title>Session {}: {}</title></circle>',
        ((f"{sx(x):.1f}", f"{sy(y):.1f}", x, f"{y:.1f}") for x, y in points),
    )
    x_labels = format_html_join(
        "",
        '<text x="{}" y="{}" class="axis" text-anchor="middle">{}</text>',
        ((f"{sx(x):.1f}", height - 6, x) for x, _ in points),
    )
    rule = (
        format_html(
            '<line x1="{}" x2="{}" y1="{}" y2="{}" class="threshold"/>'
            '<text x="{}" y="{}" class="axis">{}</text>',
            pad_l,
            width - pad_r,
            f"{sy(threshold):.1f}",
            f"{sy(threshold):.1f}",
            2,
            f"{sy(threshold) + 4:.1f}",
            f"{threshold:g}",
        )
        if threshold is not None
        else ""
    )
    return format_html(
        '<svg class="chart" viewBox="0 0 {w} {h}" role="img" aria-label="{label}">'
        "<title>{label}</title>"
        '<text x="2" y="{top}" class="axis">{ymax}</text>'
        '<text x="2" y="{bottom}" class="axis">{ymin}</text>'
        '{rule}<polyline points="{coords}" class="line"/>{dots}{xl}</svg>',
        w=width,
        h=height,
        label=label,
        top=pad_t + 4,
        bottom=pad_t + inner_h,
        ymax=f"{y_max:g}",
        ymin=f"{y_min:g}",
        rule=rule,
        coords=coords,
        dots=dots,
        xl=x_labels,
    )


def bar_chart(
    rows: list[tuple[str, float | None]],
    *,
    low: float = 1,
    high: float = 5,
    label: str,
    width: int = 360,
) -> SafeString:
    """Horizontal bars on a fixed scale (1–5 for 360 ratings); a missing value says so."""
    bar_h, gap, left = 16, 6, 130
    height = len(rows) * (bar_h + gap) + 4
    inner = width - left - 40
    bars = []
    for index, (name, value) in enumerate(rows):
        y = index * (bar_h + gap) + 2
        if value is None:
            bars.append(
                format_html(
                    '<text x="0" y="{}" class="axis-label">{}</text>'
                    '<text x="{}" y="{}" class="axis">not shown</text>',
                    y + 12,
                    name,
                    left,
                    y + 12,
                )
            )
            continue
        w = max((value - low) / (high - low), 0) * inner
        bars.append(
            format_html(
                '<text x="0" y="{}" class="axis-label">{}</text>'
                '<rect x="{}" y="{}" width="{}" height="{}" class="bar bar-{}"/>'
                '<text x="{}" y="{}" class="value">{}</text>',
                y + 12,
                name,
                left,
                y,
                f"{w:.1f}",
                bar_h,
                index % 6,
                f"{left + w + 4:.1f}",
                y + 12,
                f"{value:.1f}",
            )
        )
    return format_html(
        '<svg class="bars" viewBox="0 0 {} {}" role="img" aria-label="{}">'
        "<title>{}</title>{}</svg>",
        width,
        height,
        label,
        label,
        mark_safe("".join(bars)),  # noqa: S308 - each part built with format_html above
    )


# The app's stylesheet reaches inline SVG in a browser but not in a PDF renderer, so a chart
# bound for print carries its own colours and type sizes (the values of app.css).
PRINT_STYLE = (
    "<style>"
    "text{font-family:DejaVu Sans,sans-serif}"
    ".axis,.value{font-size:10px;fill:#5f6b67}.axis-label{font-size:11px;fill:#1d2623}"
    ".bar{fill:#2f6f62}.bar-0{fill:#d08a2e}"
    ".line{fill:none;stroke:#2f6f62;stroke-width:2.5}.dot{fill:#d08a2e}"
    ".threshold{stroke:#5f6b67;stroke-dasharray:4 3}"
    "</style>"
)


def for_print(svg: SafeString) -> SafeString:
    """The same chart with its style inside it, for WeasyPrint (which ignores page CSS in SVG)."""
    head, sep, rest = str(svg).partition(">")
    if not sep or not head.startswith("<svg"):
        return mark_safe(svg)  # noqa: S308 - an empty chart: nothing to style
    return mark_safe(f"{head}>{PRINT_STYLE}{rest}")  # noqa: S308 - svg came from our builders
