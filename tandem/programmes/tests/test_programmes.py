"""Programme admins set up programmes and see their overview; nobody else can."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tandem.accounts.models import Programme
from tandem.programmes import services


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_programme_admin_sets_up_a_programme_with_its_shape(programme_admin, organisation):
    response = _client(programme_admin).post(
        reverse("programme_new"),
        {
            "organisation": organisation.pk,
            "name": "First-time managers 2027",
            "description": "Coaching after the 12-skills course.",
            "training": "the 12-skills course",
            "default_planned_sessions": 10,
            "default_cadence_days": 14,
            "default_session_minutes": 75,
            "default_length_days": 150,
        },
        follow=True,
    )
    programme = Programme.objects.get(name="First-time managers 2027")
    page = response.content.decode()
    assert "First-time managers 2027 set up" in page
    assert "10 sessions, every 14 days, 75 minutes each, over 150 days" in page
    assert programme.training == "the 12-skills course"
    assert not programme.coaches_can_start


def test_a_shape_that_cannot_fit_its_length_is_explained_and_nothing_is_stored(
    programme_admin, organisation
):
    response = _client(programme_admin).post(
        reverse("programme_new"),
        {
            "organisation": organisation.pk,
            "name": "Too tight",
            "default_planned_sessions": 12,
            "default_cadence_days": 21,
            "default_session_minutes": 60,
            "default_length_days": 100,
        },
    )
    assert response.status_code == 422
    assert "12 sessions every 21 days need 231 days" in response.content.decode()
    assert not Programme.objects.filter(name="Too tight").exists()


def test_two_programmes_of_one_organisation_cannot_share_a_name(programme_admin, programme):
    with pytest.raises(ValidationError, match="already has a programme called that"):
        services.programme_create(
            actor=programme_admin, organisation=programme.organisation, name="leaders 2026"
        )


def test_only_its_admins_set_up_programmes_in_an_organisation(coach, organisation):
    with pytest.raises(PermissionDenied):
        services.programme_create(actor=coach, organisation=organisation, name="Mine")
    assert _client(coach).get(reverse("programme_new")).status_code == 403


def test_a_member_is_refused_and_an_outsider_does_not_see_the_programme(programme, coach, outsider):
    url = reverse("programme_detail", args=[programme.pk])
    assert _client(coach).get(url).status_code == 403
    assert _client(outsider).get(url).status_code == 404


def test_an_archived_programme_takes_no_new_engagements(programme_admin, programme, coach, coachee):
    from tandem.engagements import services as engagements

    services.programme_archive(actor=programme_admin, programme=programme, archived=True)
    start = timezone.localdate()
    with pytest.raises(ValidationError, match="archived"):
        engagements.engagement_create(
            actor=programme_admin,
            organisation=programme.organisation,
            programme=programme,
            kind="coaching",
            coach=coach,
            coachee=coachee,
            start_date=start,
            end_date=start + dt.timedelta(days=120),
        )
    page = _client(programme_admin).get(reverse("programme_detail", args=[programme.pk]))
    assert "archived" in page.content.decode()
    assert reverse("programme_start", args=[programme.pk]) not in page.content.decode()


def test_the_list_shows_the_programmes_a_person_runs_and_no_others(
    programme_admin, programme, outsider
):
    mine = _client(programme_admin).get(reverse("programme_list")).content.decode()
    theirs = _client(outsider).get(reverse("programme_list")).content.decode()
    assert programme.name in mine
    assert programme.name not in theirs and "No programme yet" in theirs
