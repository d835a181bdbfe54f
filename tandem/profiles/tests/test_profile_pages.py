from __future__ import annotations

import datetime as dt

from django.test import Client
from django.urls import reverse
from django.utils import timezone

from conftest import UserFactory, member, programme_of
from tandem.engagements.models import Engagement
from tandem.profiles import services
from tandem.profiles.models import PersonalityProfile


def _all(value: int) -> dict[str, str]:
    return {f"i{n}": str(value) for n in range(1, 51)}


def test_coachee_takes_the_profile_and_coach_sees_it(engagement, coachee, coach, sponsor):
    client = Client()
    client.force_login(coachee)
    url = reverse("profile", args=[engagement.pk])
    incomplete = client.post(url, {"i1": "5"})
    assert incomplete.status_code == 422
    assert "49 statement(s) have no answer yet" in incomplete.content.decode()
    assert not PersonalityProfile.objects.exists()
    client.post(url, _all(3))
    assert PersonalityProfile.objects.get().scores == dict.fromkeys(
        [
            "Extraversion",
            "Agreeableness",
            "Conscientiousness",
            "Emotional Stability",
            "Intellect/Imagination",
        ],
        30,
    ) or set(PersonalityProfile.objects.get().scores.values()) == {30}
    client.force_login(coach)
    page = client.get(url).content.decode()
    assert "shown once 5 people have taken it" in page and "<svg" in page
    client.force_login(sponsor)
    assert client.get(url).status_code == 403


def test_organisation_comparison_appears_from_five_people(engagement, organisation, coach):
    for n in range(4):
        _someone_takes_it(organisation, coach, n)
    services.profile_submit(
        actor=engagement.coachee, engagement=engagement, answers={i: 4 for i in range(1, 51)}
    )
    client = Client()
    client.force_login(engagement.coachee)
    page = client.get(reverse("profile", args=[engagement.pk])).content.decode()
    assert "Compared with 5 people in your organisation, you among them" in page
    assert "scored lower" in page


def _someone_takes_it(organisation, coach, n: int, coachee=None):
    coachee = coachee or member(UserFactory.create(), organisation)
    start = timezone.localdate()
    e = Engagement.objects.create(
        organisation=organisation,
        programme=programme_of(organisation),
        kind="coaching",
        coach=coach,
        coachee=coachee,
        start_date=start,
        end_date=start + dt.timedelta(days=100),
    )
    services.profile_submit(
        actor=coachee, engagement=e, answers={i: 1 + (i + n) % 5 for i in range(1, 51)}
    )
    return coachee


def test_norms_move_only_in_steps_of_five_people(organisation, coach):
    from tandem.profiles.models import NormSnapshot

    for n in range(5):
        _someone_takes_it(organisation, coach, n)
    first = NormSnapshot.objects.get()
    assert first.n == 5
    for n in range(4):  # a sixth to ninth person: the norms they are compared with stay
        _someone_takes_it(organisation, coach, n)
    assert NormSnapshot.objects.count() == 1
    _someone_takes_it(organisation, coach, 4)
    assert NormSnapshot.objects.first().n == 10


def test_a_person_with_two_engagements_counts_once(organisation, coach):
    from tandem.profiles.models import NormSnapshot

    twice = _someone_takes_it(organisation, coach, 0)
    _someone_takes_it(organisation, coach, 1, coachee=twice)
    for n in range(3):
        _someone_takes_it(organisation, coach, n)
    assert not NormSnapshot.objects.exists()  # four people, five profiles: not yet
    _someone_takes_it(organisation, coach, 3)
    assert NormSnapshot.objects.get().n == 5
