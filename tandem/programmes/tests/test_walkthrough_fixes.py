"""What a walk through the programme pages as each role found, each as the person meets it."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from conftest import UserFactory, member
from tandem.accounts import services as accounts
from tandem.accounts.models import Membership, Organisation, User
from tandem.notifications.models import Notification
from tandem.notifications.selectors import inbox_for
from tandem.programmes import matching, services
from tandem.programmes.tests.conftest import cohort_coachee


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_a_practice_cannot_pull_in_an_existing_account(db, coachee):
    ines = UserFactory.create(full_name="Ines Independent")
    programme = accounts.practice_create(owner=ines, name="Ines Coaching")
    with pytest.raises(ValidationError, match="cannot add an existing account"):
        services.engagement_start(
            actor=ines,
            programme=programme,
            coach=ines,
            coachee=None,
            new_coachee_name="Someone Else",
            new_coachee_email=coachee.email,
            base_url="http://testserver",
            start_date=timezone.localdate(),
            end_date=timezone.localdate() + dt.timedelta(days=120),
            planned_sessions=8,
            cadence_days=14,
            session_minutes=60,
        )
    assert not Membership.objects.filter(user=coachee, organisation__is_practice=True).exists()


def test_an_engagement_runs_inside_its_programme_and_a_programme_holds_its_engagements(
    programme, pool, programme_admin, engagement
):
    programme.end_date = engagement.end_date + dt.timedelta(days=30)
    programme.save()
    place = cohort_coachee(programme, "Late Starter")
    with pytest.raises(ValidationError, match="end the engagement by then"):
        matching.coach_assign(
            actor=programme_admin,
            programme=programme,
            place=place,
            coach=pool[0],
            start_date=programme.end_date - dt.timedelta(days=10),
        )
    response = _client(programme_admin).post(
        reverse("programme_edit", args=[programme.pk]),
        {
            "name": programme.name,
            "end_date": (engagement.end_date - dt.timedelta(days=1)).isoformat(),
            "default_planned_sessions": 8,
            "default_cadence_days": 14,
            "default_session_minutes": 60,
            "default_length_days": 126,
        },
    )
    assert response.status_code == 422
    assert "1 engagement(s) run past this end date" in response.content.decode()


def test_programme_numbers_out_of_range_say_what_is_allowed(programme_admin, programme):
    response = _client(programme_admin).post(
        reverse("programme_edit", args=[programme.pk]),
        {
            "name": "",
            "default_planned_sessions": 0,
            "default_cadence_days": 14,
            "default_session_minutes": 5,
            "default_length_days": 1000,
        },
    )
    page = response.content.decode()
    assert "Name the programme" in page
    assert "6 to 12 sessions" in page and "60 to 90 minutes" in page and "84 to 186 days" in page


def test_a_deactivated_persons_set_password_link_no_longer_works(
    programme_admin, organisation, coachee
):
    accounts.membership_deactivate(
        actor=programme_admin,
        membership=Membership.objects.get(user=coachee, organisation=organisation),
    )
    from tandem.accounts.emails import set_password_link

    link = set_password_link(User.objects.get(pk=coachee.pk), base_url="")
    page = Client().get(link, follow=True).content.decode()
    assert "This link no longer works" in page and "new_password1" not in page


def test_an_invitee_without_a_password_can_still_choose_their_coach(
    programme, pool, programme_admin, django_capture_on_commit_callbacks
):
    place = cohort_coachee(programme, "Jo Invited")
    place.user.set_unusable_password()
    place.user.save()
    with django_capture_on_commit_callbacks(execute=True):
        matching.proposal_create(
            actor=programme_admin, programme=programme, place=place, coaches=pool[:2]
        )
    body = mail.outbox[-1].body
    assert "/proposals/" in body and "/password/set/" in body
    stored = Notification.objects.get(kind="choose_coach")
    assert "/password/set/" not in stored.body  # the one-time link is never kept


def test_choosing_clears_the_request_and_tells_whoever_proposed(
    programme, pool, programme_admin, django_capture_on_commit_callbacks
):
    place = cohort_coachee(programme, "Noor Waiting")
    with django_capture_on_commit_callbacks(execute=True):
        proposal = matching.proposal_create(
            actor=programme_admin, programme=programme, place=place, coaches=pool[:2]
        )
    assert inbox_for(user=place.user).filter(read_at__isnull=True).count() == 1
    with django_capture_on_commit_callbacks(execute=True):
        matching.proposal_choose(actor=place.user, proposal=proposal, coach=pool[1])
    assert inbox_for(user=place.user).filter(read_at__isnull=True).count() == 0
    told = inbox_for(user=programme_admin).get()
    assert told.subject == "Noor Waiting chose Bea Bright as coach"


def test_calendar_invitations_stay_out_of_the_bell(engagement, coach, coachee):
    from tandem.core.tests.world import plan_session

    plan_session(engagement, hours_from_now=48)
    assert Notification.objects.filter(kind="session_invitation", recipient=coach).exists()
    page = _client(coach).get(reverse("inbox")).content.decode()
    assert "Coaching session" not in page and "Nothing yet" in page


def test_a_sponsor_change_must_name_the_new_sponsor_or_say_none(engagement, coach):
    response = _client(coach).post(
        reverse("sponsor_change", args=[engagement.pk]), {"new_sponsor": "", "reason": "New boss"}
    )
    assert response.status_code == 422
    assert "Choose the new sponsor (or tick “No sponsor”)" in response.content.decode()
    assert not engagement.sponsor_changes.exists()


def test_the_coach_profile_tab_is_for_coaches(coach, sponsor, engagement):
    sponsor_page = _client(sponsor).get(reverse("account_settings")).content.decode()
    coach_page = _client(coach).get(reverse("account_settings")).content.decode()
    assert "Coach profile" not in sponsor_page and "Coach profile" in coach_page


def test_the_match_page_says_when_filters_not_capacity_leave_nobody(
    programme, pool, programme_admin
):
    place = cohort_coachee(programme, "Noor Waiting")
    page = (
        _client(programme_admin)
        .get(reverse("programme_match", args=[programme.pk, place.pk]) + "?area=inclusion")
        .content.decode()
    )
    assert "No coach with room fits these filters" in page
    assert re.search(r"2 coaches of the pool have\s+room", page)


def test_a_handover_names_sessions_that_clash_in_the_new_coachs_diary(
    engagement, programme, programme_admin, organisation
):
    from tandem.accounts.models import ProgrammeMember
    from tandem.core.tests.world import plan_session
    from tandem.engagements.models import Engagement

    nia = member(UserFactory.create(full_name="Nia Newcoach"), organisation)
    ProgrammeMember.objects.create(programme=programme, user=nia, role="coach")
    other = Engagement.objects.create(
        organisation=organisation,
        programme=programme,
        kind="coaching",
        coach=nia,
        coachee=member(UserFactory.create(), organisation),
        status="active",
        start_date=engagement.start_date,
        end_date=engagement.end_date,
    )
    plan_session(other, hours_from_now=72)
    plan_session(engagement, hours_from_now=72)
    response = _client(programme_admin).post(
        reverse("replace_coach", args=[engagement.pk]), {"new_coach": nia.pk}, follow=True
    )
    assert "1 planned session(s) clash with Nia Newcoach&#x27;s other sessions" in (
        response.content.decode()
    )


def test_practices_are_organisations_of_their_own(db):
    owner = UserFactory.create()
    accounts.practice_create(owner=owner, name="Solo Coaching")
    assert Organisation.objects.get(name="Solo Coaching").is_practice
