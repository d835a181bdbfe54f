from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tandem.action_items import services
from tandem.action_items.models import ActionItem
from tandem.action_items.selectors import accountability_for, reflection_get_for, reflections_for
from tandem.coaching_sessions import services as session_services
from tandem.core.tests.world import held_session_with_action, plan_session


def test_done_closes_the_action(engagement, coachee):
    action = held_session_with_action(engagement)
    session = plan_session(engagement)
    services.checkin_record(actor=coachee, session=session, action=action, outcome="done")
    action.refresh_from_db()
    assert action.status == "done" and action.completed_at is not None


def test_partly_done_comes_back_at_the_next_session_by_itself(engagement, coach, coachee):
    action = held_session_with_action(engagement, days_ago=28)
    second = plan_session(engagement, hours_from_now=-24 * 14)
    services.checkin_record(
        actor=coachee,
        session=second,
        action=action,
        outcome="partly",
        what_happened="Did half",
        learned="Start earlier",
    )
    session_services.session_close(
        actor=coach, session=second, summary="", no_action=True, no_action_reason="Thinking time"
    )
    third = plan_session(engagement)
    pending = [item.action.pk for item in accountability_for(third) if item.checkin is None]
    assert pending == [action.pk]


def test_not_done_needs_a_word_on_what_happened(engagement, coachee):
    action = held_session_with_action(engagement)
    session = plan_session(engagement)
    with pytest.raises(ValidationError, match="what happened"):
        services.checkin_record(actor=coachee, session=session, action=action, outcome="not_done")


def test_actions_agreed_in_this_session_are_not_due_for_accountability_in_it(
    engagement, coach, coachee
):
    session = plan_session(engagement)
    action = services.action_create(
        actor=coach,
        engagement=engagement,
        session=session,
        title="Now",
        owner=coachee,
        due_date=None,
    )
    assert accountability_for(session) == []
    with pytest.raises(ValidationError, match="not due"):
        services.checkin_record(actor=coach, session=session, action=action, outcome="done")


def test_an_action_needs_a_real_owner_and_a_future_due_date(engagement, coach, sponsor):
    with pytest.raises(ValidationError, match="coachee or the coach"):
        services.action_create(
            actor=coach, engagement=engagement, title="x", owner=sponsor, due_date=None
        )
    with pytest.raises(ValidationError, match="in the past"):
        services.action_create(
            actor=coach,
            engagement=engagement,
            title="x",
            owner=coach,
            due_date=timezone.localdate() - dt.timedelta(days=1),
        )
    assert not ActionItem.objects.exists()


def test_coachee_adds_evidence_between_sessions(engagement, coachee):
    action = held_session_with_action(engagement)
    client = Client()
    client.force_login(coachee)
    later = timezone.localdate() + dt.timedelta(days=9)
    form = {
        "title": "Ask Dev what he would do",
        "due_date": later.isoformat(),
        "evidence": "Asked Dev on Tuesday",
        "status": "open",
        "version": action.version,
    }
    response = client.post(reverse("action_edit", args=[action.pk]), form)
    assert response.status_code == 302
    action.refresh_from_db()
    assert action.evidence == "Asked Dev on Tuesday"
    assert (action.title, action.due_date) == ("Ask Dev what he would do", later)


def test_an_action_cannot_lose_its_title(engagement, coachee):
    action = held_session_with_action(engagement)
    client = Client()
    client.force_login(coachee)
    form = {"title": "  ", "evidence": "", "status": "open", "version": action.version}
    response = client.post(reverse("action_edit", args=[action.pk]), form)
    assert response.status_code == 200
    assert "Say what the action is" in response.content.decode()
    assert ActionItem.objects.get(pk=action.pk).title == action.title


def test_action_page_shows_its_accountability_history(engagement, coach, coachee):
    action = held_session_with_action(engagement)
    session = plan_session(engagement, hours_from_now=-1)
    services.checkin_record(
        actor=coachee,
        session=session,
        action=action,
        outcome="partly",
        what_happened="Asked once, then answered myself",
        learned="I jump in when there is silence",
    )
    client = Client()
    client.force_login(coach)
    page = client.get(reverse("action_edit", args=[action.pk])).content.decode()
    assert "Partly done" in page and "I jump in when there is silence" in page


def test_session_page_opens_with_accountability(engagement, coach):
    action = held_session_with_action(engagement)
    session = plan_session(engagement)
    client = Client()
    client.force_login(coach)
    page = client.get(reverse("session_detail", args=[session.pk])).content.decode()
    assert "1. Accountability" in page
    assert action.title in page
    assert page.index("Accountability") < page.index("Agenda")


# --- reflections ------------------------------------------------------------------------


def _reflect(engagement, share):
    return services.reflection_create(
        actor=engagement.coachee,
        engagement=engagement,
        situation="Ops review",
        what_i_did="Asked first",
        what_happened="Heard",
        what_i_learned="Ask",
        share_with_coach=share,
    )


def test_reflections_are_private_to_their_author_unless_shared(engagement, coach, coachee, sponsor):
    private = _reflect(engagement, share=False)
    shared = _reflect(engagement, share=True)
    assert set(reflections_for(user=coachee, engagement=engagement)) == {private, shared}
    assert list(reflections_for(user=coach, engagement=engagement)) == [shared]
    assert list(reflections_for(user=sponsor, engagement=engagement)) == []
    with pytest.raises(Http404):
        reflection_get_for(user=coach, pk=private.pk)
    with pytest.raises(Http404):
        reflection_get_for(user=sponsor, pk=shared.pk)


def test_only_the_author_edits_a_reflection(engagement, coach):
    shared = _reflect(engagement, share=True)
    with pytest.raises(PermissionDenied):
        services.reflection_update(
            actor=coach,
            reflection=shared,
            expected_version=None,
            target=None,
            share_with_coach=True,
            situation="x",
            what_i_did="x",
            what_happened="x",
            what_i_learned="x",
        )


def test_unsharing_hides_it_from_the_coach_again(engagement, coach, coachee):
    shared = _reflect(engagement, share=True)
    services.reflection_update(
        actor=coachee,
        reflection=shared,
        expected_version=shared.version,
        target=None,
        share_with_coach=False,
        situation="a",
        what_i_did="b",
        what_happened="c",
        what_i_learned="d",
    )
    assert list(reflections_for(user=coach, engagement=engagement)) == []


def test_reflection_form_rejects_blank_fields_and_stores_nothing(engagement, coachee):
    client = Client()
    client.force_login(coachee)
    response = client.post(reverse("reflection_list", args=[engagement.pk]), {"situation": "x"})
    assert response.status_code == 422
    assert "This field is required" in response.content.decode()
    assert not engagement.reflections.exists()


def test_an_action_cannot_be_moved_into_the_past(engagement, coachee):
    action = held_session_with_action(engagement)
    client = Client()
    client.force_login(coachee)
    form = {
        "title": action.title,
        "due_date": "2020-01-01",
        "evidence": "",
        "status": "open",
        "version": action.version,
    }
    response = client.post(reverse("action_edit", args=[action.pk]), form)
    assert "The new due date is in the past" in response.content.decode()
    assert ActionItem.objects.get(pk=action.pk).due_date == action.due_date
