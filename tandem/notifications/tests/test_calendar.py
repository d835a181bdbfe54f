"""Sessions in calendars: invitations by email (REQUEST / CANCEL, one UID per session, a
SEQUENCE raised on each change), the private feed, and the coach's overlap warning. Every
calendar object is read with icalendar and with vobject, never by matching strings."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from conftest import UserFactory, member
from tandem.coaching_sessions import services as sessions
from tandem.coaching_sessions.models import CoachingSession
from tandem.engagements import services as engagements
from tandem.engagements.models import Engagement
from tandem.notifications import schedule
from tandem.notifications.calendar import calendar_invite_person, calendar_uninvite_person
from tandem.notifications.models import Notification
from tandem.notifications.services import calendar_feed_regenerate, calendar_feed_revoke
from tandem.notifications.tests.conftest import invitations, parse_calendar

pytestmark = pytest.mark.django_db


def _soon(days: int = 3, hour: int = 10) -> dt.datetime:
    local = timezone.localtime() + dt.timedelta(days=days)
    return local.replace(hour=hour, minute=0, second=0, microsecond=0)


def _plan(engagement: Engagement, when: dt.datetime, count: int = 1) -> list[CoachingSession]:
    return sessions.sessions_plan(
        actor=engagement.coach, engagement=engagement, first_at=when, count=count
    )


def test_planning_sends_both_people_an_invitation_with_a_stable_uid(
    engagement, coach, coachee, committed
):
    planned = committed(lambda: _plan(engagement, _soon(), count=2))
    for person in (coach, coachee):
        received = invitations(to=person.email)
        assert len(received) == 2
        for (message, calendar), session in zip(received, planned, strict=True):
            assert calendar.method == "REQUEST"
            (event,) = calendar.events
            assert event["uid"] == f"{session.pk}@127.0.0.1"
            assert event["sequence"] == 0
            assert event["start"] == session.scheduled_at
            assert event["end"] - event["start"] == dt.timedelta(minutes=60)
            assert event["summary"] == "Coaching session — Tandem"
            assert event["status"] == "CONFIRMED"
            assert event["attendees"] == sorted([coach.email, coachee.email])
            assert event["organizer"] == "tandem@localhost"
            assert event["description"].endswith(f"/sessions/{session.pk}/")
            assert any("method=REQUEST" in mimetype for _, mimetype in message.alternatives)
            assert "Coaching session with" in message.subject


def test_a_moved_session_updates_the_same_entry_with_a_higher_sequence(
    engagement, coachee, committed
):
    (session,) = committed(lambda: _plan(engagement, _soon()))
    new_time = _soon(days=5, hour=14)
    committed(
        lambda: sessions.session_reschedule(
            actor=engagement.coach,
            session=session,
            scheduled_at=new_time,
            duration_minutes=90,
            expected_version=session.version,
        )
    )
    first, update = invitations(to=coachee.email)
    assert first[1].events[0]["uid"] == update[1].events[0]["uid"]
    assert update[1].method == "REQUEST"
    assert update[1].events[0]["sequence"] == 1
    assert update[1].events[0]["start"] == new_time
    assert update[1].events[0]["end"] == new_time + dt.timedelta(minutes=90)
    assert update[0].subject.startswith("Updated: ")


def test_an_unsent_invitation_is_replaced_by_the_newer_one(engagement, coachee, run_tick):
    # Both changes commit before the worker gets to the first invitation.
    (session,) = _plan(engagement, _soon())
    sessions.session_reschedule(
        actor=engagement.coach,
        session=session,
        scheduled_at=_soon(days=4),
        duration_minutes=60,
        expected_version=session.version,
    )
    run_tick()
    (only,) = invitations(to=coachee.email)
    assert only[1].events[0]["sequence"] == 1
    old = Notification.objects.filter(key__startswith=f"invite:{session.pk}:0:")
    assert set(old.values_list("state", flat=True)) == {Notification.State.SKIPPED}


def test_a_cancelled_session_leaves_both_calendars(engagement, coach, coachee, committed):
    (session,) = committed(lambda: _plan(engagement, _soon()))
    committed(lambda: sessions.session_mark(actor=coach, session=session, status="cancelled"))
    for person in (coach, coachee):
        _, cancel = invitations(to=person.email)[-1]
        assert cancel.method == "CANCEL"
        assert cancel.events[0]["status"] == "CANCELLED"
        assert cancel.events[0]["sequence"] == 1
        assert cancel.events[0]["uid"] == f"{session.pk}@127.0.0.1"
    assert mail.outbox[-1].subject.startswith("Cancelled: ")


def test_completing_an_engagement_cancels_its_planned_sessions_in_calendars(
    engagement, coach, coachee, committed
):
    planned = committed(lambda: _plan(engagement, _soon(), count=2))
    mail.outbox.clear()
    committed(
        lambda: engagements.engagement_set_status(
            actor=coach, engagement=engagement, status="completed"
        )
    )
    cancels = invitations(to=coachee.email)
    assert {c.events[0]["uid"] for _, c in cancels} == {f"{s.pk}@127.0.0.1" for s in planned}
    assert all(c.method == "CANCEL" and c.events[0]["sequence"] == 1 for _, c in cancels)
    assert set(engagement.sessions.values_list("status", flat=True)) == {"cancelled"}


def test_a_replaced_coach_gets_cancellations_and_the_new_one_invitations(
    engagement, coach, coachee, organisation, committed
):
    (session,) = committed(lambda: _plan(engagement, _soon()))
    mail.outbox.clear()
    new_coach = member(UserFactory.create(full_name="Noor New"), organisation)
    Engagement.objects.filter(pk=engagement.pk).update(coach=new_coach)
    engagement.refresh_from_db()
    committed(lambda: calendar_uninvite_person(engagement, coach))
    committed(lambda: calendar_invite_person(engagement, new_coach))
    ((_, gone),) = invitations(to=coach.email)
    assert gone.method == "CANCEL" and gone.events[0]["attendees"] == [coach.email]
    for person in (new_coach, coachee):
        ((_, update),) = invitations(to=person.email)
        assert update.method == "REQUEST"
        assert update.events[0]["uid"] == f"{session.pk}@127.0.0.1"
        assert update.events[0]["sequence"] == 1
        assert update.events[0]["attendees"] == sorted([new_coach.email, coachee.email])
    with pytest.raises(ValueError, match="coach or the coachee"):
        calendar_invite_person(engagement, coach)


def test_a_one_on_one_series_is_named_so(organisation, coach, coachee, committed):
    series = Engagement.objects.create(
        organisation=organisation,
        kind=Engagement.Kind.ONE_ON_ONE,
        coach=coach,
        coachee=coachee,
        status=Engagement.Status.ACTIVE,
        start_date=timezone.localdate(),
    )
    committed(lambda: _plan(series, _soon()))
    ((_, calendar),) = invitations(to=coachee.email)
    assert calendar.events[0]["summary"] == "1:1 — Tandem"


def test_past_sessions_send_no_invitation(engagement, coachee, committed):
    committed(lambda: _plan(engagement, timezone.now() - dt.timedelta(days=2)))
    assert invitations(to=coachee.email) == []


# --- the feed -------------------------------------------------------------------------------


def _other_engagement(organisation, programme, coach) -> Engagement:
    other = member(UserFactory.create(full_name="Oli Other"), organisation)
    start = timezone.localdate() - dt.timedelta(days=10)
    return Engagement.objects.create(
        organisation=organisation,
        programme=programme,
        coach=coach,
        coachee=other,
        status=Engagement.Status.ACTIVE,
        start_date=start,
        end_date=start + dt.timedelta(days=120),
    )


def test_the_feed_lists_my_sessions_planned_and_held_not_cancelled(
    engagement, organisation, programme, coach, coachee
):
    (kept, dropped) = _plan(engagement, _soon(), count=2)
    sessions.session_mark(actor=coach, session=dropped, status="cancelled")
    other = _plan(_other_engagement(organisation, programme, coach), _soon(days=1))[0]
    token = calendar_feed_regenerate(actor=coachee)
    response = Client().get(reverse("calendar_feed", args=[token]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    feed = parse_calendar(response.content.decode())
    assert feed.method == "PUBLISH"
    assert [e["uid"] for e in feed.events] == [f"{kept.pk}@127.0.0.1"]
    # The coach's feed has both engagements; still not the cancelled one.
    coach_feed = parse_calendar(
        Client()
        .get(reverse("calendar_feed", args=[calendar_feed_regenerate(actor=coach)]))
        .content.decode()
    )
    assert {e["uid"] for e in coach_feed.events} == {
        f"{kept.pk}@127.0.0.1",
        f"{other.pk}@127.0.0.1",
    }


def test_a_revoked_or_replaced_feed_address_is_a_bare_404(coachee):
    first = calendar_feed_regenerate(actor=coachee)
    second = calendar_feed_regenerate(actor=coachee)
    client = Client()
    old = client.get(reverse("calendar_feed", args=[first]))
    assert old.status_code == 404 and old.content == b""
    assert client.get(reverse("calendar_feed", args=[second])).status_code == 200
    calendar_feed_revoke(actor=coachee)
    gone = client.get(reverse("calendar_feed", args=[second]))
    assert gone.status_code == 404 and gone.content == b""
    assert client.get(reverse("calendar_feed", args=["made-up"])).content == b""


def test_a_deactivated_persons_feed_stops(coachee):
    token = calendar_feed_regenerate(actor=coachee)
    type(coachee).objects.filter(pk=coachee.pk).update(is_active=False)
    assert Client().get(reverse("calendar_feed", args=[token])).status_code == 404


def test_the_calendar_settings_page_makes_shows_and_revokes_the_address(coachee):
    client = Client()
    client.force_login(coachee)
    page = client.get(reverse("calendar_settings")).content.decode()
    assert "Make my calendar address" in page
    client.post(reverse("calendar_feed_regenerate"))
    page = client.get(reverse("calendar_settings")).content.decode()
    feed = coachee.calendar_feed
    url = "http://127.0.0.1:8000" + reverse("calendar_feed", args=[feed.token])
    assert url in page and "webcal://" in page
    for app in ("Outlook", "Google Calendar", "Apple Calendar"):
        assert app in page
    assert Client().get(reverse("calendar_feed", args=[feed.token])).status_code == 200
    client.post(reverse("calendar_feed_revoke"))
    assert Client().get(reverse("calendar_feed", args=[feed.token])).status_code == 404
    assert "Make my calendar address" in client.get(reverse("calendar_settings")).content.decode()


# --- the overlap warning --------------------------------------------------------------------


def test_planning_over_another_of_the_coachs_sessions_warns_then_plans_anyway(
    engagement, organisation, programme, coach
):
    other = _other_engagement(organisation, programme, coach)
    taken = _soon(days=6, hour=10)
    _plan(other, taken + dt.timedelta(minutes=30))
    client = Client()
    client.force_login(coach)
    url = reverse("sessions_plan", args=[engagement.pk])
    form = {
        "first_at": taken.strftime("%Y-%m-%dT%H:%M"),
        "count": 1,
        "cadence_days": 14,
        "duration_minutes": 60,
    }
    page = client.post(url, form).content.decode()
    local = timezone.localtime(taken + dt.timedelta(minutes=30))
    assert f"{local:%H:%M}–" in page and "You have another session then" in page
    assert "Oli Other" not in page  # when, never whose
    assert 'type="checkbox" name="allow_overlap"' in page
    assert not engagement.sessions.exists()
    response = client.post(url, {**form, "allow_overlap": "on"})
    assert response.status_code == 302
    assert engagement.sessions.count() == 1


def test_rescheduling_onto_another_session_warns_too(engagement, organisation, programme, coach):
    other = _other_engagement(organisation, programme, coach)
    (mine,) = _plan(engagement, _soon(days=2))
    busy = _soon(days=9, hour=15)
    _plan(other, busy)
    client = Client()
    client.force_login(coach)
    url = reverse("session_schedule", args=[mine.pk])
    form = {
        "scheduled_at": busy.strftime("%Y-%m-%dT%H:%M"),
        "duration_minutes": 60,
        "version": mine.version,
    }
    assert "You have another session then" in client.post(url, form).content.decode()
    mine.refresh_from_db()
    assert mine.scheduled_at != busy
    assert client.post(url, {**form, "allow_overlap": "on"}).status_code == 302
    mine.refresh_from_db()
    assert mine.scheduled_at == busy and mine.calendar_sequence == 1


def test_a_cancelled_session_elsewhere_is_no_clash(engagement, organisation, programme, coach):
    other = _other_engagement(organisation, programme, coach)
    when = _soon(days=8)
    (gone,) = _plan(other, when)
    sessions.session_mark(actor=coach, session=gone, status="cancelled")
    planned = sessions.sessions_plan(
        actor=coach, engagement=engagement, first_at=when, count=1, allow_overlap=False
    )
    assert len(planned) == 1


def test_tick_report_names_what_it_did(engagement, run_tick):
    _plan(engagement, _soon())
    report = run_tick()
    assert report.counts["enqueued"] == 2
    assert "enqueued 2" in str(report)
    assert isinstance(schedule.tick(), schedule.TickReport)


def test_the_feed_leaves_out_an_organisation_where_the_person_was_deactivated(
    engagement, coach, programme_admin, outsider
):
    from django.test import Client
    from django.urls import reverse

    from conftest import member
    from tandem.accounts.models import Membership
    from tandem.accounts.services import membership_deactivate
    from tandem.core.tests.world import plan_session
    from tandem.notifications.services import calendar_feed_regenerate

    session = plan_session(engagement, hours_from_now=48)
    member(coach, outsider.memberships.get().organisation)  # active elsewhere: still signs in
    token = calendar_feed_regenerate(actor=coach)
    url = reverse("calendar_feed", args=[token])
    assert str(session.pk) in Client().get(url).content.decode()
    membership_deactivate(
        actor=programme_admin,
        membership=Membership.objects.get(user=coach, organisation=engagement.organisation),
    )
    response = Client().get(url)
    assert response.status_code == 200 and str(session.pk) not in response.content.decode()
