from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from conftest import UserFactory, member, programme_of
from tandem.core.policy import Perm, engagement_can
from tandem.core.tests.world import TARGET
from tandem.engagements import services
from tandem.engagements.models import Engagement


def _create(actor, organisation, coach, coachee, **overrides):
    start = timezone.localdate()
    data = {
        "actor": actor,
        "organisation": organisation,
        "kind": Engagement.Kind.COACHING,
        "coach": coach,
        "coachee": coachee,
        "start_date": start,
        "end_date": start + dt.timedelta(days=120),
        "planned_sessions": 8,
    }
    if overrides.get("kind") != Engagement.Kind.ONE_ON_ONE:
        data["programme"] = programme_of(organisation)
    data.update(overrides)
    return services.engagement_create(**data)


def test_programme_admin_starts_a_coaching_engagement_in_draft(
    programme_admin, organisation, coach, coachee, sponsor
):
    engagement = _create(programme_admin, organisation, coach, coachee, sponsor=sponsor)
    assert engagement.status == Engagement.Status.DRAFT
    assert engagement.cadence_days == 14


def test_a_member_cannot_start_a_coaching_engagement(coach, organisation, coachee):
    with pytest.raises(PermissionDenied):
        _create(coach, organisation, coach, coachee)


def test_a_manager_starts_a_one_on_one_series_as_its_coach(coach, organisation, coachee):
    series = _create(
        coach, organisation, coach, coachee, kind=Engagement.Kind.ONE_ON_ONE, end_date=None
    )
    assert series.is_one_on_one
    assert series.status == Engagement.Status.ACTIVE  # no contract to agree: it runs at once
    assert not engagement_can(coach, Perm.VIEW_TARGETS, series)


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"end_date_days": 30}, "end_date", "3 to 6 months"),
        ({"end_date_days": 300}, "end_date", "3 to 6 months"),
        ({"planned_sessions": 4}, "planned_sessions", "6 to 12"),
        ({"planned_sessions": 12, "end_date_days": 100}, "planned_sessions", "need 154 days"),
        ({"session_minutes": 30}, "session_minutes", "60 to 90"),
        ({"end_date_days": -30}, "end_date", "must be after the start date"),
    ],
)
def test_coaching_rules_are_explained_next_to_the_field(
    programme_admin, organisation, coach, coachee, overrides, field, message
):
    days = overrides.pop("end_date_days", 120)
    overrides["end_date"] = timezone.localdate() + dt.timedelta(days=days)
    with pytest.raises(ValidationError) as info:
        _create(programme_admin, organisation, coach, coachee, **overrides)
    assert message in " ".join(info.value.message_dict[field])
    assert not Engagement.objects.exists()


def test_coach_and_coachee_must_differ_and_sponsor_is_neither(
    programme_admin, organisation, coach, coachee
):
    with pytest.raises(ValidationError) as info:
        _create(programme_admin, organisation, coach, coach)
    assert "coachee" in info.value.message_dict
    with pytest.raises(ValidationError) as info:
        _create(programme_admin, organisation, coach, coachee, sponsor=coach)
    assert "sponsor" in info.value.message_dict


def test_people_must_belong_to_the_organisation(programme_admin, organisation, coach):
    stranger = UserFactory.create()
    with pytest.raises(ValidationError, match="not a member"):
        _create(programme_admin, organisation, coach, stranger)


def test_status_moves_along_the_lifecycle_and_pause_resumes_where_it_was(engagement, coach):
    services.engagement_set_status(actor=coach, engagement=engagement, status="paused")
    engagement.refresh_from_db()
    assert services.engagement_next_statuses(engagement) == ["active", "cancelled"]
    services.engagement_set_status(actor=coach, engagement=engagement, status="active")
    services.engagement_set_status(actor=coach, engagement=engagement, status="completed")
    with pytest.raises(ValidationError, match="cannot become"):
        services.engagement_set_status(actor=coach, engagement=engagement, status="active")


def test_coachee_cannot_change_status(engagement, coachee):
    with pytest.raises(PermissionDenied):
        services.engagement_set_status(actor=coachee, engagement=engagement, status="paused")


def test_stale_edit_of_engagement_is_refused(engagement, coach, programme_admin):
    version = engagement.version
    services.engagement_update(
        actor=programme_admin, engagement=engagement, expected_version=version, title="One"
    )
    with pytest.raises(ValidationError, match="Someone else saved"):
        services.engagement_update(
            actor=coach, engagement=engagement, expected_version=version, title="Two"
        )
    engagement.refresh_from_db()
    assert engagement.title == "One"


# --- the contract -------------------------------------------------------------------------


def test_sponsor_sees_the_targets_once_they_are_put_to_him_and_signs_off_what_he_read(
    engagement, coach, coachee, sponsor
):
    services.target_create(actor=coach, engagement=engagement, **TARGET)
    client = Client()
    client.force_login(sponsor)
    url = reverse("engagement_detail", args=[engagement.pk])
    page = client.get(url).content.decode()
    assert TARGET["behaviour"] not in page
    assert "Sign off" not in page  # nothing to sign off that he cannot read
    assert client.post(reverse("targets_sign_off", args=[engagement.pk])).status_code == 403

    as_coachee = Client()
    as_coachee.force_login(coachee)
    as_coachee.post(reverse("targets_submit", args=[engagement.pk]))
    engagement.refresh_from_db()
    assert engagement.targets_awaiting_sign_off
    assert not engagement_can(coachee, Perm.EDIT_TARGETS, engagement)  # locked while he reads

    page = client.get(url).content.decode()
    assert TARGET["behaviour"] in page and TARGET["gas_0"] in page
    assert "Sign off these targets" in page and "Send back with this note" in page
    submitted = engagement.targets_submitted_at.isoformat()
    client.post(reverse("targets_sign_off", args=[engagement.pk]), {"submitted_at": submitted})
    engagement.refresh_from_db()
    assert engagement.targets_signed_off and engagement.targets_signed_off_by == sponsor


def test_sponsor_asks_for_changes_with_a_note_and_the_contract_opens_again(
    engagement, coach, coachee, sponsor
):
    services.target_create(actor=coach, engagement=engagement, **TARGET)
    services.targets_submit(actor=coach, engagement=engagement)
    client = Client()
    client.force_login(sponsor)
    url = reverse("targets_request_changes", args=[engagement.pk])
    response = client.post(url, {"note": "  "}, follow=True)
    assert "Say what you would change" in response.content.decode()
    engagement.refresh_from_db()
    assert engagement.targets_awaiting_sign_off  # nothing changed on a refused answer

    client.post(url, {"note": "Add one about how he runs the weekly review."})
    engagement.refresh_from_db()
    assert not engagement.targets_awaiting_sign_off and not engagement.targets_signed_off
    assert engagement_can(coachee, Perm.EDIT_TARGETS, engagement)
    assert not engagement_can(sponsor, Perm.VIEW_TARGETS, engagement)
    as_coachee = Client()
    as_coachee.force_login(coachee)
    page = as_coachee.get(reverse("engagement_detail", args=[engagement.pk])).content.decode()
    assert "asked for changes" in page and "weekly review" in page


def test_sponsor_cannot_sign_off_targets_changed_since_he_read_them(
    engagement, coach, coachee, sponsor
):
    target = services.target_create(actor=coach, engagement=engagement, **TARGET)
    read = services.targets_submit(actor=coach, engagement=engagement).targets_submitted_at
    services.targets_withdraw(actor=coachee, engagement=engagement)
    engagement.refresh_from_db()
    services.target_update(actor=coachee, target=target, behaviour="Something else")
    services.targets_submit(actor=coachee, engagement=engagement)
    engagement.refresh_from_db()
    with pytest.raises(ValidationError, match="changed while you were reading"):
        services.targets_sign_off(actor=sponsor, engagement=engagement, submitted_at=read)
    engagement.refresh_from_db()
    assert not engagement.targets_signed_off


def test_without_a_sponsor_the_coach_records_the_targets_as_agreed(engagement, coach, coachee):
    engagement.sponsor = None
    engagement.save()
    services.target_create(actor=coachee, engagement=engagement, **TARGET)
    assert not engagement_can(coachee, Perm.SUBMIT_TARGETS, engagement)
    assert not engagement_can(coachee, Perm.SIGN_OFF_TARGETS, engagement)
    client = Client()
    client.force_login(coach)
    page = client.get(reverse("engagement_detail", args=[engagement.pk])).content.decode()
    assert "Record these targets as agreed" in page
    client.post(reverse("targets_sign_off", args=[engagement.pk]))
    engagement.refresh_from_db()
    assert engagement.targets_signed_off_by == coach


def test_targets_are_locked_after_sign_off_until_the_coach_reopens(
    engagement, coach, coachee, sponsor
):
    target = services.target_create(actor=coachee, engagement=engagement, **TARGET)
    services.targets_submit(actor=coachee, engagement=engagement)
    services.targets_sign_off(actor=sponsor, engagement=engagement)
    engagement.refresh_from_db()
    with pytest.raises(PermissionDenied):
        services.target_update(actor=coachee, target=target, behaviour="Changed")
    services.targets_reopen(actor=coach, engagement=engagement)
    engagement.refresh_from_db()
    assert not engagement_can(sponsor, Perm.VIEW_TARGETS, engagement)
    services.target_update(actor=coachee, target=target, behaviour="Changed")


def test_nothing_to_put_to_the_sponsor_without_targets(engagement, coach):
    with pytest.raises(ValidationError, match="at least one target"):
        services.targets_submit(actor=coach, engagement=engagement)


def test_at_most_five_targets(engagement, coach):
    for _ in range(5):
        services.target_create(actor=coach, engagement=engagement, **TARGET)
    with pytest.raises(ValidationError, match="at most 5"):
        services.target_create(actor=coach, engagement=engagement, **TARGET)


def test_target_form_shows_errors_next_to_fields_and_stores_nothing(engagement, coach):
    client = Client()
    client.force_login(coach)
    response = client.post(reverse("target_new", args=[engagement.pk]), {"behaviour": "x"})
    assert response.status_code == 200
    assert "This field is required" in response.content.decode()
    assert not engagement.targets.exists()


def test_create_page_makes_an_engagement(programme_admin, organisation, coach, coachee, sponsor):
    client = Client()
    client.force_login(programme_admin)
    start = timezone.localdate()
    response = client.post(
        reverse("engagement_new"),
        {
            "organisation": organisation.pk,
            "kind": "coaching",
            "coach": coach.pk,
            "coachee": coachee.pk,
            "sponsor": sponsor.pk,
            "start_date": start.isoformat(),
            "end_date": (start + dt.timedelta(days=20)).isoformat(),
            "cadence_days": 14,
            "session_minutes": 60,
            "planned_sessions": 8,
        },
    )
    assert response.status_code == 200
    assert "3 to 6 months" in response.content.decode()
    assert not Engagement.objects.exists()


def test_a_manager_sees_only_the_one_on_one_kind_offered(organisation, coach):
    member(UserFactory.create(), organisation)
    client = Client()
    client.force_login(coach)
    page = client.get(reverse("engagement_new")).content.decode()
    assert 'value="one_on_one"' in page
    assert 'value="coaching"' not in page


def test_a_manager_can_only_be_the_manager_of_a_new_series(organisation, coach, coachee):
    other = member(UserFactory.create(), organisation)
    client = Client()
    client.force_login(coach)
    page = client.get(reverse("engagement_new")).content.decode()
    assert "New 1:1 series with a report" in page and 'name="sponsor"' not in page
    response = client.post(
        reverse("engagement_new"),
        {
            "organisation": organisation.pk,
            "kind": "one_on_one",
            "coach": other.pk,  # someone else as the manager: not on offer
            "coachee": coachee.pk,
            "start_date": timezone.localdate().isoformat(),
            "cadence_days": 14,
            "session_minutes": 45,
            "planned_sessions": 8,
        },
    )
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert not Engagement.objects.exists()


def test_a_refusal_says_why_in_words(engagement, sponsor):
    client = Client()
    client.force_login(sponsor)
    response = client.get(reverse("target_new", args=[engagement.pk]))
    assert response.status_code == 403
    page = response.content.decode()
    assert "does not let you change the targets (the coachee and the coach draft them)" in page
    assert "edit_targets" not in page
    # The coach may edit targets, just not signed-off ones: the page says so, and what to do.
    target = services.target_create(actor=engagement.coach, engagement=engagement, **TARGET)
    services.targets_submit(actor=engagement.coach, engagement=engagement)
    client.force_login(engagement.coach)
    page = client.get(reverse("target_edit", args=[target.pk])).content.decode()
    assert "cannot change now" in page and "take them back first" in page


def test_every_permission_has_words_for_its_refusal():
    from tandem.core.policy import REFUSALS

    assert set(REFUSALS) == set(Perm)


def test_each_step_of_the_sign_off_tells_the_other_side_by_email(
    engagement, coach, coachee, sponsor, django_capture_on_commit_callbacks
):
    from django.core import mail

    services.target_create(actor=coach, engagement=engagement, **TARGET)
    with django_capture_on_commit_callbacks(execute=True):
        services.targets_submit(actor=coachee, engagement=engagement)
    asked = mail.outbox[-1]
    assert asked.to == [sponsor.email] and "ready for your sign-off" in asked.subject
    assert f"/engagements/{engagement.pk}/#contract" in asked.body
    assert TARGET["behaviour"] not in asked.body  # what the targets say stays in the app
    engagement.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        services.targets_request_changes(actor=sponsor, engagement=engagement, note="Add one")
    back = mail.outbox[-2:]
    assert sorted(m.to[0] for m in back) == sorted([coach.email, coachee.email])
    assert all("asked for changes" in m.subject and "Add one" not in m.body for m in back)
    engagement.refresh_from_db()
    services.targets_submit(actor=coachee, engagement=engagement)
    engagement.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        services.targets_sign_off(actor=sponsor, engagement=engagement)
    assert "signed off" in mail.outbox[-1].subject


def test_a_cancelled_engagement_is_a_record_read_only(engagement, coach, coachee):
    from tandem.core.tests.world import plan_session

    planned = plan_session(engagement, hours_from_now=48)
    client = Client()
    client.force_login(coach)
    response = client.post(
        reverse("engagement_status", args=[engagement.pk]), {"status": "cancelled"}, follow=True
    )
    assert "1 session(s) still planned were called off" in response.content.decode()
    planned.refresh_from_db()
    assert planned.status == "cancelled"
    engagement.refresh_from_db()
    assert not engagement_can(coachee, Perm.WRITE_REFLECTIONS, engagement)
    assert not engagement_can(coach, Perm.SCHEDULE_SESSIONS, engagement)
    assert not engagement_can(coachee, Perm.EDIT_SESSION_CONTENT, engagement)
    page = client.get(reverse("sessions_plan", args=[engagement.pk]))
    assert page.status_code == 403
    assert "cancelled: its record can be read, no longer changed" in page.content.decode()
    assert client.get(reverse("engagement_detail", args=[engagement.pk])).status_code == 200


def test_new_dates_must_still_hold_every_session(engagement, coach):
    from tandem.core.tests.world import plan_session

    plan_session(engagement, hours_from_now=-24 * 25)  # five days after the start
    with pytest.raises(ValidationError) as info:
        services.engagement_update(
            actor=coach,
            engagement=engagement,
            expected_version=None,
            start_date=engagement.start_date + dt.timedelta(days=10),
        )
    assert "1 session(s) fall before this start date" in str(info.value)


def test_a_start_date_years_away_is_questioned(programme_admin, organisation, coach, coachee):
    with pytest.raises(ValidationError) as info:
        _create(
            programme_admin,
            organisation,
            coach,
            coachee,
            kind=Engagement.Kind.ONE_ON_ONE,
            start_date=dt.date(1, 1, 1),
            end_date=None,
        )
    assert "check the year" in " ".join(info.value.message_dict["start_date"])


def test_two_people_editing_one_target_cannot_overwrite_each_other(engagement, coach, coachee):
    target = services.target_create(actor=coach, engagement=engagement, **TARGET)
    url = reverse("target_edit", args=[target.pk])
    form = {**TARGET, "rater_wording": "", "baseline_item": "", "version": target.version}
    as_coachee = Client()
    as_coachee.force_login(coachee)
    as_coachee.post(url, {**form, "behaviour": "The coachee's wording"})
    as_coach = Client()
    as_coach.force_login(coach)
    page = as_coach.post(url, {**form, "behaviour": "The coach's wording"}).content.decode()
    assert "Someone else saved this" in page
    target.refresh_from_db()
    assert target.behaviour == "The coachee's wording"


def test_a_managers_series_is_run_by_the_manager_not_hr(
    organisation, coach, coachee, programme_admin
):
    series = _create(
        coach, organisation, coach, coachee, kind=Engagement.Kind.ONE_ON_ONE, end_date=None
    )
    assert engagement_can(programme_admin, Perm.VIEW_ENGAGEMENT, series)
    assert not engagement_can(programme_admin, Perm.MANAGE_ENGAGEMENT, series)
    assert engagement_can(coach, Perm.MANAGE_ENGAGEMENT, series)


def test_a_new_sponsor_while_targets_wait_sends_them_back_to_coach_and_coachee(
    engagement, coach, coachee
):
    from tandem.engagements import people

    services.target_create(actor=coach, engagement=engagement, **TARGET)
    services.targets_submit(actor=coachee, engagement=engagement)
    engagement.refresh_from_db()
    people.sponsor_change_propose(actor=coach, engagement=engagement, new_sponsor=None)
    people.sponsor_change_decide(actor=coachee, engagement=engagement, accept=True)
    engagement.refresh_from_db()
    assert engagement.sponsor is None
    assert not engagement.targets_awaiting_sign_off
    assert engagement_can(coachee, Perm.EDIT_TARGETS, engagement)


def test_what_was_written_stays_readable_after_a_cancellation(
    engagement, coach, coachee, django_capture_on_commit_callbacks
):
    from tandem.coaching_sessions import services as sessions
    from tandem.core.tests.world import plan_session
    from tandem.feedback import services as feedback

    held = plan_session(engagement, hours_from_now=-2)
    sessions.private_note_save(actor=coach, session=held, body="Mine only", expected_version=None)
    services.target_create(actor=coach, engagement=engagement, **TARGET)
    cycle = feedback.cycle_create(
        actor=coach,
        engagement=engagement,
        kind="baseline",
        closes_on=timezone.localdate() + dt.timedelta(days=7),
        competency_keys=["candour"],
    )
    rater = feedback.invitation_nominate(
        actor=coachee, cycle=cycle, name="Pat", email="pat@example.org", group="peer"
    )
    feedback.invitation_review(actor=coach, invitation=rater, approve=True)
    with django_capture_on_commit_callbacks(execute=True):
        feedback.cycle_open(actor=coach, cycle=cycle)
    services.engagement_set_status(actor=coach, engagement=engagement, status="cancelled")
    cycle.refresh_from_db()
    assert cycle.status == "closed"  # an open 360 stops taking answers
    client = Client()
    client.force_login(coach)
    note = client.get(reverse("private_note", args=[held.pk]))
    assert note.status_code == 200 and "Mine only" in note.content.decode()
    assert client.get(reverse("cycle_report", args=[cycle.pk])).status_code == 200
    review = client.get(reverse("review_detail", args=[engagement.pk, "midpoint"]))
    assert review.status_code == 200 and "can be read, no longer changed" in review.content.decode()
