"""A script with a personal access token runs a whole session through the API, under the
same rules as the pages."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from tandem.accounts.tokens import token_create
from tandem.coaching_sessions.models import AgendaTopic, CoachingSession

API = "/api/v1"


def _client(user, scope="write"):
    secret = token_create(actor=user, name="script", scope=scope, days=30).secret
    return Client(headers={"authorization": f"Bearer {secret}"})


def test_a_token_runs_a_whole_session_and_two_writers_see_the_clash(engagement, coach, coachee):
    as_coach, as_coachee = _client(coach), _client(coachee)

    listed = as_coach.get(f"{API}/engagements").json()
    assert [e["id"] for e in listed["items"]] == [str(engagement.pk)]

    first_at = (timezone.now() + dt.timedelta(hours=1)).isoformat()
    planned = as_coach.post(
        f"{API}/engagements/{engagement.pk}/sessions",
        {"first_at": first_at, "count": 2, "allow_overlap": True},
        content_type="application/json",
    )
    assert planned.status_code == 201, planned.content
    session_id = planned.json()[0]["id"]
    assert len(planned.json()) == 2

    topic = as_coachee.post(
        f"{API}/sessions/{session_id}/topics",
        {"title": "Delegating the Q3 plan"},
        content_type="application/json",
    ).json()
    # Both read the topic, then each writes: the coach the goal, the coachee the reality.
    read = as_coach.get(f"{API}/sessions/{session_id}").json()["topics"][0]
    mine = {"version": read["version"], "basis": read["basis"]}
    saved = as_coach.put(
        f"{API}/topics/{topic['id']}/grow",
        {**mine, "goal": "Hand over the Q3 plan"},
        content_type="application/json",
    )
    assert saved.status_code == 200, saved.content
    merged = as_coachee.put(
        f"{API}/topics/{topic['id']}/grow",
        {**mine, "reality": "I edit every plan"},
        content_type="application/json",
    )
    assert merged.status_code == 200
    assert (merged.json()["goal"], merged.json()["reality"]) == (
        "Hand over the Q3 plan",
        "I edit every plan",
    )
    # Both change the goal from the same reading: the second is a clash, nothing saved.
    again = merged.json()
    as_coach.put(
        f"{API}/topics/{topic['id']}/grow",
        {"version": again["version"], "basis": again["basis"], "goal": "Let Dev own it"},
        content_type="application/json",
    )
    clash = as_coachee.put(
        f"{API}/topics/{topic['id']}/grow",
        {"version": again["version"], "basis": again["basis"], "goal": "Hand it over by May"},
        content_type="application/json",
    )
    assert clash.status_code == 409
    assert clash.json()["clashes"] == ["goal"]
    assert clash.json()["theirs"]["goal"] == "Let Dev own it"
    assert AgendaTopic.objects.get(pk=topic["id"]).goal == "Let Dev own it"

    action = as_coachee.post(
        f"{API}/sessions/{session_id}/actions",
        {"title": "Ask Dev which decisions he wants", "topic": topic["id"]},
        content_type="application/json",
    )
    assert action.status_code == 201, action.content
    assert action.json()["owner"]["id"] == coachee.pk

    CoachingSession.objects.filter(pk=session_id).update(scheduled_at=timezone.now())
    closed = as_coach.post(
        f"{API}/sessions/{session_id}/close",
        {"summary": "Agreed what Dev owns."},
        content_type="application/json",
    )
    assert closed.status_code == 200, closed.content
    assert closed.json()["status"] == "held"
    actions = as_coachee.get(f"{API}/engagements/{engagement.pk}/actions").json()
    assert [a["title"] for a in actions["items"]] == ["Ask Dev which decisions he wants"]


def test_without_credentials_the_api_answers_401(engagement):
    response = Client().get(f"{API}/engagements/{engagement.pk}")
    assert response.status_code == 401
    assert "Bearer" in response.json()["detail"]


def test_a_revoked_or_expired_token_is_refused(engagement, coach):
    from tandem.accounts.models import AccessToken
    from tandem.accounts.tokens import token_revoke

    created = token_create(actor=coach, name="old", scope="read", days=7)
    headers = {"authorization": f"Bearer {created.secret}"}
    assert Client(headers=headers).get(f"{API}/engagements").status_code == 200
    AccessToken.objects.filter(pk=created.token.pk).update(
        expires_at=timezone.now() - dt.timedelta(seconds=1)
    )
    assert Client(headers=headers).get(f"{API}/engagements").status_code == 401
    fresh = token_create(actor=coach, name="new", scope="read", days=7)
    token_revoke(actor=coach, token=fresh.token)
    headers = {"authorization": f"Bearer {fresh.secret}"}
    assert Client(headers=headers).get(f"{API}/engagements").status_code == 401


def test_a_read_only_token_may_not_write(engagement, coach):
    client = _client(coach, scope="read")
    response = client.post(
        f"{API}/engagements/{engagement.pk}/sessions",
        {"first_at": timezone.now().isoformat(), "count": 1},
        content_type="application/json",
    )
    assert response.status_code == 403
    assert "only read" in response.json()["detail"]
    assert not CoachingSession.objects.filter(engagement=engagement).exists()


def test_bad_input_gets_the_forms_own_words_and_nothing_is_stored(engagement, coach):
    response = _client(coach).post(
        f"{API}/engagements/{engagement.pk}/sessions",
        {"first_at": timezone.now().isoformat(), "count": 40, "allow_overlap": True},
        content_type="application/json",
    )
    assert response.status_code == 422
    assert response.json()["errors"]["count"] == ["Ensure this value is less than or equal to 12."]
    assert not CoachingSession.objects.filter(engagement=engagement).exists()


def test_the_sponsor_sees_the_sessions_dates_but_not_their_notes(engagement, sponsor):
    from tandem.core.tests.world import plan_session

    session = plan_session(engagement)
    client = _client(sponsor)
    listed = client.get(f"{API}/engagements/{engagement.pk}/sessions")
    assert [s["id"] for s in listed.json()["items"]] == [str(session.pk)]
    assert client.get(f"{API}/sessions/{session.pk}").status_code == 403


def test_an_outsider_learns_nothing_exists(engagement, outsider):
    from tandem.core.tests.world import plan_session

    session = plan_session(engagement)
    client = _client(outsider)
    assert client.get(f"{API}/engagements/{engagement.pk}").status_code == 404
    assert client.get(f"{API}/sessions/{session.pk}").status_code == 404
    assert client.get(f"{API}/engagements").json()["items"] == []


def test_the_browser_session_must_send_the_csrf_token_to_write(engagement, coach):
    client = Client(enforce_csrf_checks=True)
    client.force_login(coach)
    assert client.get(f"{API}/engagements").status_code == 200
    body = {"first_at": timezone.now().isoformat(), "count": 1, "allow_overlap": True}
    refused = client.post(
        f"{API}/engagements/{engagement.pk}/sessions", body, content_type="application/json"
    )
    assert refused.status_code == 403
    client.get("/settings/")  # any page sets the CSRF cookie
    csrf = client.cookies["csrftoken"].value
    planned = client.post(
        f"{API}/engagements/{engagement.pk}/sessions",
        body,
        content_type="application/json",
        headers={"x-csrftoken": csrf},
    )
    assert planned.status_code == 201, planned.content


@pytest.mark.parametrize("per_page", [1, 2])
def test_lists_page_and_filter_by_updated_since(engagement, coach, per_page):
    from tandem.core.tests.world import plan_session

    sessions = [plan_session(engagement, hours_from_now=24 * d) for d in (1, 2, 3)]
    client = _client(coach)
    url = f"{API}/engagements/{engagement.pk}/sessions"
    seen, page = [], 1
    while True:
        body = client.get(url, {"page": page, "per_page": per_page}).json()
        seen += [s["id"] for s in body["items"]]
        if not body["has_next"]:
            break
        page += 1
    assert seen == [str(s.pk) for s in sessions]
    later = timezone.now()
    CoachingSession.objects.filter(pk=sessions[1].pk).update(updated_at=later)
    changed = client.get(url, {"updated_since": later.isoformat()}).json()["items"]
    assert [s["id"] for s in changed] == [str(sessions[1].pk)]


def test_a_body_of_the_wrong_shape_is_422_in_the_same_form(engagement, coach):
    response = _client(coach).post(
        f"{API}/engagements/{engagement.pk}/sessions",
        {"first_at": "next Monday", "count": "two"},
        content_type="application/json",
    )
    assert response.status_code == 422
    assert set(response.json()["errors"]) == {"first_at", "count"}
    assert "count" in response.json()["detail"]


def test_a_time_no_calendar_can_hold_and_a_page_past_the_end_are_refused_not_crashed(
    engagement, coach
):
    from tandem.core.tests.world import plan_session

    session = plan_session(engagement, hours_from_now=2)
    client = _client(coach)
    moved = client.post(
        f"{API}/sessions/{session.pk}/reschedule",
        {"scheduled_at": "0001-01-01T00:00:00Z", "duration_minutes": 60},
        content_type="application/json",
    )
    assert moved.status_code == 422
    assert "1900" in moved.json()["errors"]["scheduled_at"][0]
    far = client.get(f"{API}/engagements/{engagement.pk}/actions", {"page": 2**62})
    assert far.status_code == 422
