"""Coach matching: proposals the coachee chooses from, direct assignment, capacity."""

from __future__ import annotations

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse

from tandem.engagements.models import Engagement
from tandem.programmes import matching
from tandem.programmes.models import MatchProposal
from tandem.programmes.tests.conftest import cohort_coachee, pool_coach


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_a_coach_at_capacity_is_not_offered(programme, pool):
    offered = [o.coach.full_name for o in matching.coaches_available(programme)]
    assert offered == ["Ada Able", "Bea Bright"]


def test_filters_narrow_the_pool_by_area_and_language(programme, pool):
    by_area = matching.coaches_available(programme, area="conflict")
    by_language = matching.coaches_available(programme, language="german")
    assert [o.coach.full_name for o in by_area] == ["Ada Able"]
    assert [o.coach.full_name for o in by_language] == ["Bea Bright"]


def test_no_free_coach_says_so_on_the_page(programme, programme_admin, sponsor):
    pool_coach(programme, "Cy Full", capacity=0)
    place = cohort_coachee(programme, "Noor Waiting", sponsor=sponsor)
    page = (
        _client(programme_admin)
        .get(reverse("programme_match", args=[programme.pk, place.pk]))
        .content.decode()
    )
    assert "No coach with room" in page
    assert "1 coach of the pool is at capacity" in page


def test_the_coachee_chooses_between_proposed_coaches_and_the_engagement_starts(
    programme, pool, programme_admin, sponsor, django_capture_on_commit_callbacks
):
    ada, bea, _ = pool
    place = cohort_coachee(programme, "Noor Waiting", sponsor=sponsor, cohort="Spring")
    admin = _client(programme_admin)
    with django_capture_on_commit_callbacks(execute=True):
        response = admin.post(
            reverse("programme_match", args=[programme.pk, place.pk]),
            {"action": "propose", "p-coaches": [ada.pk, bea.pk], "p-note": "Both know logistics."},
            follow=True,
        )
    assert "was emailed to choose between Ada Able, Bea Bright" in response.content.decode()
    asked = mail.outbox[-1]
    assert asked.to == [place.user.email] and asked.subject == "Choose your coach"
    proposal = MatchProposal.objects.get(coachee=place.user)

    coachee = _client(place.user)
    home = coachee.get(reverse("home")).content.decode()
    assert "Choose your coach" in home
    page = coachee.get(reverse("proposal_detail", args=[proposal.pk])).content.decode()
    assert "Ada Able has coached leaders for ten years." in page
    assert "Both know logistics." in page and "Choose Bea" in page
    with django_capture_on_commit_callbacks(execute=True):
        response = coachee.post(
            reverse("proposal_choose", args=[proposal.pk]), {"coach": bea.pk}, follow=True
        )
    engagement = Engagement.objects.get(coachee=place.user)
    assert "Bea Bright is your coach" in response.content.decode()
    assert engagement.coach == bea and engagement.sponsor == sponsor
    assert engagement.programme == programme and engagement.cohort == "Spring"
    assert engagement.planned_sessions == programme.default_planned_sessions
    assert (engagement.end_date - engagement.start_date).days == programme.default_length_days
    assert engagement.status == Engagement.Status.DRAFT
    assert any(m.to == [bea.email] and "You coach Noor Waiting" in m.subject for m in mail.outbox)
    proposal.refresh_from_db()
    assert proposal.state == "chosen" and proposal.engagement == engagement
    # Chosen: nobody waits for a coach any more, and the proposal cannot be chosen twice.
    assert not matching.waiting_for_a_coach(programme).exists()
    with pytest.raises(ValidationError, match="made already"):
        matching.proposal_choose(actor=place.user, proposal=proposal, coach=ada)


def test_a_coach_who_filled_up_meanwhile_cannot_be_chosen(programme, pool, programme_admin):
    ada, bea, _ = pool
    place = cohort_coachee(programme, "Noor Waiting")
    proposal = matching.proposal_create(
        actor=programme_admin, programme=programme, place=place, coaches=[ada, bea]
    )
    ada.coach_profile.capacity = 0
    ada.coach_profile.save()
    with pytest.raises(ValidationError, match="no room for another coachee any more"):
        matching.proposal_choose(actor=place.user, proposal=proposal, coach=ada)
    assert not Engagement.objects.filter(coachee=place.user).exists()


def test_a_proposal_needs_two_or_three_free_coaches_with_profiles(programme, pool, programme_admin):
    ada, _, full = pool
    place = cohort_coachee(programme, "Noor Waiting")
    with pytest.raises(ValidationError, match="Propose 2 or 3 coaches"):
        matching.proposal_create(
            actor=programme_admin, programme=programme, place=place, coaches=[ada]
        )
    with pytest.raises(ValidationError, match="at capacity"):
        matching.proposal_create(
            actor=programme_admin, programme=programme, place=place, coaches=[ada, full]
        )
    assert not MatchProposal.objects.exists()


def test_only_the_coachee_chooses_and_only_the_admin_proposes(
    programme, pool, programme_admin, coach
):
    ada, bea, _ = pool
    place = cohort_coachee(programme, "Noor Waiting")
    with pytest.raises(PermissionDenied):
        matching.proposal_create(actor=coach, programme=programme, place=place, coaches=[ada, bea])
    proposal = matching.proposal_create(
        actor=programme_admin, programme=programme, place=place, coaches=[ada, bea]
    )
    with pytest.raises(PermissionDenied):
        matching.proposal_choose(actor=programme_admin, proposal=proposal, coach=ada)
    assert _client(coach).get(reverse("proposal_detail", args=[proposal.pk])).status_code == 404


def test_the_admin_assigns_a_coach_directly(programme, pool, programme_admin, sponsor):
    ada, _, _ = pool
    place = cohort_coachee(programme, "Noor Waiting", sponsor=sponsor)
    response = _client(programme_admin).post(
        reverse("programme_match", args=[programme.pk, place.pk]),
        {"action": "assign", "a-coach": ada.pk},
        follow=True,
    )
    engagement = Engagement.objects.get(coachee=place.user)
    assert engagement.coach == ada
    assert "Ada Able coaches Noor Waiting; both were told" in response.content.decode()


def test_a_withdrawn_proposal_can_no_longer_be_chosen(programme, pool, programme_admin):
    ada, bea, _ = pool
    place = cohort_coachee(programme, "Noor Waiting")
    proposal = matching.proposal_create(
        actor=programme_admin, programme=programme, place=place, coaches=[ada, bea]
    )
    _client(programme_admin).post(reverse("proposal_withdraw", args=[proposal.pk]))
    page = _client(place.user).get(reverse("proposal_detail", args=[proposal.pk])).content
    assert b"This proposal was withdrawn" in page and b"Choose Ada" not in page
    assert matching.waiting_for_a_coach(programme).filter(pk=place.pk).exists()
