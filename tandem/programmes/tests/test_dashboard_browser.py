"""The programme admin's journey through the dashboard in a real browser: figures, a filter
that would single people out, the stalled list, the engagement list and both exports."""

from __future__ import annotations

import csv
import datetime as dt
import io
import os
from pathlib import Path

import pytest
from django.utils import timezone

from tandem.core.tests.test_browser import SHOTS, _sign_in, browser  # noqa: F401 - fixture
from tandem.engagements.models import Engagement
from tandem.programmes.tests.helpers import engagements, people

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def test_the_admin_reads_filters_and_exports_the_dashboard(
    browser,  # noqa: F811
    live_server,
    programme,
    programme_admin,
):
    programme.training = "the 12-skills course"
    programme.save()
    coaches = people(programme.organisation, 2, role="coach")
    engagements(
        programme,
        7,
        coaches=coaches,
        cohort="Spring",
        after_training=True,
        status=Engagement.Status.COMPLETED,
        figures={
            "close_t_score": 58.0,
            "sessions_held": 8,
            "sessions_live": 8,
            "sessions_with_action": 7,
            "last_held_at": timezone.now(),
        },
        areas={"delegation": 2},
        competencies={"delegation": (2.8, 3.9)},
    )
    engagements(
        programme,
        3,
        coaches=coaches,
        cohort="Autumn",
        start=timezone.localdate() - dt.timedelta(days=50),
        figures={"close_t_score": 44.0},
    )
    page = _sign_in(browser, live_server, programme_admin)
    page.goto(f"{live_server.url}/programmes/{programme.pk}/dashboard/")
    main = page.inner_text("main")
    assert "53.8" in main  # the mean T-score of all ten: (7 × 58 + 3 × 44) / 10
    assert "88%" in main and "49 of 56 held sessions" in main  # ending with an action
    assert (
        "fewer than 5 engagements have this yet — not shown" in main
    )  # 360 rates and feedback: none yet
    assert "Delegation and empowerment" in main
    assert page.locator("svg.bars").count() == 1  # the before/after chart
    assert "Stalled engagements (3)" in main
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / "dashboard.png"), full_page=True)

    # Spring alone would leave Autumn's three to be worked out by subtraction.
    page.select_option("#id_cohort", "Spring")
    page.get_by_role("button", name="Show").click()
    page.wait_for_url("**cohort=Spring**")
    main = page.inner_text("main")
    assert "comparing views would single out fewer than 5" in main
    assert "53.8" not in main and "58.0" not in main
    assert "Filtered: cohort Spring." in main

    with page.expect_download() as got:
        page.get_by_role("link", name="Export CSV").click()
    download = got.value
    assert download.suggested_filename.startswith("leaders-2026-dashboard-")
    rows = list(csv.reader(io.StringIO(Path(download.path()).read_text("utf-8-sig"))))
    assert ["Filters", "cohort Spring"] in rows
    t_score = next(r for r in rows if r[:2] == ["Outcomes", "Mean GAS T-score at close"])
    assert t_score[2].startswith("not shown with this filter")

    # The stalled ones, in the engagement list.
    page.get_by_role("link", name="Engagements", exact=True).click()
    page.get_by_label("Stalled only").check()
    page.get_by_role("button", name="Show").click()
    page.wait_for_url("**stalled=on**")
    assert "3 engagements match" in page.inner_text("main")
    assert page.locator("tr.stalled").count() == 3
    assert page.get_by_label("Stalled only").is_checked()  # the filter stays as chosen
    page.screenshot(path=str(SHOTS / "programme-engagements.png"), full_page=True)
    with page.expect_download() as got:
        page.get_by_role("link", name="Export CSV").click()
    rows = list(csv.reader(io.StringIO(Path(got.value.path()).read_text("utf-8-sig"))))
    assert len(rows) == 4 and all("No session held since it started" in r[-1] for r in rows[1:])
