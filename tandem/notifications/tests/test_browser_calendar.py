"""In a real browser: a coach plans a session, and the coachee's calendar feed lists it."""

from __future__ import annotations

import datetime as dt
import os
import urllib.request

import pytest
from django.utils import timezone

from tandem.core.tests.test_browser import _sign_in, browser  # noqa: F401 - the fixture
from tandem.notifications.services import calendar_feed_regenerate
from tandem.notifications.tests.conftest import parse_calendar

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def test_a_session_the_coach_plans_appears_in_the_coachees_calendar_feed(
    browser,  # noqa: F811
    live_server,
    engagement,
    coach,
    coachee,
):
    token = calendar_feed_regenerate(actor=coachee)
    feed_url = f"{live_server.url}/calendar/{token}.ics"
    with urllib.request.urlopen(feed_url) as response:  # noqa: S310 - our live server
        assert parse_calendar(response.read().decode()).events == []

    when = timezone.localtime() + dt.timedelta(days=4)
    when = when.replace(hour=10, minute=0, second=0, microsecond=0)
    page = _sign_in(browser, live_server, coach)
    page.goto(f"{live_server.url}/engagements/{engagement.pk}/sessions/plan/")
    page.fill("#id_first_at", when.strftime("%Y-%m-%dT%H:%M"))
    page.fill("#id_count", "1")
    page.get_by_role("button", name="Plan").click()
    page.wait_for_selector("text=invitations are on their way")

    with urllib.request.urlopen(feed_url) as response:  # noqa: S310
        assert response.headers["Content-Type"].startswith("text/calendar")
        feed = parse_calendar(response.read().decode())
    (event,) = feed.events
    session = engagement.sessions.get()
    assert event["uid"] == f"{session.pk}@127.0.0.1"
    assert event["start"] == when.astimezone(dt.UTC)
    assert event["summary"] == "Coaching session — Tandem"
    assert event["attendees"] == sorted([coach.email, coachee.email])
