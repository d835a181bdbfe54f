"""Each page's database queries, pinned: a new query on a page is a decision, not an
accident. Counted in the steady state (what every request reads is cached after the first),
and for the organisation-wide pages the same with a few engagements as with many more: they
show a page at a time, so their cost does not grow with the organisation."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from conftest import UserFactory, member
from tandem.core.tests.world import build_world
from tandem.engagements.models import Engagement
from tandem.home.views import HOME_PAGE_SIZE


def _queries(client: Client, url: str) -> tuple[int, str]:
    client.get(url)
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return len(ctx.captured_queries), response.content.decode()


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _more_engagements(engagement: Engagement, n: int) -> None:
    """``n`` more engagements in the organisation, each with its own people and a session."""
    org, today = engagement.organisation, timezone.localdate()
    for i in range(n):
        made = Engagement.objects.create(
            organisation=org,
            programme=engagement.programme,
            kind=Engagement.Kind.COACHING,
            coach=member(UserFactory.create(full_name=f"Coach {i}"), org),
            coachee=member(UserFactory.create(full_name=f"Leader {i:03d}"), org),
            status=Engagement.Status.ACTIVE,
            start_date=today - dt.timedelta(days=i % 90),
        )
        made.sessions.create(scheduled_at=timezone.now() + dt.timedelta(days=1))


PER_ROLE = {  # page → (who, queries)
    "home": [("coach", 13), ("coachee", 11), ("sponsor", 8), ("programme_admin", 13)],
    "engagement_detail": [("coach", 15), ("programme_admin", 9)],
    "session_detail": [("coach", 12)],  # with its audit-of-reads row
}


@pytest.mark.parametrize(
    ("name", "who", "expected"),
    [(name, who, n) for name, rows in PER_ROLE.items() for who, n in rows],
)
def test_page_queries_are_pinned(name, who, expected, engagement, cast):
    world = build_world(engagement)
    args = {"home": [], "engagement_detail": [engagement.pk], "session_detail": [world.session.pk]}
    count, _ = _queries(_client(cast[who]), reverse(name, args=args[name]))
    assert count == expected


def test_organisation_pages_cost_the_same_at_any_size(engagement, programme_admin):
    admin = _client(programme_admin)
    org, programme = engagement.organisation, engagement.programme
    pages = {
        "home": reverse("home"),
        "dashboard": reverse("programme_dashboard", args=[programme.pk]),
        "programme people": reverse("programme_people", args=[programme.pk]),
        "organisation people": reverse("people", args=[org.slug]),
    }
    few = {name: _queries(admin, url)[0] for name, url in pages.items()}
    _more_engagements(engagement, HOME_PAGE_SIZE + 5)
    many = {name: _queries(admin, url)[0] for name, url in pages.items()}
    assert many == few
    assert few == {"home": 13, "dashboard": 6, "programme people": 6, "organisation people": 9}


def test_admin_home_lists_a_page_at_a_time(engagement, programme_admin):
    _more_engagements(engagement, HOME_PAGE_SIZE + 5)
    admin = _client(programme_admin)
    first = admin.get(reverse("home")).content.decode()
    assert f"Page 1 of 2 · 1–{HOME_PAGE_SIZE} of {HOME_PAGE_SIZE + 6}" in first
    assert first.count('href="/engagements/') >= HOME_PAGE_SIZE
    second = admin.get(reverse("home") + "?page=2").content.decode()
    assert f"{HOME_PAGE_SIZE + 1}–{HOME_PAGE_SIZE + 6} of {HOME_PAGE_SIZE + 6}" in second
    # Every engagement is on exactly one page.
    leaders = [f"Leader {i:03d}" for i in range(HOME_PAGE_SIZE + 5)]
    assert all((name in first) != (name in second) for name in leaders)
