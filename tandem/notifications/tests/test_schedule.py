"""The scheduler against a frozen clock: what is sent when, on whose clock, and never twice.

The clock starts on Monday 1 March 2027, 07:00 in London (UTC then), before the engagement
and everything else is made."""

from __future__ import annotations

import datetime as dt
import zoneinfo

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from tandem.action_items import services as actions
from tandem.coaching_sessions import services as sessions
from tandem.core.tests.world import TARGET, held_session_with_action
from tandem.engagements import reviews
from tandem.engagements import services as engagements
from tandem.feedback import services as feedback
from tandem.feedback.models import FeedbackCycle
from tandem.notifications.kinds import Kind, Mode
from tandem.notifications.models import Notification
from tandem.notifications.services import preferences_save

pytestmark = pytest.mark.django_db

LONDON = zoneinfo.ZoneInfo("Europe/London")
NEW_YORK = zoneinfo.ZoneInfo("America/New_York")
START = dt.datetime(2027, 3, 1, 7, 0, tzinfo=LONDON)


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(START, tick=False) as traveller:
        yield traveller


def at(day: int, hour: int, minute: int = 0, zone: dt.tzinfo = LONDON) -> dt.datetime:
    return dt.datetime(2027, 3, day, hour, minute, tzinfo=zone)


def sent(kind: Kind, to: str | None = None) -> list:
    subjects = {
        n.subject for n in Notification.objects.filter(kind=kind, state=Notification.State.SENT)
    }
    return [m for m in mail.outbox if m.subject in subjects and (to is None or to in m.to)]


def plan(engagement, when: dt.datetime):
    return sessions.sessions_plan(
        actor=engagement.coach, engagement=engagement, first_at=when, count=1
    )[0]


# --- the coachee's agenda ------------------------------------------------------------------


def test_add_your_agenda_comes_two_days_before_and_once(engagement, coachee, clock, run_tick):
    session = plan(engagement, at(4, 10))
    clock.move_to(at(2, 9, 59))
    run_tick()
    assert sent(Kind.AGENDA_REMINDER) == []
    clock.move_to(at(2, 10))
    run_tick()
    (email,) = sent(Kind.AGENDA_REMINDER, to=coachee.email)
    assert "Add your agenda" in email.subject
    assert "Thursday 4 March 2027, 10:00–11:00 (Europe/London)" in email.body
    assert f"/sessions/{session.pk}/#agenda" in email.body
    for hour in (11, 18):
        clock.move_to(at(2, hour))
        run_tick()
    clock.move_to(at(3, 10))
    run_tick()
    assert len(sent(Kind.AGENDA_REMINDER)) == 1


def test_no_agenda_reminder_once_the_coachee_has_added_a_topic(
    engagement, coachee, clock, run_tick
):
    session = plan(engagement, at(4, 10))
    sessions.agenda_topic_add(actor=coachee, session=session, title="Delegation")
    clock.move_to(at(2, 12))
    run_tick()
    assert not Notification.objects.filter(kind=Kind.AGENDA_REMINDER).exists()


def test_a_reminder_found_due_is_skipped_if_the_agenda_came_before_sending(
    engagement, coachee, clock, run_tick
):
    from tandem.notifications.schedule import agenda_reminders

    session = plan(engagement, at(4, 10))
    clock.move_to(at(2, 12))
    agenda_reminders(at(2, 12))  # found due; its hand-over has not happened yet
    sessions.agenda_topic_add(actor=coachee, session=session, title="Delegation")
    run_tick()
    reminder = Notification.objects.get(kind=Kind.AGENDA_REMINDER)
    assert reminder.state == Notification.State.SKIPPED
    assert sent(Kind.AGENDA_REMINDER) == []


def test_a_moved_session_gets_its_own_reminder(engagement, coachee, clock, run_tick):
    session = plan(engagement, at(4, 10))
    clock.move_to(at(2, 10))
    run_tick()
    sessions.session_reschedule(
        actor=engagement.coach,
        session=session,
        scheduled_at=at(9, 10),
        duration_minutes=60,
        expected_version=session.version,
    )
    clock.move_to(at(7, 10))
    run_tick()
    _, second = sent(Kind.AGENDA_REMINDER, to=coachee.email)
    assert "Tuesday 9 March" in second.body


def test_the_coach_hears_once_when_the_coachee_adds_the_first_topic(
    engagement, coach, coachee, committed
):
    session = plan(engagement, at(4, 10))
    for title in ("Delegation", "Feedback to Dev"):
        committed(
            lambda title=title: sessions.agenda_topic_add(
                actor=coachee, session=session, title=title
            )
        )
    (email,) = sent(Kind.AGENDA_ADDED, to=coach.email)
    assert "set the agenda" in email.subject
    assert "Delegation" not in email.body


# --- actions, reflections, accountability, reviews -------------------------------------------


def test_actions_due_come_at_eight_on_the_owners_clock_in_one_email(
    engagement, coachee, clock, run_tick
):
    coachee.time_zone = "America/New_York"
    coachee.save()
    for title in ("Ask Dev about Q3", "Write the hiring plan"):
        actions.action_create(
            actor=coachee,
            engagement=engagement,
            title=title,
            owner=coachee,
            due_date=dt.date(2027, 3, 3),
        )
    clock.move_to(at(3, 7, 59, NEW_YORK))
    run_tick()
    assert sent(Kind.ACTIONS_DUE) == []
    clock.move_to(at(3, 8, 0, NEW_YORK))
    run_tick()
    (email,) = sent(Kind.ACTIONS_DUE, to=coachee.email)
    assert email.subject == "2 actions due today"
    assert "Wednesday 3 March 2027" in email.body and engagement.display_title in email.body
    assert "Ask Dev" not in email.body and "hiring plan" not in email.body
    clock.move_to(at(3, 20, 0, NEW_YORK))
    run_tick()
    assert len(sent(Kind.ACTIONS_DUE)) == 1


def test_actions_done_before_their_day_send_nothing(engagement, coachee, clock, run_tick):
    action = actions.action_create(
        actor=coachee, engagement=engagement, title="X", owner=coachee, due_date=at(3, 0).date()
    )
    actions.action_update(
        actor=coachee, action=action, evidence="", status="done", expected_version=action.version
    )
    clock.move_to(at(3, 9))
    run_tick()
    assert not Notification.objects.filter(kind=Kind.ACTIONS_DUE).exists()


def test_a_reflection_prompt_three_days_after_a_held_session(engagement, coachee, clock, run_tick):
    held_session_with_action(engagement, days_ago=0)  # held today, 07:00
    clock.move_to(at(4, 6, 59))
    run_tick()
    assert sent(Kind.REFLECTION_PROMPT) == []
    clock.move_to(at(4, 7))
    run_tick()
    (email,) = sent(Kind.REFLECTION_PROMPT, to=coachee.email)
    assert "reflect" in email.subject
    assert f"/engagements/{engagement.pk}/reflections/" in email.body


def test_no_reflection_prompt_after_writing_one(engagement, coachee, clock, run_tick):
    held_session_with_action(engagement, days_ago=0)
    clock.move_to(at(2, 9))
    actions.reflection_create(
        actor=coachee,
        engagement=engagement,
        situation="s",
        what_i_did="d",
        what_happened="h",
        what_i_learned="l",
    )
    clock.move_to(at(4, 8))
    run_tick()
    assert sent(Kind.REFLECTION_PROMPT) == []


def test_the_coach_is_nudged_a_day_after_a_session_left_open_without_accountability(
    engagement, coach, clock, run_tick
):
    held_session_with_action(engagement, days_ago=14)  # an action still open
    clock.move_to(at(1, 9))
    session = plan(engagement, at(1, 9, 30))
    clock.move_to(at(2, 9, 29))
    run_tick()
    assert sent(Kind.ACCOUNTABILITY_MISSING) == []
    clock.move_to(at(2, 9, 30))
    run_tick()
    (email,) = sent(Kind.ACCOUNTABILITY_MISSING, to=coach.email)
    assert "1 earlier action has no accountability" in email.body
    assert f"/sessions/{session.pk}/#accountability" in email.body
    assert "Ask Dev" not in email.body


def test_review_due_at_the_midpoint_and_two_weeks_before_the_end(
    engagement, coach, coachee, clock, run_tick
):
    target = engagements.target_create(actor=coach, engagement=engagement, **TARGET)
    midpoint = engagement.start_date + (engagement.end_date - engagement.start_date) / 2
    clock.move_to(dt.datetime.combine(midpoint, dt.time(9), tzinfo=LONDON))
    run_tick()
    (email,) = sent(Kind.REVIEW_DUE, to=coachee.email)
    assert email.subject == "Your midpoint review is due"
    reviews.review_rate(actor=coachee, engagement=engagement, kind="close", levels={target.pk: 0})
    close_window = engagement.end_date - dt.timedelta(days=14)
    clock.move_to(dt.datetime.combine(close_window, dt.time(9), tzinfo=LONDON))
    run_tick()
    assert len(sent(Kind.REVIEW_DUE)) == 1  # the close review was rated already


# --- raters --------------------------------------------------------------------------------


@pytest.fixture
def open_round(engagement, coach, coachee, committed):
    engagements.target_create(actor=coach, engagement=engagement, **TARGET)
    cycle = feedback.cycle_create(
        actor=coach,
        engagement=engagement,
        kind="baseline",
        closes_on=dt.date(2027, 3, 12),
        competency_keys=["delegation"],
    )
    for name in ("Ann", "Ben", "Cas"):
        invitation = feedback.invitation_nominate(
            actor=coachee,
            cycle=cycle,
            name=name,
            email=f"{name.lower()}@example.org",
            group="peer",
        )
        feedback.invitation_review(actor=coach, invitation=invitation, approve=True)
    committed(lambda: feedback.cycle_open(actor=coach, cycle=cycle))
    cycle.refresh_from_db()
    return cycle


def _answer(cycle: FeedbackCycle, email: str) -> None:
    invitation = cycle.invitations.get(email=email)
    assert cycle.questionnaire is not None
    raw = {k: "4" for k in feedback.questionnaire_item_keys(cycle.questionnaire)}
    feedback.answers_save(invitation=invitation, raw=raw, comment="", submit=True)


def test_raters_are_reminded_on_the_days_set_never_once_they_answered(open_round, clock, run_tick):
    assert open_round.reminder_days == [3, 1]
    _answer(open_round, "ann@example.org")
    mail.outbox.clear()
    clock.move_to(at(9, 8, 59))
    run_tick()
    assert mail.outbox == []
    clock.move_to(at(9, 9))
    run_tick()
    assert sorted(m.to[0] for m in mail.outbox) == ["ben@example.org", "cas@example.org"]
    assert all(m.subject.startswith("Reminder: feedback for") for m in mail.outbox)
    assert all("/r/" in m.body for m in mail.outbox)
    _answer(open_round, "ben@example.org")
    run_tick()
    clock.move_to(at(11, 9))
    run_tick()
    assert [m.to[0] for m in mail.outbox[2:]] == ["cas@example.org"]
    # No row anywhere says who was not reminded, nor who answered.
    ann = open_round.invitations.get(email="ann@example.org")
    assert not Notification.objects.filter(about=ann.pk, kind=Kind.RATER_REMINDER).exists()
    # The link never travels into the stored record.
    assert all("/r/" not in n.body for n in Notification.objects.all())


def test_a_reminder_to_someone_who_answered_before_sending_leaves_no_trace(
    open_round, clock, run_tick
):
    from tandem.notifications.schedule import rater_reminders

    clock.move_to(at(9, 9))
    rater_reminders(at(9, 9))  # three reminders found due
    _answer(open_round, "ann@example.org")
    mail.outbox.clear()
    run_tick()
    assert sorted(m.to[0] for m in mail.outbox) == ["ben@example.org", "cas@example.org"]
    reminders = Notification.objects.filter(kind=Kind.RATER_REMINDER)
    assert reminders.count() == 2
    assert set(reminders.values_list("state", flat=True)) == {Notification.State.SENT}


def test_the_coachs_remind_button_still_works_once_a_day(open_round, coach, committed):
    mail.outbox.clear()
    assert committed(lambda: feedback.cycle_send_reminders(actor=coach, cycle=open_round)) == 3
    assert len(mail.outbox) == 3
    assert committed(lambda: feedback.cycle_send_reminders(actor=coach, cycle=open_round)) == 0
    assert len(mail.outbox) == 3


def test_the_round_closes_itself_at_the_end_of_its_deadline_day(open_round, clock, run_tick):
    clock.move_to(at(12, 23, 59))
    run_tick()
    open_round.refresh_from_db()
    assert open_round.status == FeedbackCycle.Status.OPEN
    clock.move_to(at(13, 0, 0))
    report = run_tick()
    open_round.refresh_from_db()
    assert open_round.status == FeedbackCycle.Status.CLOSED
    assert report.counts["rounds_closed"] == 1
    token = open_round.invitations.filter(completed=False).exclude(token="").first().token
    page = Client().get(reverse("rater_answer", args=[token]), follow=True).content.decode()
    assert "has closed" in page
    assert run_tick().counts["rounds_closed"] == 0


def test_the_coachee_is_asked_to_nominate_and_the_coach_hears_of_proposals_once_a_day(
    engagement, coach, coachee, clock, run_tick, committed
):
    engagements.target_create(actor=coach, engagement=engagement, **TARGET)
    cycle = committed(
        lambda: feedback.cycle_create(
            actor=coach,
            engagement=engagement,
            kind="baseline",
            closes_on=dt.date(2027, 3, 20),
            competency_keys=["delegation"],
        )
    )
    (ask,) = sent(Kind.NOMINATE_RATERS, to=coachee.email)
    assert "Nominate your raters" in ask.subject
    for name in ("Ann", "Ben", "Cas"):
        committed(
            lambda name=name: feedback.invitation_nominate(
                actor=coachee, cycle=cycle, name=name, email=f"{name}@x.org", group="peer"
            )
        )
    assert sent(Kind.RATERS_WAITING) == []  # gathered for a quarter of an hour
    clock.move_to(at(1, 7, 15))
    run_tick()
    (waiting,) = sent(Kind.RATERS_WAITING, to=coach.email)
    assert waiting.subject.startswith("3 raters")
    assert "Ann" not in waiting.body
    committed(
        lambda: feedback.invitation_nominate(
            actor=coachee, cycle=cycle, name="Dee", email="dee@x.org", group="peer"
        )
    )
    clock.move_to(at(1, 18))
    run_tick()
    assert len(sent(Kind.RATERS_WAITING)) == 1  # once a day at most
    clock.move_to(at(2, 8))
    committed(
        lambda: feedback.invitation_nominate(
            actor=coachee, cycle=cycle, name="Eve", email="eve@x.org", group="peer"
        )
    )
    clock.move_to(at(2, 9))
    run_tick()
    assert len(sent(Kind.RATERS_WAITING)) == 2


# --- the digest and never twice ----------------------------------------------------------------


def test_the_weekly_digest_comes_on_monday_at_eight_on_the_persons_clock(
    engagement, coachee, clock, run_tick
):
    coachee.time_zone = "Asia/Tokyo"
    coachee.save()
    preferences_save(actor=coachee, modes={Kind.AGENDA_REMINDER: Mode.DIGEST})
    plan(engagement, at(4, 10))
    clock.move_to(at(2, 10))
    run_tick()
    assert sent(Kind.AGENDA_REMINDER) == []
    reminder = Notification.objects.get(kind=Kind.AGENDA_REMINDER)
    assert reminder.state == Notification.State.IN_DIGEST
    tokyo = zoneinfo.ZoneInfo("Asia/Tokyo")
    clock.move_to(dt.datetime(2027, 3, 8, 7, 59, tzinfo=tokyo))
    run_tick()
    assert sent(Kind.DIGEST) == []
    clock.move_to(dt.datetime(2027, 3, 8, 8, 0, tzinfo=tokyo))
    run_tick()
    (digest,) = sent(Kind.DIGEST, to=coachee.email)
    assert "Add your agenda" in digest.body
    reminder.refresh_from_db()
    assert reminder.state == Notification.State.DIGESTED
    clock.move_to(dt.datetime(2027, 3, 8, 12, 0, tzinfo=tokyo))
    run_tick()
    assert len(sent(Kind.DIGEST)) == 1


def test_an_item_after_mondays_digest_waits_for_the_next_one(engagement, coachee, clock, run_tick):
    preferences_save(actor=coachee, modes={Kind.AGENDA_REMINDER: Mode.DIGEST})
    plan(engagement, at(10, 10))  # its reminder falls on Monday 8 March, 10:00
    clock.move_to(at(8, 10, 5))
    run_tick()
    assert Notification.objects.get(kind=Kind.AGENDA_REMINDER).state == "in_digest"
    clock.move_to(at(9, 9))
    run_tick()
    assert sent(Kind.DIGEST) == []
    clock.move_to(at(15, 8))
    run_tick()
    assert len(sent(Kind.DIGEST)) == 1


def test_ticks_run_again_and_again_never_send_twice(engagement, clock, run_tick):
    plan(engagement, at(4, 10))
    held_session_with_action(engagement, days_ago=0)
    clock.move_to(at(4, 8))
    run_tick()
    count = len(mail.outbox)
    assert count > 0
    for _ in range(3):
        run_tick()
    clock.move_to(at(4, 8, 30))
    run_tick()
    assert len(mail.outbox) == count


def test_rhythm_tick_command_runs_one_pass(engagement, clock, django_capture_on_commit_callbacks):
    from io import StringIO

    plan(engagement, at(4, 10))
    clock.move_to(at(2, 10))
    out = StringIO()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("rhythm_tick", stdout=out)
    assert "agenda_reminders 1" in out.getvalue()
    assert sent(Kind.AGENDA_REMINDER)


def test_rhythm_tick_refuses_a_busy_loop():
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="at least 10 seconds"):
        call_command("rhythm_tick", every=1)


def test_the_stalled_engagement_step_can_be_registered(clock, run_tick):
    from tandem.notifications import schedule

    seen = []
    schedule.register_step("engagement_stalled", lambda now: seen.append(now) or 0)
    try:
        run_tick()
    finally:
        schedule.EXTRA_STEPS.pop("engagement_stalled")
    assert seen == [START]


def test_a_failing_step_does_not_stop_the_others(
    engagement, clock, django_capture_on_commit_callbacks
):
    from tandem.notifications import schedule

    def broken(now):
        raise RuntimeError("boom")

    schedule.register_step("broken", broken)
    plan(engagement, at(4, 10))
    clock.move_to(at(2, 10))
    try:
        with django_capture_on_commit_callbacks(execute=True):
            report = schedule.tick()
    finally:
        schedule.EXTRA_STEPS.pop("broken")
    assert report.failed == ["broken"]
    assert report.counts["agenda_reminders"] == 1 and report.counts["enqueued"] >= 0
    assert sent(Kind.AGENDA_REMINDER)


def test_invitations_left_pending_are_handed_over_but_not_twice_within_minutes(
    engagement, clock, run_tick
):
    plan(engagement, at(4, 10))  # committed in no request: its hand-over did not run
    pending = Notification.objects.filter(state="pending")
    assert pending.count() == 2
    Notification.objects.update(enqueued_at=at(1, 6, 58))
    assert run_tick().counts["enqueued"] == 0
    clock.move_to(at(1, 7, 4))
    assert run_tick().counts["enqueued"] == 2
    assert Notification.objects.filter(state="sent").count() == 2
