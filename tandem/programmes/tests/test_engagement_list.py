"""The programme's engagement list and the two CSV exports, as the programme admin gets
them: paginated, filtered, counts and dates only, the same rules as the pages."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from tandem.engagements.models import Engagement
from tandem.programmes.exports import csv_text
from tandem.programmes.models import EngagementFigures
from tandem.programmes.tests.helpers import engagements, people

TODAY = timezone.localdate()


@pytest.fixture
def admin_client(programme_admin):
    client = Client()
    client.force_login(programme_admin)
    return client


def list_page(client, programme, **params):
    response = client.get(reverse("programme_engagements", args=[programme.pk]), params)
    assert response.status_code == 200
    return response.content.decode()


def download(client, name, programme, **params):
    response = client.get(reverse(name, args=[programme.pk]), params)
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    return response, list(csv.reader(io.StringIO(body)))


def test_the_list_shows_people_status_dates_and_sessions(admin_client, programme):
    (e,) = engagements(
        programme,
        1,
        cohort="Spring",
        start=TODAY - dt.timedelta(days=70),
        figures={
            "sessions_held": 3,
            "sessions_live": 5,
            "last_held_at": timezone.now() - dt.timedelta(days=40),
        },
    )
    html = list_page(admin_client, programme)
    assert e.display_title in html and e.coachee.full_name in html and e.coach.full_name in html
    assert "3 held" in html and "2 more planned · 8 in the contract" in html
    assert "Spring" in html
    assert "Stalled" in html and "No session held since" in html


def test_fifty_a_page_and_the_filters(admin_client, programme):
    coach_a, coach_b = people(programme.organisation, 2, role="coach")
    engagements(programme, 55, coach=coach_a, cohort="Spring")
    engagements(programme, 3, coach=coach_b, cohort="Autumn", status=Engagement.Status.PAUSED)
    html = list_page(admin_client, programme)
    assert "58 engagements" in html and "Page 1 of 2" in html
    assert html.count('<span class="status status-') == 50
    html = list_page(admin_client, programme, page=2)
    assert "Page 2 of 2" in html and html.count('<span class="status status-') == 8
    assert "Page 2 of 2" in list_page(admin_client, programme, page="999")  # the last page
    html = list_page(admin_client, programme, status="paused")
    assert "3 engagements match" in html and coach_b.full_name in html
    html = list_page(admin_client, programme, coach=coach_b.pk, cohort="Spring")
    assert "No engagement matches these filters" in html
    html = list_page(admin_client, programme, status="lost")
    assert "Choose a status from the list" in html


def test_only_stalled(admin_client, programme):
    engagements(programme, 2, start=TODAY - dt.timedelta(days=60))  # never a session
    engagements(programme, 4)
    html = list_page(admin_client, programme, stalled="on")
    assert "2 engagements match" in html


def test_the_list_costs_the_same_queries_for_ten_or_sixty(admin_client, programme):
    admin_client.get(reverse("home"))  # what every request reads is cached: steady state
    counts = {}
    for total in (10, 60):
        engagements(programme, total, cohort="Spring", figures={"sessions_held": 1})
        for attempt in ("computed", "kept"):
            with CaptureQueriesContext(connection) as queries:
                list_page(admin_client, programme, cohort="Spring")
            counts[total, attempt] = len(queries.captured_queries)
        Engagement.objects.filter(programme=programme).delete()
    # session, user, programme, figures stamp, count, page, the bell — and the filter options
    # 2 when not kept from an earlier request (the admin check's memberships are cached)
    assert counts[10, "computed"] == counts[60, "computed"] == 9, counts
    assert counts[10, "kept"] == counts[60, "kept"] == 7, counts


def test_the_engagement_export_has_counts_and_dates_never_content(admin_client, programme):
    (e,) = engagements(
        programme,
        1,
        cohort="Spring",
        after_training=True,
        figures={"sessions_held": 2, "sessions_live": 6, "last_held_at": timezone.now()},
    )
    response, rows = download(admin_client, "programme_engagements_csv", programme)
    assert response["Content-Disposition"] == (
        f'attachment; filename="leaders-2026-engagements-{TODAY.isoformat()}.csv"'
    )
    header, row = rows
    assert header[:3] == ["Engagement", "Coachee", "Coach"]
    record = dict(zip(header, row, strict=True))
    assert record["Coachee"] == e.coachee.full_name and record["Cohort"] == "Spring"
    assert record["Took the training first"] == "yes" and record["Status"] == "Active"
    assert record["Sessions held"] == "2" and record["Sessions planned, not yet held"] == "4"
    assert record["Start"] == e.start_date.isoformat()
    assert record["Last session held"] == TODAY.isoformat()


def test_the_export_follows_the_filters_and_refuses_bad_ones(admin_client, programme):
    engagements(programme, 2, cohort="Spring")
    engagements(programme, 3, cohort="Autumn")
    _, rows = download(admin_client, "programme_engagements_csv", programme, cohort="Autumn")
    assert len(rows) == 1 + 3
    response = admin_client.get(
        reverse("programme_engagements_csv", args=[programme.pk]), {"cohort": "Winter"}
    )
    assert response.status_code == 400
    assert "Nothing was exported" in response.content.decode()
    assert "“Winter”" in response.content.decode()


def test_names_cannot_become_spreadsheet_formulas(admin_client, programme):
    (e,) = engagements(programme, 1, cohort="@SUM(A1)")
    e.coachee.full_name = '=HYPERLINK("http://evil.example","Click")'
    e.coachee.save()
    Engagement.objects.filter(pk=e.pk).update(title="+cmd|' /C calc'!A0")
    _, rows = download(admin_client, "programme_engagements_csv", programme)
    record = dict(zip(rows[0], rows[1], strict=True))
    assert record["Coachee"] == "'" + e.coachee.full_name
    assert record["Engagement"].startswith("'+")
    assert record["Cohort"] == "'@SUM(A1)"
    assert csv_text("Plain name") == "Plain name" and csv_text("-5") == "'-5"


def test_the_dashboard_export_keeps_hidden_figures_hidden(admin_client, programme):
    engagements(programme, 8, cohort="Spring", figures={"close_t_score": 50.0})
    engagements(programme, 3, cohort="Autumn", figures={"close_t_score": 70.0})
    response, rows = download(admin_client, "programme_dashboard_csv", programme)
    assert response["Content-Disposition"].startswith(
        'attachment; filename="leaders-2026-dashboard-'
    )
    figures = {(r[0], r[1]): r[2:] for r in rows if len(r) >= 3}
    # The first ten recorded: Spring's eight (50) and two of Autumn's (70).
    assert figures[("Outcomes", "Mean GAS T-score at close")][:2] == ["54.0", "10"]
    assert (
        figures[("Session feedback", "Mean usefulness (1–5)")][0]
        == "fewer than 5 engagements have this yet — not shown"
    )
    _, rows = download(admin_client, "programme_dashboard_csv", programme, cohort="Spring")
    figures = {(r[0], r[1]): r[2:] for r in rows if len(r) >= 3}
    assert figures[("Outcomes", "Mean GAS T-score at close")][0].startswith("not shown with this")
    assert ["Filters", "cohort Spring"] in rows


def test_nothing_confidential_reaches_the_pages_or_files(admin_client, engagement, coach, coachee):
    """Canaries written through every kind of content the dashboard sits next to."""
    from tandem.coaching_sessions.models import SessionFeedback
    from tandem.core.tests.world import build_world
    from tandem.engagements import services as engagements_services
    from tandem.programmes.figures import figures_refresh

    world = build_world(engagement)
    canary = "CANARY-7f3e"
    engagements_services.target_update(
        actor=coach, target=world.target, expected_version=None, behaviour=f"I {canary} target"
    )
    world.session.summary = f"{canary} summary"
    world.session.save()
    SessionFeedback.objects.create(session=world.previous_action.session, usefulness=2, word=canary)
    world.comment.text = f"{canary} comment"
    world.comment.save()
    world.topic.goal = f"{canary} goal"
    world.topic.save()
    figures_refresh(engagement.pk)
    programme = engagement.programme
    pages = [
        list_page(admin_client, programme),
        admin_client.get(reverse("programme_dashboard", args=[programme.pk])).content.decode(),
        b"".join(
            admin_client.get(
                reverse("programme_engagements_csv", args=[programme.pk])
            ).streaming_content
        ).decode(),
        b"".join(
            admin_client.get(
                reverse("programme_dashboard_csv", args=[programme.pk])
            ).streaming_content
        ).decode(),
    ]
    for text in pages:
        assert canary not in text
        assert "Delegating Q3" not in text and "Seems tired" not in text
        assert "Delegates well" not in text and "Ask Dev" not in text
    assert EngagementFigures.objects.filter(pk=engagement.pk).exists()
