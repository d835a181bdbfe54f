"""Every API operation × every role, generated from the OpenAPI schema.

A new operation fails ``test_every_operation_has_an_expected_outcome`` until someone decides
who may use it. Each case signs in with a personal access token (read and write), so this is
also the proof that a token acts as its person: never more.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client

from tandem.accounts.tokens import token_create
from tandem.api import api
from tandem.coaching_sessions import services as sessions
from tandem.core.tests.world import plan_session

ROLES = ["anonymous", "outsider", "coachee", "coach", "sponsor", "programme_admin"]
PARTICIPANTS = ("coachee", "coach", "sponsor", "programme_admin")
OK, DENIED, HIDDEN, UNAUTHENTICATED = "ok", 403, 404, 401


def allow(*roles: str) -> dict[str, object]:
    """The named roles succeed, other participants 403, outsiders 404, no credentials 401."""
    outcome: dict[str, object] = {"anonymous": UNAUTHENTICATED, "outsider": HIDDEN}
    for role in PARTICIPANTS:
        outcome[role] = OK if role in roles else DENIED
    return outcome


EVERY_PARTICIPANT = allow(*PARTICIPANTS)
CONTENT = ("coach", "coachee")

# operationId: expected outcome per role (the same as the page that does the same thing)
EXPECTED: dict[str, dict[str, object]] = {
    # Everyone signed in has a list (empty for an outsider): nothing to hide.
    "engagement_list": {**{r: OK for r in ROLES}, "anonymous": UNAUTHENTICATED},
    "engagement_detail": EVERY_PARTICIPANT,
    "session_list": EVERY_PARTICIPANT,  # dates and status only
    "sessions_plan": allow("coach"),
    "session_detail": allow(*CONTENT),
    "session_reschedule": allow("coach"),
    "session_cancel": allow("coach"),
    "topic_list": allow(*CONTENT),
    "topic_add": allow(*CONTENT),
    "topic_grow": allow(*CONTENT),
    "session_close": allow("coach"),
    "action_list": allow(*CONTENT),
    "session_action_add": allow(*CONTENT),
    # Everyone in the engagement may ask; each sees only their own (and the coach the shared).
    "reflection_list": EVERY_PARTICIPANT,
}

# A body the schema accepts for each write, so the answer is about who asks, not its shape.
BODIES: dict[str, dict[str, Any]] = {
    "sessions_plan": {"first_at": "2030-01-07T10:00:00+00:00", "count": 1},
    "session_reschedule": {"scheduled_at": "2030-01-07T10:00:00+00:00", "duration_minutes": 60},
    "topic_add": {"title": "Delegation"},
    "topic_grow": {"goal": "Hand over Q3"},
    "session_close": {"summary": "Held."},
    "session_action_add": {"title": "Ask Dev"},
}


def operations() -> dict[str, tuple[str, str]]:
    """operationId: (method, path), from the schema the API publishes."""
    found = {}
    for path, item in api.get_openapi_schema()["paths"].items():
        for method, operation in item.items():
            found[operation["operationId"]] = (method.upper(), path)
    return found


def test_every_operation_has_an_expected_outcome():
    ops = set(operations())
    assert ops - set(EXPECTED) == set(), "Decide who may use these new API operations"
    assert set(EXPECTED) - ops == set(), "These expectations name operations that are gone"


CASES = [(op, role) for op in EXPECTED for role in ROLES]


@pytest.mark.parametrize(("op", "role"), CASES, ids=[f"{o}-{r}" for o, r in CASES])
def test_operation_outcome_for_role(op, role, engagement, cast):
    session = plan_session(engagement, hours_from_now=1)
    topic = sessions.agenda_topic_add(actor=engagement.coachee, session=session, title="Q3")
    ids = {"engagement_id": engagement.pk, "session_id": session.pk, "topic_id": topic.pk}
    method, path = operations()[op]
    url = re.sub(r"\{(\w+)\}", lambda m: str(ids[m.group(1)]), path)
    headers = {}
    if cast[role] is not None:
        secret = token_create(actor=cast[role], name="matrix", scope="write", days=7).secret
        headers["authorization"] = f"Bearer {secret}"
    client = Client(headers=headers)
    if method == "GET":
        response = client.get(url)
    else:
        response = client.generic(
            method, url, data=_json(BODIES.get(op, {})), content_type="application/json"
        )
    expected = EXPECTED[op][role]
    if expected == OK:
        # 409 and 422 are answers about the request (a clash, a rule), given only to those
        # who may make it.
        assert response.status_code in {200, 201, 409, 422}, response.content
    else:
        assert response.status_code == expected, response.content


def _json(body: dict[str, Any]) -> str:
    import json

    return json.dumps(body)


def test_the_schema_and_the_docs_are_served_by_the_app_itself():
    client = Client()
    schema = client.get("/api/v1/openapi.json")
    assert schema.status_code == 200
    assert schema.json()["openapi"].startswith("3.1")
    docs = client.get("/api/v1/docs")
    assert docs.status_code == 200
    html = docs.content.decode()
    assert "swagger-ui-bundle.js" in html
    # No CDN: every script, style and icon comes from this site.
    assert re.findall(r"(?:src|href)=\"(https?:)?//", html) == []
    for asset in re.findall(r"(?:src|href)=\"(/[^\"]+)\"", html):
        assert client.get(asset).status_code == 200, asset
