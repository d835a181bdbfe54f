"""The coachee rates a held session; only aggregates reach anyone else."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test import Client
from django.urls import reverse

from tandem.coaching_sessions.feedback import session_feedback_give
from tandem.coaching_sessions.models import SessionFeedback
from tandem.core.tests.world import held_session_with_action, plan_session


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_coachee_rates_a_held_session_and_only_they_see_it(engagement, coach, coachee):
    held = held_session_with_action(engagement).session
    url = reverse("session_detail", args=[held.pk])
    response = _client(coachee).post(
        reverse("session_feedback", args=[held.pk]),
        {"usefulness": "4", "word": "CANARY-WORD clarifying"},
        follow=True,
    )
    page = response.content.decode()
    assert "You rated it <strong>4 of 5</strong>" in page and "CANARY-WORD" in page
    coach_page = _client(coach).get(url).content.decode()
    assert "CANARY-WORD" not in coach_page and "You rated it" not in coach_page
    assert "How useful was this session" not in coach_page
    with connection.cursor() as cursor:  # the word is sealed at rest
        cursor.execute("SELECT word FROM coaching_sessions_sessionfeedback")
        assert "CANARY-WORD" not in cursor.fetchone()[0]
    # A second rating changes the first, it does not add one.
    _client(coachee).post(reverse("session_feedback", args=[held.pk]), {"usefulness": "5"})
    assert SessionFeedback.objects.get(session=held).usefulness == 5


def test_only_held_coaching_sessions_are_rated_by_their_coachee(engagement, coach, coachee):
    planned = plan_session(engagement, hours_from_now=48)
    with pytest.raises(ValidationError, match="once it has been held"):
        session_feedback_give(actor=coachee, session=planned, usefulness=4)
    held = held_session_with_action(engagement).session
    with pytest.raises(PermissionDenied):
        session_feedback_give(actor=coach, session=held, usefulness=5)
    assert (
        _client(coach)
        .post(reverse("session_feedback", args=[held.pk]), {"usefulness": "5"})
        .status_code
        == 403
    )
    response = _client(coachee).post(
        reverse("session_feedback", args=[held.pk]), {"usefulness": "9"}, follow=True
    )
    assert "Choose from 1 (not useful) to 5 (very useful)." in response.content.decode()
    assert not SessionFeedback.objects.exists()
