"""Export (GDPR Art. 15/20): a ZIP of JSON and PDFs, prepared by the worker, downloadable by
its owner until the link expires — and never holding what its owner may not see."""

from __future__ import annotations

import datetime as dt
import io
import json
import zipfile

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tandem.action_items import services as actions
from tandem.coaching_sessions import services as sessions
from tandem.core.tests.world import build_world, held_session_with_action, plan_session
from tandem.feedback import services as feedback
from tandem.feedback.models import Comment, Response
from tandem.privacy.export import EXPORT_TTL
from tandem.privacy.models import DataExport


def notes_only(engagement):
    """build_world without its 360 round (these tests release their own)."""
    coach, coachee = engagement.coach, engagement.coachee
    action = held_session_with_action(engagement)
    session = plan_session(engagement)
    topic = sessions.agenda_topic_add(actor=coachee, session=session, title="Delegating Q3")
    sessions.grow_topic_update(
        actor=coach,
        topic=topic,
        goal="Hand over Q3 planning",
        reality="I still edit every plan",
        will="",
        expected_version=None,
    )
    actions.reflection_create(
        actor=coachee,
        engagement=engagement,
        target=None,
        situation="Ops review",
        what_i_did="Asked a question first",
        what_happened="They listened",
        what_i_learned="Questions open doors",
        share_with_coach=True,
    )
    sessions.private_note_save(
        actor=coach, session=session, body="Seems tired.", expected_version=None
    )
    return action


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def ask(django_capture_on_commit_callbacks):
    """Press "Prepare my copy" (the worker runs at once in tests, after the commit)."""

    def press(client: Client) -> None:
        with django_capture_on_commit_callbacks(execute=True):
            client.post(reverse("data_export"))

    return press


def _download(client: Client, ask) -> tuple[dict, zipfile.ZipFile, bytes]:
    ask(client)
    export = DataExport.objects.filter(person_id=client.session["_auth_user_id"]).first()
    assert export is not None and export.state == DataExport.State.READY
    page = client.get(reverse("data_export")).content.decode()
    url = reverse("data_export_download", args=[export.pk])
    assert url in page
    response = client.get(url)
    assert response.status_code == 200 and response["Content-Type"] == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    document = json.loads(archive.read("tandem-export.json"))
    return document, archive, response.content


@pytest.fixture
def released(open_cycle, coach):
    keys = feedback.questionnaire_item_keys(open_cycle.questionnaire)
    Response.objects.create(cycle=open_cycle, group="self", answers=dict.fromkeys(keys, 5))
    for value in (2, 3, 4):
        Response.objects.create(cycle=open_cycle, group="peer", answers=dict.fromkeys(keys, value))
        Comment(cycle=open_cycle, group="peer", text=f"Peer comment {value}").save()
    Response.objects.create(cycle=open_cycle, group="manager", answers=dict.fromkeys(keys, 1))
    Comment(cycle=open_cycle, group="manager", text="CANARY lone manager").save()
    feedback.cycle_close(actor=coach, cycle=open_cycle)
    for comment in Comment.objects.all():
        withheld = comment.text == "Peer comment 2"
        Comment.objects.filter(pk=comment.pk).update(review="withheld" if withheld else "approved")
    feedback.cycle_release(actor=coach, cycle=open_cycle)
    return open_cycle


def test_the_coachee_gets_their_engagement_notes_reflections_and_released_360_with_pdf(
    engagement, released, coach, coachee, ask
):
    action = notes_only(engagement)
    document, archive, raw = _download(_client(coachee), ask)

    assert document["you"]["email"] == coachee.email
    (mine,) = document["engagements"]
    assert mine["your_roles"] == ["coachee"]
    assert mine["your_reflections"][0]["what_i_learned"] == "Questions open doors"
    topics = [t["goal"] for s in mine["sessions"] for t in s["topics"]]
    assert "Hand over Q3 planning" in topics
    assert any(a["title"] == action.title for a in mine["actions"])
    (report,) = mine["feedback_360_reports"]
    assert report["pdf"] in archive.namelist()
    assert archive.read(report["pdf"]).startswith(b"%PDF-")
    text = json.dumps(document)
    assert "Peer comment 3" in text  # approved comments are part of the released report

    # Canaries: what the coachee may never see.
    assert b"Seems tired." not in raw and "Seems tired." not in text  # the coach's private note
    assert "CANARY lone manager" not in text  # a hidden group's comment
    assert "Peer comment 2" not in text  # a withheld comment
    assert mine["your_private_notes"] == []


def test_the_coach_gets_their_private_notes_but_not_unshared_reflections_or_the_raw_360(
    engagement, released, coach, coachee, ask
):
    notes_only(engagement)
    actions.reflection_create(
        actor=coachee,
        engagement=engagement,
        target=None,
        situation="CANARY unshared situation",
        what_i_did="x",
        what_happened="y",
        what_i_learned="CANARY unshared lesson",
        share_with_coach=False,
    )
    document, archive, _ = _download(_client(coach), ask)
    (mine,) = document["engagements"]
    assert mine["your_roles"] == ["coach"]
    assert [n["note"] for n in mine["your_private_notes"]] == ["Seems tired."]
    text = json.dumps(document)
    assert "CANARY unshared" not in text
    assert "CANARY lone manager" not in text
    assert mine["feedback_360_reports"] == []  # reports are released to the coachee
    assert archive.namelist() == ["tandem-export.json"]


def test_the_sponsor_gets_dates_and_approved_summaries_only(engagement, sponsor, ask):
    build_world(engagement)
    document, _, _ = _download(_client(sponsor), ask)
    (mine,) = document["engagements"]
    assert mine["your_roles"] == ["sponsor"]
    assert "sessions" not in mine and "targets" not in mine  # not yet put to him
    text = json.dumps(document)
    for canary in ("Seems tired.", "Questions open doors", "Hand over Q3 planning"):
        assert canary not in text


def test_the_link_expires_and_the_file_goes(engagement, coachee, tmp_path, settings, ask):
    settings.DATA_DIR = tmp_path
    client = _client(coachee)
    ask(client)
    export = DataExport.objects.get(person=coachee)
    assert list((tmp_path / "exports").iterdir())
    sealed = next((tmp_path / "exports").iterdir()).read_bytes()
    assert coachee.email.encode() not in sealed  # kept sealed on disk
    url = reverse("data_export_download", args=[export.pk])
    with time_machine.travel(timezone.now() + EXPORT_TTL + dt.timedelta(minutes=1)):
        client = _client(coachee)  # two days idle ended the old session: sign in again
        answer = client.get(url, follow=True)
    assert "That link has expired" in answer.content.decode()
    export.refresh_from_db()
    assert export.state == DataExport.State.EXPIRED
    assert not list((tmp_path / "exports").iterdir())


def test_nobody_else_can_download_someones_export(engagement, coachee, coach, ask):
    ask(_client(coachee))
    export = DataExport.objects.get(person=coachee)
    answer = _client(coach).get(reverse("data_export_download", args=[export.pk]))
    assert answer.status_code == 404
