"""The whole-programme dashboard is pre-computed after its figures change: the page reads one
row; a change is in the next snapshot; nothing stale is ever shown."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tandem.coaching_sessions.models import CoachingSession
from tandem.programmes.dashboard import Dashboard, Filters, programme_dashboard
from tandem.programmes.figures import figures_rebuild, figures_refresh
from tandem.programmes.models import DashboardSnapshot, ProgrammeStamp
from tandem.programmes.snapshots import FRESH_FOR, ProgrammeFigures
from tandem.programmes.tests.helpers import engagements


def hold_a_session(engagement):
    CoachingSession.objects.create(
        engagement=engagement, scheduled_at=timezone.now() - dt.timedelta(days=1), status="held"
    )


@pytest.fixture
def programme_with_figures(programme):
    engagements(
        programme,
        6,
        cohort="Spring",
        figures={"close_t_score": 55.0, "sessions_held": 2},
        areas={"delegation": 1},
        competencies={"delegation": (2.0, 3.5)},
    )
    return programme


def test_the_snapshot_holds_what_the_dashboard_computes(programme_with_figures):
    programme = programme_with_figures
    computed = programme_dashboard(programme=programme, filters=Filters())
    again = Dashboard.from_data(computed.to_data(), programme, Filters())
    assert again == computed


def test_a_refresh_leaves_a_current_snapshot_for_the_page(
    programme_with_figures, programme_admin, django_capture_on_commit_callbacks
):
    programme = programme_with_figures
    first = programme.engagements.first()
    hold_a_session(first)
    with django_capture_on_commit_callbacks(execute=True):
        figures_refresh(first.pk)
    snapshot = DashboardSnapshot.objects.get(programme=programme)
    stamp = ProgrammeStamp.objects.get(programme=programme)
    assert snapshot.version == stamp.version and stamp.snapshot_asked_at is None
    assert snapshot.data["sessions_held"] == 11  # six said 2 each; refreshed, one held 1
    client = Client()
    client.force_login(programme_admin)
    response = client.get(reverse("programme_dashboard", args=[programme.pk]))
    assert "Mean GAS T-score" in response.content.decode()
    assert (
        ProgrammeFigures(programme).dashboard(Filters()).sessions_held
        == snapshot.data["sessions_held"]
    )


def test_many_changes_at_once_ask_for_one_snapshot(
    programme_with_figures, django_capture_on_commit_callbacks
):
    from django.db import transaction

    programme = programme_with_figures
    with django_capture_on_commit_callbacks() as scheduled, transaction.atomic():
        for engagement in programme.engagements.all():
            figures_refresh(engagement.pk)
    # Six refreshes, each scheduling its own figures… and one snapshot for the programme.
    names = [getattr(c, "func", c) for c in scheduled]
    assert sum(1 for n in names if getattr(n, "__name__", "") == "_enqueue_snapshot") == 1
    assert ProgrammeStamp.objects.get(programme=programme).snapshot_asked_at is not None


def test_a_stale_snapshot_is_never_shown(programme_with_figures):
    programme = programme_with_figures
    kept = ProgrammeFigures(programme).dashboard(Filters())
    assert kept.sessions_held == 12
    first = programme.engagements.first()
    hold_a_session(first)
    figures_refresh(first.pk)  # raises the stamp; its snapshot task has not run
    assert ProgrammeFigures(programme).dashboard(Filters()).sessions_held == 11


def test_time_alone_recomputes_it(programme_with_figures):
    """Four weeks without a session make a stall without any change to the figures."""
    programme = programme_with_figures
    ProgrammeFigures(programme).dashboard(Filters())
    stored = DashboardSnapshot.objects.get(programme=programme).computed_at
    later = timezone.now() + FRESH_FOR + dt.timedelta(seconds=1)
    ProgrammeFigures(programme, now=later).dashboard(Filters())
    assert DashboardSnapshot.objects.get(programme=programme).computed_at == later != stored


def test_rebuild_snapshots_each_programme_once(programme_with_figures):
    programme = programme_with_figures
    assert figures_rebuild() == 6
    snapshot = DashboardSnapshot.objects.get(programme=programme)
    assert snapshot.version == ProgrammeStamp.objects.get(programme=programme).version
