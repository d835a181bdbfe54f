"""The 360 report as a PDF (WeasyPrint), from the same template and numbers as the page.

WeasyPrint is imported on first use: it loads Pango through cffi, which only this download
needs. It is given a fetcher that allows ``data:`` URLs only, so a rendered report can never
reach the network or the file system, whatever text raters wrote.
"""

from __future__ import annotations

from typing import Any

from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.text import slugify

from tandem.core.svg import for_print
from tandem.feedback.models import FeedbackCycle


class PdfUnavailable(RuntimeError):
    """The PDF engine cannot run here (Pango missing); the message says what to install."""


def report_filename(cycle: FeedbackCycle) -> str:
    day = (cycle.released_at or timezone.now()).date().isoformat()
    who = slugify(cycle.engagement.coachee.full_name) or "coachee"
    return f"360-{cycle.kind}-{who}-{day}.pdf"


def render_report_pdf(cycle: FeedbackCycle, context: dict[str, Any]) -> bytes:
    """``context`` is ``report_context(report)``; charts are restyled for print."""
    try:
        from weasyprint import HTML
        from weasyprint.urls import URLFetcher
    except OSError as exc:  # cffi could not load libpango
        raise PdfUnavailable(
            "PDF export needs the Pango library on the server "
            "(Debian/Ubuntu: apt-get install libpango-1.0-0 libpangoft2-1.0-0)."
        ) from exc
    charts = [{**c, "svg": for_print(c["svg"])} for c in context["charts"]]
    html = render_to_string(
        "feedback/report_pdf.html",
        {
            **context,
            "charts": charts,
            "cycle": cycle,
            "engagement": cycle.engagement,
            "generated": timezone.now(),
        },
    )
    fetcher = URLFetcher(allowed_protocols={"data"})
    pdf: bytes = HTML(string=html, url_fetcher=fetcher).write_pdf()
    return pdf
