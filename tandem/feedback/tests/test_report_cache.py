"""A released report is frozen: its page body is rendered once per version and its PDF is
made once and then served from storage, sealed — while access is checked on every request."""

from __future__ import annotations

import pytest
from django.core.files.storage import default_storage
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tandem.feedback import services
from tandem.feedback.models import Comment, Response


@pytest.fixture
def released(open_cycle, coach):
    keys = services.questionnaire_item_keys(open_cycle.questionnaire)
    for group, value in [("self", 5), ("peer", 3), ("peer", 3), ("peer", 4)]:
        Response.objects.create(cycle=open_cycle, group=group, answers=dict.fromkeys(keys, value))
        if group == "peer":
            Comment(cycle=open_cycle, group=group, text=f"Canary peer {value}").save()
    services.cycle_close(actor=coach, cycle=open_cycle)
    Comment.objects.update(review="approved")
    services.cycle_release(actor=coach, cycle=open_cycle)
    open_cycle.refresh_from_db()
    return open_cycle


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_pdf_is_made_once_then_served_sealed_from_storage(released, coachee, coach, monkeypatch):
    url = reverse("cycle_report_pdf", args=[released.pk])
    first = _client(coachee).get(url)
    assert first.status_code == 200 and first.content.startswith(b"%PDF-")
    stored = f"reports/{released.pk}-v{released.version}.pdf.sealed"
    assert default_storage.exists(stored)
    with default_storage.open(stored, "rb") as f:
        raw = f.read()
    assert b"%PDF" not in raw and b"Canary" not in raw  # sealed at rest

    def made_again(*args, **kwargs):
        raise AssertionError("the PDF of a released report was rendered twice")

    monkeypatch.setattr("tandem.feedback.views.render_report_pdf", made_again)
    again = _client(coach).get(url)
    assert again.content == first.content


def test_report_page_is_rendered_once_and_still_checked_per_request(
    released, coachee, coach, sponsor, outsider
):
    url = reverse("cycle_report", args=[released.pk])
    page = _client(coachee).get(url).content.decode()
    assert "Canary peer 3" in page
    client = _client(coach)
    client.get(url)
    with CaptureQueriesContext(connection) as ctx:
        cached = client.get(url).content.decode()
    assert "Canary peer 3" in cached
    assert not [q for q in ctx.captured_queries if "feedback_response" in q["sql"]]
    # The cached body is no way round the access check.
    assert _client(outsider).get(url).status_code == 404
    assert "Canary" not in _client(sponsor).get(url).content.decode()
