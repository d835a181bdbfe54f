"""Fixtures for 360 tests: a baseline cycle with targets, and the same cycle opened."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from tandem.core.tests.world import TARGET
from tandem.engagements import services as engagements
from tandem.feedback import services

RATERS = [
    ("Mia Manager", "mia@example.org", "manager"),
    ("Pat Peer", "pat@example.org", "peer"),
    ("Pia Peer", "pia@example.org", "peer"),
    ("Paz Peer", "paz@example.org", "peer"),
    ("Dan Report", "dan@example.org", "direct_report"),
]


@pytest.fixture
def cycle(engagement, coach):
    engagements.target_create(actor=coach, engagement=engagement, **TARGET)
    return services.cycle_create(
        actor=coach,
        engagement=engagement,
        kind="baseline",
        closes_on=timezone.localdate() + dt.timedelta(days=14),
        competency_keys=["delegation", "candour"],
    )


@pytest.fixture
def open_cycle(cycle, coach, coachee, django_capture_on_commit_callbacks):
    for name, email, group in RATERS:
        invitation = services.invitation_nominate(
            actor=coachee, cycle=cycle, name=name, email=email, group=group
        )
        services.invitation_review(actor=coach, invitation=invitation, approve=True)
    with django_capture_on_commit_callbacks(execute=True):
        services.cycle_open(actor=coach, cycle=cycle)
    cycle.refresh_from_db()
    return cycle
