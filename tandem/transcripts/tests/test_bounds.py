"""Bounded work: a transcript with too many speakers or turns is refused at once with a
message, and a large upload is analysed by the worker while the page shows progress."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from tandem.transcripts.analyser import TranscriptError, analyse
from tandem.transcripts.analyser.analysis import MAX_SPEAKERS, MAX_UTTERANCES
from tandem.transcripts.models import TranscriptAnalysis
from tandem.transcripts.services import BACKGROUND_BYTES, MAX_BYTES


def many_speakers(count: int) -> bytes:
    """The attack of the report: one short line per made-up speaker (60,000 → 1.9 MB)."""
    return "".join(f"S{i}: So, what is next now?\n" for i in range(count)).encode()


def conversation(turns: int) -> bytes:
    lines = []
    for i in range(turns):
        if i % 2 == 0:
            lines.append("Casey: What would you like to get out of the next step?\n")
        else:
            lines.append("Robin: I want to hand the Q3 plan to Dev and stop editing it.\n")
    return "".join(lines).encode()


def _upload(client, engagement, name, data):
    return client.post(
        reverse("analysis_list", args=[engagement.pk]), {"file": SimpleUploadedFile(name, data)}
    )


def test_sixty_thousand_speakers_are_refused_before_any_analysis():
    data = many_speakers(60_000)
    assert 1_700_000 < len(data) < MAX_BYTES  # passes the size cap, as in the report
    with pytest.raises(TranscriptError, match="60,000 different speakers"):
        analyse(data, filename="big.txt")


def test_too_many_turns_are_refused_with_a_way_forward():
    with pytest.raises(TranscriptError, match="Split the transcript"):
        analyse(conversation(MAX_UTTERANCES + 2), filename="long.txt")


def test_a_meeting_within_the_bounds_is_analysed():
    result = analyse(
        "".join(f"P{i % MAX_SPEAKERS}: What do you think?\n" for i in range(200)).encode(),
        filename="meeting.txt",
    )
    assert len(result.speakers) == MAX_SPEAKERS


@pytest.mark.django_db
def test_the_page_says_why_a_crowd_of_speakers_is_refused_and_stores_nothing(
    engagement, coach, django_capture_on_commit_callbacks
):
    client = Client()
    client.force_login(coach)
    with django_capture_on_commit_callbacks(execute=True):
        response = _upload(client, engagement, "big.txt", many_speakers(60_000))
    page = client.get(response["Location"]).content.decode()
    assert "different speakers" in page and "up to 20 people" in page
    assert TranscriptAnalysis.objects.get().status == TranscriptAnalysis.Status.FAILED
    assert TranscriptAnalysis.objects.get().transcript == ""  # nothing of it was kept


@pytest.mark.django_db
def test_a_large_upload_is_analysed_in_the_background_with_a_progress_page(
    engagement, coach, django_capture_on_commit_callbacks
):
    data = conversation(1_200)
    assert len(data) > BACKGROUND_BYTES
    client = Client()
    client.force_login(coach)
    with django_capture_on_commit_callbacks(execute=False) as queued:
        response = _upload(client, engagement, "long.txt", data)
    assert response.status_code == 302
    record = TranscriptAnalysis.objects.get()
    assert record.status == TranscriptAnalysis.Status.QUEUED and record.result == ""
    progress = client.get(response["Location"])
    assert "Analysing…" in progress.content.decode()
    assert '<meta http-equiv="refresh"' in progress.content.decode()
    assert (
        "Analysing" in client.get(reverse("analysis_list", args=[engagement.pk])).content.decode()
    )
    for callback in queued:  # the worker picks the task up
        callback()
    record.refresh_from_db()
    assert record.status == TranscriptAnalysis.Status.DONE and record.transcript == ""
    page = client.get(response["Location"]).content.decode()
    assert "What to try next time" in page and "refresh" not in page


@pytest.mark.django_db
def test_a_small_upload_is_still_analysed_at_once(engagement, coach):
    client = Client()
    client.force_login(coach)
    response = _upload(client, engagement, "short.txt", conversation(20))
    assert TranscriptAnalysis.objects.get().status == TranscriptAnalysis.Status.DONE
    assert "What to try next time" in client.get(response["Location"]).content.decode()
