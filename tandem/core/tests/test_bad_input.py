"""A NUL byte in any field a page reads never ends in a server error (PostgreSQL refuses NUL
in text and in queries): forms say so beside the field, ids and searches simply match nothing.
Run against PostgreSQL to mean it (DATABASE_URL=postgres://...)."""

from __future__ import annotations

import pytest
from django.test import Client

from tandem.core.tests.test_access_matrix import EXPECTED, OK, ROLES, _url
from tandem.core.tests.world import build_world

# The names the app's forms and pages read (searches, ids sent along, text fields).
NAMES = [
    "q", "status", "role", "page", "title", "name", "email", "full_name", "goal", "reality",
    "will", "description", "pros", "cons", "text", "note", "summary", "body", "behaviour",
    "why_it_matters", "success_indicators", "situation", "what_i_did", "what_happened",
    "what_i_learned", "comment", "reason", "evidence", "member", "coach", "topic_id", "owner",
]  # fmt: skip


@pytest.mark.django_db
def test_a_nul_byte_in_any_field_is_never_a_server_error(engagement, cast):
    world = build_world(engagement)
    failures = []
    nul = {name: "a\x00b" for name in NAMES}
    for route, (_method, obj_key, outcomes) in EXPECTED.items():
        role = next((r for r in ROLES if outcomes[r] == OK and cast[r] is not None), None)
        if role is None:
            continue
        client = Client(raise_request_exception=False)
        client.force_login(cast[role])
        url = _url(route, obj_key, world)
        for response in (client.get(url, nul), client.post(url, nul)):
            if response.status_code >= 500:
                failures.append(f"{response.request['REQUEST_METHOD']} {route} as {role}")
    assert failures == []
