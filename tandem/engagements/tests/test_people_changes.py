"""A new coach mid-engagement, and a new sponsor only with the coachee's agreement."""

from __future__ import annotations

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse

from conftest import UserFactory, member
from tandem.accounts.models import CoachProfile, ProgrammeMember
from tandem.action_items import services as actions
from tandem.coaching_sessions import services as sessions
from tandem.core.policy import Perm, engagement_can
from tandem.core.tests.world import TARGET, plan_session
from tandem.engagements import people, services
from tandem.engagements.models import CoachHandover


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def new_coach(organisation, programme):
    """A coach of the engagement's programme pool."""
    nia = member(UserFactory.create(full_name="Nia Newcoach"), organisation)
    ProgrammeMember.objects.create(programme=programme, user=nia, role="coach")
    return nia


def test_the_new_coach_reads_the_shared_record_but_never_the_old_coachs_private_notes(
    engagement,
    coach,
    coachee,
    sponsor,
    programme_admin,
    new_coach,
    django_capture_on_commit_callbacks,
):
    session = plan_session(engagement, hours_from_now=-1)
    sessions.agenda_topic_add(actor=coachee, session=session, title="Handing Q3 to Dev")
    sessions.private_note_save(
        actor=coach, session=session, body="CANARY-PRIVATE tired", expected_version=None
    )
    open_action = actions.action_create(
        actor=coach, engagement=engagement, title="Send Lee the article", owner=coach, due_date=None
    )
    with django_capture_on_commit_callbacks(execute=True):
        people.engagement_replace_coach(
            actor=programme_admin, engagement=engagement, new_coach=new_coach, reason="Left us"
        )
    engagement.refresh_from_db()
    assert engagement.coach == new_coach
    handover = CoachHandover.objects.get(engagement=engagement)
    assert (handover.from_coach, handover.to_coach, handover.by) == (
        coach,
        new_coach,
        programme_admin,
    )

    page = _client(new_coach).get(reverse("session_detail", args=[session.pk])).content.decode()
    assert "Handing Q3 to Dev" in page  # the shared record
    note = _client(new_coach).get(reverse("private_note", args=[session.pk])).content.decode()
    assert "CANARY-PRIVATE" not in note  # the old coach's private note is not theirs
    assert _client(coach).get(reverse("engagement_detail", args=[engagement.pk])).status_code == 404
    open_action.refresh_from_db()
    assert open_action.owner == new_coach

    told = {m.to[0]: m for m in mail.outbox}
    assert "Your coach is now Nia Newcoach" in told[coachee.email].subject
    assert "private notes stay private" in told[coachee.email].body
    assert "You now coach" in told[new_coach.email].subject
    assert "handed to Nia Newcoach" in told[coach.email].subject
    assert "/engagements/" not in told[coach.email].body  # no longer theirs to open
    assert sponsor.email in told
    assert all("CANARY-PRIVATE" not in m.body and "Handing Q3" not in m.body for m in mail.outbox)


def test_the_engagement_page_records_the_handover_and_only_hr_sees_why(
    engagement, programme_admin, coachee, new_coach
):
    people.engagement_replace_coach(
        actor=programme_admin, engagement=engagement, new_coach=new_coach, reason="Relocated"
    )
    url = reverse("engagement_detail", args=[engagement.pk])
    hr = _client(programme_admin).get(url).content.decode()
    mine = _client(coachee).get(url).content.decode()
    assert "handed from Casey Coach to Nia Newcoach by Hana HR" in hr and "Relocated" in hr
    assert "to Nia Newcoach by Hana HR" in mine and "Relocated" not in mine


def test_only_the_programme_admin_hands_over_and_not_to_a_full_coach(
    engagement, coach, programme_admin, new_coach
):
    with pytest.raises(PermissionDenied):
        people.engagement_replace_coach(actor=coach, engagement=engagement, new_coach=new_coach)
    CoachProfile.objects.create(user=new_coach, capacity=0)
    with pytest.raises(ValidationError, match="at capacity"):
        people.engagement_replace_coach(
            actor=programme_admin, engagement=engagement, new_coach=new_coach
        )
    engagement.refresh_from_db()
    assert engagement.coach == coach and not CoachHandover.objects.exists()


def test_hr_cannot_make_herself_sponsor_without_the_coachee(
    engagement, coach, coachee, sponsor, programme_admin, django_capture_on_commit_callbacks
):
    """The walk-through: HR chose herself as sponsor and read the targets."""
    services.target_create(actor=coach, engagement=engagement, **TARGET)
    services.targets_submit(actor=coachee, engagement=engagement)
    engagement.refresh_from_db()
    services.targets_sign_off(actor=sponsor, engagement=engagement)
    with django_capture_on_commit_callbacks(execute=True):
        people.sponsor_change_propose(
            actor=programme_admin, engagement=engagement, new_sponsor=programme_admin
        )
    engagement.refresh_from_db()
    assert engagement.sponsor == sponsor  # nothing changed yet
    assert not engagement_can(programme_admin, Perm.VIEW_TARGETS, engagement)
    asked = mail.outbox[-1]
    assert asked.to == [coachee.email] and "your agreement is needed" in asked.subject

    page = _client(coachee).get(reverse("engagement_detail", args=[engagement.pk])).content
    assert b"proposes Hana HR as your sponsor" in page and b"Agree" in page
    with django_capture_on_commit_callbacks(execute=True):
        _client(coachee).post(
            reverse("sponsor_change_decide", args=[engagement.pk]), {"accept": "1"}
        )
    engagement.refresh_from_db()
    assert engagement.sponsor == programme_admin
    # A sign-off by the previous sponsor does not carry over: the new one sees the targets
    # only when they are put to them.
    assert not engagement.targets_signed_off
    assert not engagement_can(programme_admin, Perm.VIEW_TARGETS, engagement)
    told = {m.to[0] for m in mail.outbox[-4:]}
    assert told == {coach.email, coachee.email, sponsor.email, programme_admin.email}
    page = _client(coach).get(reverse("engagement_detail", args=[engagement.pk])).content
    assert b"Signed off by" not in page
    services.targets_submit(actor=coachee, engagement=engagement)
    engagement.refresh_from_db()
    assert engagement_can(programme_admin, Perm.VIEW_TARGETS, engagement)


def test_a_declined_sponsor_change_changes_nothing(engagement, coach, coachee, sponsor, outsider):
    other = member(UserFactory.create(full_name="Olu Other"), engagement.organisation)
    people.sponsor_change_propose(actor=coach, engagement=engagement, new_sponsor=other)
    with pytest.raises(PermissionDenied):
        people.sponsor_change_decide(actor=coach, engagement=engagement, accept=True)
    people.sponsor_change_decide(actor=coachee, engagement=engagement, accept=False)
    engagement.refresh_from_db()
    assert engagement.sponsor == sponsor
    with pytest.raises(ValidationError, match="no change of sponsor waiting"):
        people.sponsor_change_decide(actor=coachee, engagement=engagement, accept=True)


def test_the_sponsor_is_no_longer_edited_directly(engagement, coach):
    page = _client(coach).get(reverse("engagement_edit", args=[engagement.pk])).content.decode()
    assert 'name="sponsor"' not in page
    with pytest.raises(ValueError, match="sponsor"):
        services.engagement_update(
            actor=coach, engagement=engagement, expected_version=None, sponsor=None
        )


def test_only_a_coach_of_the_programme_pool_takes_over(engagement, programme_admin, organisation):
    tom = member(UserFactory.create(full_name="Tom Report"), organisation)
    with pytest.raises(ValidationError, match="not in the coach pool"):
        people.engagement_replace_coach(actor=programme_admin, engagement=engagement, new_coach=tom)
    page = _client(programme_admin).get(reverse("replace_coach", args=[engagement.pk]))
    assert "Tom Report" not in page.content.decode()
    assert not ProgrammeMember.objects.filter(user=tom).exists()  # nobody joins a pool silently
