"""CSV exports of the programme dashboard and its engagement list.

Same rules as the pages: a figure the page hides is "not shown" in the file too; the list
carries dates, status and counts, never content. Streamed row by row, so a programme of
10,000 engagements never sits in memory; text a person typed (names, titles, cohorts) is
kept from being read as a spreadsheet formula.
"""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Iterable, Iterator
from typing import Any

from django.http import StreamingHttpResponse
from django.utils import timezone
from django.utils.text import slugify

from tandem.accounts.models import Programme
from tandem.programmes.dashboard_types import Dashboard, Figure, FilterOptions, Filters
from tandem.programmes.engagement_list import ListRow

# A cell starting with one of these is a formula to Excel, LibreOffice and Google Sheets
# ("=HYPERLINK(…)" in a name would run when the file is opened).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n")


def csv_text(value: object) -> str:
    """Text typed by a person, made safe for a spreadsheet: a leading apostrophe keeps a
    would-be formula as text (OWASP's advice for CSV injection)."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


class _Echo:
    def write(self, value: str) -> str:
        return value


def stream_csv(rows: Iterable[list[Any]], *, filename: str) -> StreamingHttpResponse:
    writer = csv.writer(_Echo())

    def lines() -> Iterator[str]:
        yield "\ufeff"  # so Excel reads the file as UTF-8
        for row in rows:
            yield writer.writerow(row)

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    return response


def export_filename(programme: Programme, what: str, today: dt.date | None = None) -> str:
    today = today or timezone.localdate()
    return f"{slugify(programme.name) or 'programme'}-{what}-{today.isoformat()}.csv"


def describe_filters(filters: Filters, options: FilterOptions) -> str:
    parts = []
    if filters.training is not None:
        parts.append("took the training first" if filters.training else "did not take the training")
    if filters.cohort:
        parts.append(f"cohort {filters.cohort}")
    if filters.coach:
        names = dict(options.coaches)
        parts.append(f"coach {names.get(filters.coach, filters.coach)}")
    return "; ".join(parts) or "none (the whole programme)"


def _figure(section: str, name: str, figure: Figure, note: str = "") -> list[Any]:
    if not figure.shown:
        return [section, name, figure.hidden_text, "", ""]
    return [section, name, figure.text, figure.n, "; ".join(p for p in (figure.detail, note) if p)]


STEPS = "moves in steps of five engagements"


def dashboard_rows(dashboard: Dashboard, options: FilterOptions) -> Iterator[list[Any]]:
    yield ["Programme", csv_text(dashboard.programme.name)]
    yield ["Filters", csv_text(describe_filters(dashboard.filters, options))]
    yield ["Exported", timezone.localtime().strftime("%Y-%m-%d %H:%M")]
    yield []
    yield ["Section", "Figure", "Value", "Engagements behind it", "Note"]
    yield ["Engagements", "All", dashboard.engagements, dashboard.engagements, ""]
    for status in dashboard.by_status:
        yield ["Engagements", status.label, status.n, status.n, ""]
    yield ["Sessions", "Held", dashboard.sessions_held, dashboard.engagements, ""]
    yield ["Sessions", "Planned, not yet held", dashboard.sessions_ahead, dashboard.engagements, ""]
    yield ["Sessions", "In the contracts", dashboard.sessions_contracted, dashboard.engagements, ""]
    yield _figure("Sessions", "Held sessions ending with an action", dashboard.action_share)
    yield _figure("360 feedback", "Response rate of finished rounds", dashboard.response_rate)
    yield _figure("Session feedback", "Mean usefulness (1–5)", dashboard.feedback, STEPS)
    yield _figure("Outcomes", "Mean GAS T-score at close", dashboard.t_score, STEPS)
    yield _figure(
        "Outcomes",
        "Targets with a reliable improvement in the closing 360",
        dashboard.reliable,
        STEPS,
    )
    for row in dashboard.competencies:
        for when, value in (("before", row.before), ("after", row.after)):
            name = f"{row.name}: {when}"
            if row.hidden or value is None:
                yield ["Competencies", name, row.hidden_text, "", ""]
            else:
                yield ["Competencies", name, f"{value:.2f}", row.n, STEPS]
    for theme in dashboard.themes:
        if theme.hidden:
            yield ["Coaching themes", theme.label, theme.hidden_text, "", ""]
        else:
            yield ["Coaching themes", theme.label, theme.targets, theme.engagements, "targets"]
    yield ["Stalled engagements", "Stalled", dashboard.stalled_total, dashboard.stalled_total, ""]


ENGAGEMENT_HEADER = [
    "Engagement",
    "Coachee",
    "Coach",
    "Cohort",
    "Took the training first",
    "Status",
    "Start",
    "End",
    "Sessions held",
    "Sessions planned, not yet held",
    "Sessions in the contract",
    "Last session held",
    "Stalled",
]
TRAINING_TEXT = {True: "yes", False: "no", None: "not recorded"}


def engagement_csv_rows(rows: Iterable[ListRow]) -> Iterator[list[Any]]:
    yield ENGAGEMENT_HEADER
    for row in rows:
        yield [
            csv_text(row.title),
            csv_text(row.coachee),
            csv_text(row.coach),
            csv_text(row.cohort),
            TRAINING_TEXT[row.after_training],
            row.status_label,
            row.start_date.isoformat(),
            row.end_date.isoformat() if row.end_date else "",
            row.held,
            row.ahead,
            row.planned_sessions,
            timezone.localtime(row.last_held).date().isoformat() if row.last_held else "",
            str(row.stall) if row.stall else "",
        ]
