"""API lists cost the same number of queries however many rows they hold (pinned)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tandem.accounts.tokens import token_create
from tandem.action_items import services as actions
from tandem.coaching_sessions import services as sessions
from tandem.core.tests.world import plan_session
from tandem.engagements.models import Engagement


def _more(engagement: Engagement, n: int) -> None:
    """``n`` more engagements for the same people, each with a session and an action."""
    for _ in range(n):
        other = Engagement.objects.create(
            organisation=engagement.organisation,
            programme=engagement.programme,
            coach=engagement.coach,
            coachee=engagement.coachee,
            sponsor=engagement.sponsor,
            status=Engagement.Status.ACTIVE,
            start_date=engagement.start_date,
            end_date=engagement.end_date,
        )
        plan_session(other)


def _fill(engagement: Engagement, days: range) -> None:
    for day in days:
        session = plan_session(engagement, hours_from_now=24 * (day + 1))
        topic = sessions.agenda_topic_add(actor=engagement.coachee, session=session, title="Q")
        actions.action_create(
            actor=engagement.coach,
            engagement=engagement,
            session=session,
            topic=topic,
            title=f"Action {day}",
            owner=engagement.coachee,
            due_date=timezone.localdate() + dt.timedelta(days=day),
        )
        actions.reflection_create(
            actor=engagement.coachee,
            engagement=engagement,
            target=None,
            situation="s",
            what_i_did="d",
            what_happened="h",
            what_i_learned="l",
            share_with_coach=True,
        )


def _queries(client: Client, url: str) -> int:
    client.get(url)  # the token's last use is written once, not per request
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, response.content
    return len(ctx.captured_queries)


LISTS = {
    # token, the page, its session counts (memberships come from the cache)
    "/api/v1/engagements": 3,
    # token, the engagement, the page
    "/api/v1/engagements/{e}/sessions": 3,
    "/api/v1/engagements/{e}/actions": 4,  # and the page's check-ins, prefetched
    "/api/v1/engagements/{e}/reflections": 3,
}


@pytest.mark.parametrize("path", LISTS)
def test_list_endpoints_keep_a_constant_query_count(path, engagement, coach):
    client = Client(
        headers={
            "authorization": "Bearer "
            + token_create(actor=coach, name="bench", scope="read", days=7).secret
        }
    )
    url = path.format(e=engagement.pk)
    _more(engagement, 1)
    _fill(engagement, range(1))
    few = _queries(client, url)
    _more(engagement, 4)
    _fill(engagement, range(1, 5))
    assert _queries(client, url) == few == LISTS[path]
