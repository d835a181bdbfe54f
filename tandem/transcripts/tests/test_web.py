"""The analyser on an engagement: upload, report page, what is (not) stored, who sees it."""

from __future__ import annotations

import json
from pathlib import Path

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from tandem.transcripts.models import TranscriptAnalysis

FIXTURES = Path(__file__).parent / "fixtures"


def _upload(client, engagement, name, data, **extra):
    return client.post(
        reverse("analysis_list", args=[engagement.pk]),
        {"file": SimpleUploadedFile(name, data), **extra},
    )


def test_coach_uploads_a_zoom_transcript_and_sees_the_report(engagement, coach):
    vtt = next(FIXTURES.glob("*zoom*.vtt")).read_bytes()
    client = Client()
    client.force_login(coach)
    response = _upload(client, engagement, "weekly.vtt", vtt)
    assert response.status_code == 302
    record = TranscriptAnalysis.objects.get()
    assert not record.kept and record.transcript == ""
    stored = json.loads(record.result)
    assert all(u["text"] is None for u in stored["utterances"])  # what was said is not kept
    page = client.get(response["Location"]).content.decode()
    assert 'class="timeline"' in page and "What to try next time" in page
    assert str(record.coaching_score) in page
    assert "Open question" in page and "open_question" not in page  # labels read as words


CLOSED = (
    "Casey: Did you finish the vendor contract for Acme Widgets?\n"
    "Robin: Not yet.\n"
    "Casey: Is legal looking at the Acme Widgets terms?\n"
    "Robin: Yes.\n"
    "Casey: Will it be done by Friday?\n"
    "Robin: Probably.\n"
    "Casey: Can you send me the draft today?\n"
    "Robin: Sure.\n"
)


def test_without_keep_no_words_are_stored_not_even_quoted_in_a_suggestion(engagement, coach):
    client = Client()
    client.force_login(coach)
    response = _upload(client, engagement, "checkin.txt", CLOSED.encode())
    record = TranscriptAnalysis.objects.get()
    assert "Acme Widgets" not in record.result
    assert "Acme Widgets" not in client.get(response["Location"]).content.decode()
    assert "were closed" in record.result  # the advice is there, without the quote
    kept = _upload(client, engagement, "checkin.txt", CLOSED.encode(), keep="on")
    assert "Acme Widgets" in client.get(kept["Location"]).content.decode()


def test_keeping_the_transcript_keeps_the_words(engagement, coachee):
    text = b"Casey: What would make this week a success for you?\nLee: Shipping the plan.\n"
    client = Client()
    client.force_login(coachee)
    _upload(client, engagement, "notes.txt", text, keep="on", coach="Casey")
    record = TranscriptAnalysis.objects.get()
    assert record.kept and "Shipping the plan" in record.transcript
    page = client.get(reverse("analysis_detail", args=[record.pk])).content.decode()
    assert "Shipping the plan" in page


def test_a_bad_file_gets_a_message_naming_it_and_nothing_is_stored(engagement, coach):
    client = Client()
    client.force_login(coach)
    response = _upload(client, engagement, "minutes.txt", b"just some notes\nwithout speakers\n")
    assert response.status_code == 422
    assert "minutes.txt" in response.content.decode()
    assert not TranscriptAnalysis.objects.exists()


def test_sponsor_cannot_see_analyses(engagement, coach, sponsor):
    client = Client()
    client.force_login(coach)
    _upload(client, engagement, "a.txt", b"Casey: How did it go?\nLee: Fine.\n")
    record = TranscriptAnalysis.objects.get()
    client.force_login(sponsor)
    assert client.get(reverse("analysis_detail", args=[record.pk])).status_code == 403
    assert client.get(reverse("analysis_list", args=[engagement.pk])).status_code == 403


def test_a_wrong_coach_name_is_reported_next_to_the_coach_field(engagement, coach):
    client = Client()
    client.force_login(coach)
    vtt = next(FIXTURES.glob("*zoom*.vtt")).read_bytes()
    response = client.post(
        reverse("analysis_list", args=[engagement.pk]),
        {"file": SimpleUploadedFile("talk.vtt", vtt), "coach": "Nobody"},
    )
    assert response.status_code == 422
    assert response.context["form"].errors["coach"][0].startswith("there is no speaker called")
    assert "file" not in response.context["form"].errors
    assert not TranscriptAnalysis.objects.exists()
