from __future__ import annotations

import pytest
from django.core.cache import cache

from conftest import UserFactory, member
from tandem.accounts.models import CoachProfile, ProgrammeMember


def pool_coach(
    programme, name: str, *, capacity: int = 4, areas=("delegation",), languages=("English",)
):
    coach = member(UserFactory.create(full_name=name), programme.organisation)
    ProgrammeMember.objects.create(programme=programme, user=coach, role="coach")
    CoachProfile.objects.create(
        user=coach,
        bio=f"{name} has coached leaders for ten years.",
        areas=list(areas),
        languages=list(languages),
        capacity=capacity,
    )
    return coach


def cohort_coachee(programme, name: str, sponsor=None, cohort: str = "Spring"):
    coachee = member(UserFactory.create(full_name=name), programme.organisation)
    place = ProgrammeMember.objects.create(
        programme=programme, user=coachee, role="coachee", sponsor=sponsor, cohort=cohort
    )
    return place


@pytest.fixture
def pool(programme):
    return [
        pool_coach(programme, "Ada Able", areas=("delegation", "conflict")),
        pool_coach(programme, "Bea Bright", languages=("German", "English")),
        pool_coach(programme, "Cy Full", capacity=0),
    ]


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Each test starts with nothing kept from another's dashboard."""
    cache.clear()
    yield
    cache.clear()
