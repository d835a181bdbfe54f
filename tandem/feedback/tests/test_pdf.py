"""The report as a PDF: same numbers, same anonymity, charts drawn in the report's colours."""

from __future__ import annotations

import io
import re

import pytest
from django.test import Client
from django.urls import reverse
from pypdf import PdfReader

from tandem.core.svg import bar_chart, for_print
from tandem.feedback import services
from tandem.feedback.models import Comment, Response
from tandem.feedback.pdf import PdfUnavailable

# A rectangle filled in #2f6f62, the bars' colour (headings share the colour, but are text).
BRAND_BAR = re.compile(rb"0\.184314 0\.435294 0\.384314 rg\n(?:[^\n]*\n){0,5}?[-\d. ]+ re\nf\n")


def _answer(cycle, group: str, value: int, comment: str = "") -> None:
    keys = services.questionnaire_item_keys(cycle.questionnaire)
    Response.objects.create(cycle=cycle, group=group, answers=dict.fromkeys(keys, value))
    if comment:
        Comment(cycle=cycle, group=group, text=comment).save()


@pytest.fixture
def released(open_cycle, coach):
    _answer(open_cycle, "self", 5)
    for value in (3, 3, 4):
        _answer(open_cycle, "peer", value, comment=f"Peer says {value}")
    _answer(open_cycle, "manager", 1, comment="Only the manager")
    services.cycle_close(actor=coach, cycle=open_cycle)
    Comment.objects.update(review="approved")
    services.cycle_release(actor=coach, cycle=open_cycle)
    return open_cycle


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _pdf(response) -> tuple[str, bytes]:
    assert response.status_code == 200, response.content[:300]
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF-")
    reader = PdfReader(io.BytesIO(response.content))
    text = "\n".join(page.extract_text() for page in reader.pages)
    drawing = b"".join(
        contents.get_data()
        for page in reader.pages
        if (contents := page.get_contents()) is not None
    )
    return " ".join(text.split()), drawing


def test_coachee_downloads_the_released_report_with_its_charts(released, coachee):
    response = _client(coachee).get(reverse("cycle_report_pdf", args=[released.pk]))
    assert 'attachment; filename="360-baseline-' in response["Content-Disposition"]
    text, drawing = _pdf(response)
    assert "Baseline 360" in text and "this report is frozen" in text
    assert "Delegation by group" not in text  # the chart's <title> is not printed…
    assert "Peers" in text and "3.3" in text  # …but its labels and values are
    assert "Peer says 3" in text
    assert "Only the manager" not in text  # a group of one stays hidden in print too
    assert "Manager" not in text  # nor is it named as left out: that would say they answered
    assert BRAND_BAR.search(drawing)  # the bars are drawn in colour, not as black boxes


def test_coach_can_download_a_preview_before_release(open_cycle, coach):
    for value in (3, 4, 4):
        _answer(open_cycle, "peer", value)
    services.cycle_close(actor=coach, cycle=open_cycle)
    text, _ = _pdf(_client(coach).get(reverse("cycle_report_pdf", args=[open_cycle.pk])))
    assert "Preview, not yet released" in text


def test_the_sponsor_never_gets_the_pdf(released, sponsor):
    assert _client(sponsor).get(reverse("cycle_report_pdf", args=[released.pk])).status_code == 403


def test_an_open_cycle_has_no_pdf_yet(open_cycle, coach):
    response = _client(coach).get(reverse("cycle_report_pdf", args=[open_cycle.pk]))
    assert response.status_code == 302 and response.url == reverse(
        "cycle_detail", args=[open_cycle.pk]
    )


def test_missing_pdf_engine_is_explained_not_a_crash(released, coachee, monkeypatch):
    def unavailable(*args, **kwargs):
        raise PdfUnavailable("PDF export needs the Pango library on the server")

    monkeypatch.setattr("tandem.feedback.views.render_report_pdf", unavailable)
    client = _client(coachee)
    response = client.get(reverse("cycle_report_pdf", args=[released.pk]), follow=True)
    assert "needs the Pango library" in response.content.decode()


def test_print_charts_carry_their_own_style():
    svg = bar_chart([("Peers", 3.5)], label="Test")
    printed = str(for_print(svg))
    assert printed.startswith('<svg class="bars"') and "<style>" in printed
    assert printed.replace(
        printed[printed.index("<style>") : printed.index("</style>") + 8], ""
    ) == str(svg)
    assert str(for_print(bar_chart([], label="x"))).count("<style>") == 1
