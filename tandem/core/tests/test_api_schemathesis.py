"""schemathesis, stateless: every API operation fed generated requests (valid and not) with
a coach's token and real ids. No answer may be a 500, and every answer must match what the
schema declares for its status."""

from __future__ import annotations

import os

import pytest
import schemathesis
from django.core.wsgi import get_wsgi_application
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from tandem.accounts.tokens import token_create
from tandem.coaching_sessions import services as sessions
from tandem.core.tests.world import plan_session

schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", get_wsgi_application())


@pytest.fixture
def coach_call(engagement):
    """The coach's token, and ids that exist: generated requests reach the services, not
    only the 404 of a random id."""
    session = plan_session(engagement, hours_from_now=2)
    topic = sessions.agenda_topic_add(actor=engagement.coachee, session=session, title="Q3")
    secret = token_create(actor=engagement.coach, name="fuzz", scope="write", days=7).secret
    ids = {"engagement_id": engagement.pk, "session_id": session.pk, "topic_id": topic.pk}
    return {"authorization": f"Bearer {secret}"}, {k: str(v) for k, v in ids.items()}


# What the issue asks of the API: no 500, and every answer as its schema declares. Left out:
# the checks that a schema-valid body is accepted and a schema-violating one refused — the
# API refuses valid-shaped requests by the pages' rules (a closed session, a count over 12:
# 422 with the form's words), and pydantic reads some inputs leniently (a number as a
# timestamp); and the ignored-auth check, which cannot take away a token sent as a plain
# header — 401 without credentials is proven per operation in test_api_access_matrix.
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]


@pytest.mark.skipif(
    "postgres" in os.environ.get("DATABASE_URL", ""),
    reason="on PostgreSQL a case closes the test's connection (to investigate); runs on SQLite",
)
@schema.parametrize()
@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_every_operation_answers_as_its_schema_says(case, coach_call):
    headers, ids = coach_call
    if case.path_parameters:
        case.path_parameters = {
            name: ids.get(name, value) for name, value in case.path_parameters.items()
        }
    case.call_and_validate(headers=headers, checks=CHECKS)
