"""Who starts a coaching engagement: programme admins, pool coaches where the programme lets
them, and independent coaches in their own practice."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone

from tandem.accounts.models import Membership, Organisation, ProgrammeMember, User
from tandem.engagements import services as engagements
from tandem.engagements.models import Engagement


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _shape(start=None) -> dict:
    start = start or timezone.localdate()
    return {
        "start_date": start.isoformat(),
        "end_date": (start + dt.timedelta(days=120)).isoformat(),
        "planned_sessions": 8,
        "cadence_days": 14,
        "session_minutes": 60,
    }


def test_a_pool_coach_starts_their_own_engagement_where_the_programme_allows(
    programme, coach, coachee
):
    ProgrammeMember.objects.create(programme=programme, user=coach, role="coach")
    url = reverse("programme_start", args=[programme.pk])
    assert _client(coach).get(url).status_code == 403  # not allowed yet
    programme.coaches_can_start = True
    programme.save()
    home = _client(coach).get(reverse("home")).content.decode()
    assert url in home
    response = _client(coach).post(
        url, {"coach": coach.pk, "coachee": coachee.pk, **_shape()}, follow=True
    )
    engagement = Engagement.objects.get(coachee=coachee)
    assert engagement.coach == coach and engagement.programme == programme
    assert "Next: plan its sessions" in response.content.decode()


def test_a_pool_coach_cannot_start_one_for_another_coach(programme, coach, coachee, sponsor):
    programme.coaches_can_start = True
    programme.save()
    ProgrammeMember.objects.create(programme=programme, user=coach, role="coach")
    with pytest.raises(PermissionDenied):
        engagements.engagement_create(
            actor=coach,
            organisation=programme.organisation,
            programme=programme,
            kind="coaching",
            coach=sponsor,
            coachee=coachee,
            start_date=timezone.localdate(),
            end_date=timezone.localdate() + dt.timedelta(days=120),
        )


def test_an_admin_starts_an_engagement_inviting_a_new_coachee_all_or_nothing(
    programme, programme_admin, coach, django_capture_on_commit_callbacks
):
    ProgrammeMember.objects.create(programme=programme, user=coach, role="coach")
    url = reverse("programme_start", args=[programme.pk])
    bad = _client(programme_admin).post(
        url,
        {
            "coach": coach.pk,
            "new_coachee_name": "Nell New",
            "new_coachee_email": "nell@example.org",
            **_shape(timezone.localdate() - dt.timedelta(days=200)),
        },
    )
    assert bad.status_code == 422
    assert "over before today" in bad.content.decode()
    assert not User.objects.filter(email="nell@example.org").exists()  # nothing half-way
    with django_capture_on_commit_callbacks(execute=True):
        response = _client(programme_admin).post(
            url,
            {
                "coach": coach.pk,
                "new_coachee_name": "Nell New",
                "new_coachee_email": "nell@example.org",
                **_shape(),
            },
            follow=True,
        )
    page = response.content.decode()
    assert "emailed a link to choose a password" in page
    assert "Next: Casey plans its sessions" in page  # not "plan its sessions" to HR
    nell = User.objects.get(email="nell@example.org")
    assert Engagement.objects.get(coachee=nell).coach == coach
    assert any("/password/set/" in m.body for m in mail.outbox if m.to == [nell.email])


def test_the_walk_through_past_engagement_is_refused(programme_admin, programme, coach, coachee):
    start = timezone.localdate() - dt.timedelta(days=300)
    with pytest.raises(ValidationError, match="over before today"):
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


def test_a_coaching_engagement_needs_a_programme(programme_admin, organisation, coach, coachee):
    with pytest.raises(ValidationError, match="Choose the programme"):
        engagements.engagement_create(
            actor=programme_admin,
            organisation=organisation,
            kind="coaching",
            coach=coach,
            coachee=coachee,
            start_date=timezone.localdate(),
            end_date=timezone.localdate() + dt.timedelta(days=120),
        )


@override_settings(OPEN_SIGNUP=True)
def test_an_independent_coach_opens_a_practice_invites_a_client_and_plans_a_session(
    db, django_capture_on_commit_callbacks
):
    client = Client()
    response = client.post(
        reverse("sign_up"),
        {
            "full_name": "Ines Independent",
            "email": "ines@coaching.example",
            "password1": "a-long-unusual-passphrase",
            "password2": "a-long-unusual-passphrase",
            "practice_name": "Ines Coaching",
        },
        follow=True,
    )
    assert "Your practice is open" in response.content.decode()
    ines = User.objects.get(email="ines@coaching.example")
    practice = Organisation.objects.get(name="Ines Coaching")
    assert practice.is_practice
    assert Membership.objects.get(user=ines, organisation=practice).role == "programme_admin"
    programme = practice.programmes.get()
    assert programme.coaches_can_start
    assert ProgrammeMember.objects.filter(programme=programme, user=ines, role="coach").exists()

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("programme_start", args=[programme.pk]),
            {
                "coach": ines.pk,
                "new_coachee_name": "Carl Client",
                "new_coachee_email": "carl@client.example",
                **_shape(),
            },
            follow=True,
        )
    engagement = Engagement.objects.get(coachee__email="carl@client.example")
    assert engagement.coach == ines and engagement.status == "draft"
    assert "Next: plan its sessions" in response.content.decode()
    response = client.post(
        reverse("sessions_plan", args=[engagement.pk]),
        {
            "first_at": (timezone.localtime() + dt.timedelta(days=2)).strftime("%Y-%m-%dT10:00"),
            "count": 1,
            "cadence_days": 14,
            "duration_minutes": 60,
        },
        follow=True,
    )
    assert "1 session(s) planned" in response.content.decode()


@override_settings(OPEN_SIGNUP=True)
def test_sign_up_with_a_taken_address_says_to_sign_in(coach):
    response = Client().post(
        reverse("sign_up"),
        {
            "full_name": "Casey Again",
            "email": coach.email.upper(),
            "password1": "a-long-unusual-passphrase",
            "password2": "a-long-unusual-passphrase",
            "practice_name": "Casey Coaching",
        },
    )
    assert response.status_code == 422
    assert "sign in, then open your practice" in response.content.decode()
    assert not Organisation.objects.filter(name="Casey Coaching").exists()


@override_settings(OPEN_SIGNUP=False)
def test_sign_up_is_closed_by_default_in_production(db):
    assert Client().get(reverse("sign_up")).status_code == 404
    assert "Open your own practice" not in Client().get(reverse("account_login")).content.decode()


@override_settings(OPEN_SIGNUP=True)
def test_a_signed_in_coach_opens_a_practice_beside_their_organisation(coach):
    response = _client(coach).post(
        reverse("sign_up"), {"practice_name": "Casey Coaching"}, follow=True
    )
    assert "Your practice is open" in response.content.decode()
    assert Membership.objects.filter(user=coach).count() == 2


def test_a_coach_writes_the_profile_coachees_read(coach):
    response = _client(coach).post(
        reverse("coach_profile"),
        {
            "bio": "Former COO; I coach first-time leaders.",
            "areas": ["delegation", "transitions"],
            "languages": "english,  German, english",
            "capacity": 5,
        },
        follow=True,
    )
    assert "Profile saved" in response.content.decode()
    coach.coach_profile.refresh_from_db()
    assert coach.coach_profile.languages == ["English", "German"]
    assert coach.coach_profile.area_labels == ["Delegation and empowerment", "Role transitions"]
    bad = _client(coach).post(
        reverse("coach_profile"), {"bio": "x", "languages": " , ", "capacity": 5}
    )
    assert bad.status_code == 422 and "Name at least one language" in bad.content.decode()
