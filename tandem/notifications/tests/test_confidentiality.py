"""Nothing confidential leaves by email, calendar or feed: canaries written through every
kind of content a notification could be about are absent from every email (subject, text,
invitation), every stored notification, the calendar feed and the log."""

from __future__ import annotations

import datetime as dt
import logging
import zoneinfo

import pytest
import time_machine
from django.core import mail
from django.test import Client
from django.urls import reverse

from tandem.action_items import services as actions
from tandem.coaching_sessions import services as sessions
from tandem.core.tests.world import TARGET, backdate, held_session_with_action
from tandem.engagements import reviews
from tandem.engagements import services as engagements
from tandem.feedback import services as feedback
from tandem.notifications.kinds import Kind, Mode
from tandem.notifications.models import Notification
from tandem.notifications.services import calendar_feed_regenerate, preferences_save

pytestmark = pytest.mark.django_db

LONDON = zoneinfo.ZoneInfo("Europe/London")
CANARIES = {
    "topic": "CANARY-TOPIC-7Q",
    "goal": "CANARY-GOAL-7Q",
    "action": "CANARY-ACTION-7Q",
    "target": "CANARY-TARGET-7Q",
    "reflection": "CANARY-REFLECTION-7Q",
    "summary": "CANARY-SUMMARY-7Q",
    "comment": "CANARY-COMMENT-7Q",
}


def at(day: int, hour: int) -> dt.datetime:
    return dt.datetime(2027, 3, day, hour, tzinfo=LONDON)


def _everything(message) -> str:
    parts = [message.subject, message.body, *map(str, message.extra_headers.values())]
    parts += [str(content) for content, _ in message.alternatives]
    parts += [str(content) for _, content, _ in message.attachments]
    return "\n".join(parts)


def test_no_canary_in_any_email_invitation_feed_record_or_log(
    engagement, coach, coachee, sponsor, run_tick, committed, caplog
):
    caplog.set_level(logging.DEBUG)
    engagement.start_date, engagement.end_date = dt.date(2027, 2, 1), dt.date(2027, 5, 31)
    engagement.save()
    with time_machine.travel(at(1, 7), tick=False) as clock:
        preferences_save(actor=coach, modes={Kind.RATERS_WAITING: Mode.DIGEST})
        target = committed(
            lambda: engagements.target_create(
                actor=coach, engagement=engagement, **{**TARGET, "behaviour": CANARIES["target"]}
            )
        )
        committed(lambda: engagements.targets_submit(actor=coachee, engagement=engagement))
        previous = held_session_with_action(engagement, days_ago=1)
        actions.action_update(
            actor=coachee,
            action=previous,
            evidence="",
            status="open",
            expected_version=previous.version,
            title=CANARIES["action"],
            keep_due_date=False,
            due_date=dt.date(2027, 3, 2),
        )
        upcoming = committed(
            lambda: sessions.sessions_plan(
                actor=coach, engagement=engagement, first_at=at(3, 10), count=2
            )
        )
        topic = committed(
            lambda: sessions.agenda_topic_add(
                actor=coachee, session=upcoming[0], title=CANARIES["topic"]
            )
        )
        sessions.grow_topic_update(
            actor=coach,
            topic=topic,
            goal=CANARIES["goal"],
            reality="",
            will="",
            expected_version=None,
        )
        written = committed(
            lambda: actions.reflection_create(
                actor=coachee,
                engagement=engagement,
                target=target,
                situation=CANARIES["reflection"],
                what_i_did=CANARIES["reflection"],
                what_happened=CANARIES["reflection"],
                what_i_learned=CANARIES["reflection"],
                share_with_coach=True,
            )
        )
        backdate(written, at(1, 7) - dt.timedelta(days=3))  # before the last session
        cycle = committed(
            lambda: feedback.cycle_create(
                actor=coach,
                engagement=engagement,
                kind="baseline",
                closes_on=dt.date(2027, 3, 12),
                competency_keys=["delegation"],
            )
        )
        for name in ("Ann", "Ben", "Cas"):
            invitation = committed(
                lambda name=name: feedback.invitation_nominate(
                    actor=coachee, cycle=cycle, name=name, email=f"{name}@x.org", group="peer"
                )
            )
            feedback.invitation_review(actor=coach, invitation=invitation, approve=True)
        committed(
            lambda: feedback.invitation_nominate(
                actor=coachee, cycle=cycle, name="Dee", email="dee@x.org", group="peer"
            )
        )  # left for the coach to approve: in the coach's weekly digest
        committed(lambda: feedback.cycle_open(actor=coach, cycle=cycle))
        cycle.refresh_from_db()
        keys = feedback.questionnaire_item_keys(cycle.questionnaire)
        for email in ("Ann@x.org", "ben@x.org"):
            feedback.answers_save(
                invitation=cycle.invitations.get(email=email.lower()),
                raw={k: "4" for k in keys},
                comment=CANARIES["comment"],
                submit=True,
            )
        # Days pass: reminders, actions due, prompts, accountability, digests.
        for day, hour in (
            (1, 9),
            (2, 9),
            (3, 12),
            (4, 11),
            (8, 9),
            (9, 9),
            (11, 9),
            (13, 1),
            (15, 11),
        ):
            clock.move_to(at(day, hour))
            run_tick()
        cycle.refresh_from_db()
        assert cycle.status == "closed"
        for comment in cycle.comments.all():
            feedback.comment_review(actor=coach, comment=comment, approve=True)
        committed(lambda: feedback.cycle_release(actor=coach, cycle=cycle))
        reviews.review_rate(
            actor=coachee, engagement=engagement, kind="midpoint", levels={target.pk: 1}
        )
        committed(
            lambda: reviews.sponsor_summary_save(
                actor=coachee,
                engagement=engagement,
                kind="midpoint",
                text=CANARIES["summary"],
                approve=True,
                expected_version=None,
            )
        )
        feed = Client().get(
            reverse("calendar_feed", args=[calendar_feed_regenerate(actor=coachee)])
        )

    kinds_sent = set(
        Notification.objects.filter(state=Notification.State.SENT).values_list("kind", flat=True)
    )
    # The walk above really sent these kinds (so the canaries had their chance).
    assert {
        Kind.SESSION_INVITATION,
        Kind.AGENDA_ADDED,
        Kind.REFLECTION_SHARED,
        Kind.TARGETS_TO_SIGN_OFF,
        Kind.NOMINATE_RATERS,
        Kind.RATER_INVITATION,
        Kind.RATER_REMINDER,
        Kind.ACTIONS_DUE,
        Kind.AGENDA_REMINDER,
        Kind.ACCOUNTABILITY_MISSING,
        Kind.REFLECTION_PROMPT,
        Kind.DIGEST,
        Kind.REPORT_RELEASED,
        Kind.SUMMARY_APPROVED,
    } <= kinds_sent
    assert len(mail.outbox) >= 20
    texts = [_everything(m) for m in mail.outbox]
    texts.append(feed.content.decode())
    texts += [
        f"{n.subject}\n{n.body}\n{n.link}\n{n.params}\n{n.last_error}"
        for n in Notification.objects.all()
    ]
    texts.append(caplog.text)
    for name, canary in CANARIES.items():
        leaks = [text[:120] for text in texts if canary in text]
        assert leaks == [], f"The {name} leaked: {leaks}"
    assert feed.status_code == 200 and "BEGIN:VEVENT" in feed.content.decode()
