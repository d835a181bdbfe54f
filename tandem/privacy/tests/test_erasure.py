"""Erasure (GDPR Art. 17): the person's confidential content goes, other people's records
stay whole and show "a former member", and the erasure is recorded without the content."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.db.models import ProtectedError
from django.test import Client
from django.urls import reverse

from conftest import PASSWORD, OrganisationFactory, UserFactory, member
from tandem.accounts.models import Membership, User
from tandem.action_items.models import Reflection
from tandem.coaching_sessions.models import AgendaTopic, CoachingSession, PrivateNote
from tandem.core.tests.world import build_world
from tandem.engagements.models import Engagement
from tandem.feedback.models import FeedbackCycle, Invitation
from tandem.privacy.erasure import erasure_plan, person_erase
from tandem.privacy.models import Erasure
from tandem.transcripts.models import TranscriptAnalysis

CANARIES = ["Seems tired.", "Questions open doors", "Hand over Q3 planning", "Delegates well"]


def raw_database_text() -> str:
    """Every text column of every table, as stored (ciphertext stays ciphertext)."""
    with connection.cursor() as cursor:
        tables = connection.introspection.table_names(cursor)
        out = []
        for table in tables:
            cursor.execute(f'SELECT * FROM "{table}"')  # noqa: S608 - our own table names
            out += [str(row) for row in cursor.fetchall()]
    return "\n".join(out)


def test_deleting_a_coachee_outright_is_still_refused(engagement):
    """Why erasure exists: the engagement protects its people from a plain delete."""
    with pytest.raises(ProtectedError):
        engagement.coachee.delete()


def test_the_dry_run_counts_what_would_go_and_changes_nothing(engagement, programme_admin):
    build_world(engagement)
    plan = erasure_plan(actor=programme_admin, person=engagement.coachee)
    goes = dict(plan.goes)
    assert goes["Reflections"] == 1
    assert goes["Coaches' private notes"] == 1
    assert goes["360 rounds (raters, answers, comments, reports)"] == 1
    assert goes["Transcript analyses"] == 1
    assert plan.engagements == [engagement]
    assert Reflection.objects.count() == 1 and PrivateNote.objects.count() == 1


def test_erasing_a_coachee_destroys_their_content_and_keeps_the_engagement(
    engagement, programme_admin, coach
):
    build_world(engagement)
    coachee = engagement.coachee
    held = engagement.sessions.filter(status=CoachingSession.Status.HELD).count()
    erasure = person_erase(actor=programme_admin, person=coachee, confirm=coachee.email)

    for model in (Reflection, PrivateNote, AgendaTopic, FeedbackCycle, TranscriptAnalysis):
        assert model.objects.count() == 0, model
    text = raw_database_text()
    assert "Lee Leader" not in text
    coachee.refresh_from_db()
    assert str(coachee) == "a former member"
    assert not coachee.has_usable_password() and not coachee.is_active
    engagement.refresh_from_db()
    assert engagement.status == Engagement.Status.CANCELLED
    assert engagement.coach == coach  # the coach's record stays whole
    assert engagement.sessions.filter(status=CoachingSession.Status.HELD).count() == held
    assert all(s.summary == "" for s in engagement.sessions.all())
    assert not Membership.objects.filter(user=coachee, is_active=True).exists()
    # The record says how much went, never what.
    assert erasure.erased_by == programme_admin and erasure.counts["Reflections"] == 1
    assert not any(c in str(erasure.counts) for c in CANARIES)


def test_erasing_a_coach_keeps_their_coachees_records_under_a_former_member(
    engagement, programme_admin, coach, coachee
):
    world = build_world(engagement)
    person_erase(actor=programme_admin, person=coach, confirm=coach.email)
    assert not PrivateNote.objects.exists()  # theirs: gone
    world.reflection.refresh_from_db()
    assert world.reflection.what_i_learned == "Questions open doors"  # the coachee's: stays
    client = Client()
    client.force_login(coachee)
    page = client.get(reverse("engagement_detail", args=[engagement.pk])).content.decode()
    assert "a former member" in page and "Casey Coach" not in page


def test_a_raters_name_and_address_leave_other_peoples_360s(engagement, programme_admin):
    world = build_world(engagement)
    organisation = engagement.organisation
    pat = member(UserFactory.create(full_name="Pat Peer", email="pat@example.org"), organisation)
    person_erase(actor=programme_admin, person=pat, confirm="pat@example.org")
    invitation = Invitation.objects.get(pk=world.invitation.pk)
    assert invitation.name == "a former member" and "pat@" not in invitation.email
    assert FeedbackCycle.objects.filter(pk=world.cycle.pk).exists()  # the coachee's round stays


def test_the_address_must_be_typed_and_a_wrong_one_changes_nothing(engagement, programme_admin):
    build_world(engagement)
    with pytest.raises(ValidationError, match="Type"):
        person_erase(actor=programme_admin, person=engagement.coachee, confirm="oops")
    assert Reflection.objects.count() == 1 and not Erasure.objects.exists()


def test_who_may_erase(engagement, programme_admin, coach, sponsor, outsider):
    coachee = engagement.coachee
    for actor in (coach, sponsor, outsider, coachee):
        with pytest.raises(PermissionDenied):
            person_erase(actor=actor, person=coachee, confirm=coachee.email)
    # Someone who also belongs to another organisation: that one's admins must agree.
    member(coachee, OrganisationFactory.create(name="Elsewhere Ltd"))
    with pytest.raises(PermissionDenied, match="Elsewhere Ltd"):
        erasure_plan(actor=programme_admin, person=coachee)


def test_an_independent_coachs_client_erases_themselves_in_settings(db):
    from tandem.accounts.services import practice_create

    coach = UserFactory.create(full_name="Indie Coach")
    programme = practice_create(owner=coach, name="Indie Coaching")
    kim = member(UserFactory.create(full_name="Kim Client"), programme.organisation)
    client = Client()
    client.force_login(kim)
    page = client.get(reverse("account_erase"))
    assert "What goes" in page.content.decode()
    answer = client.post(reverse("account_erase"), {"confirm": kim.email})
    assert answer.status_code == 302
    kim.refresh_from_db()
    assert str(kim) == "a former member"
    assert not Client().login(email=kim.email, password=PASSWORD)
    assert Erasure.objects.get().erased_by == kim


def test_a_member_of_a_company_is_told_to_ask_their_admin(engagement):
    client = Client()
    client.force_login(engagement.coachee)
    page = client.get(reverse("account_erase")).content.decode()
    assert "programme admin erases accounts" in page and "What goes" not in page


def test_the_admin_page_shows_the_dry_run_then_erases(engagement, programme_admin):
    build_world(engagement)
    coachee = engagement.coachee
    place = Membership.objects.get(user=coachee)
    url = reverse("member_erase", args=[engagement.organisation.slug, place.pk])
    client = Client()
    client.force_login(programme_admin)
    page = client.get(url).content.decode()
    assert "dry run" in page and "Reflections" in page
    wrong = client.post(url, {"confirm": "someone@else.org"})
    assert wrong.status_code == 422 and "Type " in wrong.content.decode()
    assert User.objects.get(pk=coachee.pk).full_name == "Lee Leader"
    done = client.post(url, {"confirm": coachee.email}, follow=True).content.decode()
    assert "Lee Leader was erased" in done
