"""Stalled engagements: the rule, and the coach told once per stall."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tandem.engagements.models import Engagement
from tandem.notifications.kinds import Kind
from tandem.notifications.models import Notification
from tandem.programmes.models import EngagementFigures
from tandem.programmes.stalled import Reason, stall_of, stalled_notify, stalled_q
from tandem.programmes.tests.helpers import engagements

NOW = timezone.now()
TODAY = timezone.localdate(NOW)
WEEK = dt.timedelta(weeks=1)


def notices():
    return Notification.objects.filter(kind=Kind.ENGAGEMENT_STALLED)


def hold_session(engagement, when):
    import uuid

    EngagementFigures.objects.filter(pk=engagement.pk).update(
        sessions_held=1, last_held_at=when, last_held_session=uuid.uuid4()
    )


def test_the_rule():
    def stall(status="active", start=TODAY - 8 * WEEK, end=TODAY + WEEK, last=None):
        return stall_of(status=status, start_date=start, end_date=end, last_held_at=last, now=NOW)

    assert stall(last=NOW - 3 * WEEK) is None
    silent = stall(last=NOW - 5 * WEEK)
    assert silent.reason == Reason.SILENT and "(5 weeks)" in str(silent)
    assert stall(start=TODAY - 3 * WEEK) is None  # started three weeks ago, nothing yet
    never = stall()
    assert never.reason == Reason.NEVER and "since it started on" in str(never)
    assert stall(status="paused") is None  # on hold: not running
    assert stall(status="draft") is None
    over = stall(status="paused", end=TODAY - dt.timedelta(days=1), last=NOW)
    assert over.reason == Reason.OVERDUE and "still paused" in str(over)
    assert stall(status="completed", end=TODAY - WEEK) is None


CASES = st.tuples(
    st.sampled_from([s for s, _ in Engagement.Status.choices]),
    st.integers(min_value=-70, max_value=0),  # start, days from today
    st.one_of(st.none(), st.integers(min_value=-40, max_value=90)),  # end
    st.one_of(st.none(), st.integers(min_value=0, max_value=70)),  # last session, days ago
)


@settings(
    max_examples=40,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(st.lists(CASES, min_size=1, max_size=8))
def test_the_page_and_the_query_agree(programme, cases):
    """``stalled_q`` (SQL, for lists and notices) and ``stall_of`` (for rows already read)
    are the same rule."""
    from django.db import transaction

    with transaction.atomic():
        made = []
        for status, start, end, last in cases:
            (e,) = engagements(
                programme,
                1,
                status=status,
                start=TODAY + dt.timedelta(days=start),
            )
            Engagement.objects.filter(pk=e.pk).update(
                end_date=None if end is None else TODAY + dt.timedelta(days=end)
            )
            if last is not None:
                hold_session(e, NOW - dt.timedelta(days=last, hours=1))
            made.append(e)
        in_sql = set(
            Engagement.objects.filter(programme=programme)
            .filter(stalled_q(NOW))
            .values_list("pk", flat=True)
        )
        for e in Engagement.objects.filter(programme=programme).select_related("figures"):
            stall = stall_of(
                status=e.status,
                start_date=e.start_date,
                end_date=e.end_date,
                last_held_at=e.figures.last_held_at,
                now=NOW,
            )
            assert (stall is not None) == (e.pk in in_sql), (e.status, e.start_date, e.end_date)
        transaction.set_rollback(True)


@pytest.fixture
def silent(programme):
    (e,) = engagements(programme, 1, start=TODAY - 10 * WEEK)
    hold_session(e, NOW - 6 * WEEK)
    return e


def test_the_coach_is_told_once_per_stall(silent, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        assert stalled_notify(NOW) == 1
    assert stalled_notify(NOW) == 0  # the next minute
    assert stalled_notify(NOW + dt.timedelta(days=3)) == 0  # and days later, still stalled
    (notice,) = notices()
    assert notice.recipient_id == silent.coach_id
    (email,) = mail.outbox
    assert email.to == [silent.coach.email]
    assert "No session with" in email.subject and "for 6 weeks" in email.subject
    assert f"/engagements/{silent.pk}/" in email.body


def test_a_new_stall_after_a_session_is_told_again(silent):
    stalled_notify(NOW)
    hold_session(silent, NOW - WEEK)  # a session was held
    assert stalled_notify(NOW) == 0
    later = NOW + 4 * WEEK
    assert stalled_notify(later) == 1  # silent again, since that session
    assert notices().count() == 2


def test_a_session_closed_late_starts_a_new_stall(silent):
    """A session that took place five weeks ago, marked held only now: the stall the coach
    was told of has changed basis, so they hear of it again (once)."""
    stalled_notify(NOW)
    hold_session(silent, NOW - 5 * WEEK)
    assert stalled_notify(NOW) == 1
    assert stalled_notify(NOW) == 0


def test_past_the_end_date_is_told_once_and_again_if_the_date_moves(programme):
    (e,) = engagements(programme, 1, start=TODAY - 20 * WEEK)
    hold_session(e, NOW - dt.timedelta(days=2))
    Engagement.objects.filter(pk=e.pk).update(end_date=TODAY - dt.timedelta(days=1))
    assert stalled_notify(NOW) == 1
    assert stalled_notify(NOW) == 0
    Engagement.objects.filter(pk=e.pk).update(end_date=TODAY - dt.timedelta(days=0) - WEEK)
    assert stalled_notify(NOW) == 1
    assert {n.key.split(":")[2] for n in notices()} == {"ended"}


def test_nothing_for_paused_completed_or_one_on_one(programme, silent):
    Engagement.objects.filter(pk=silent.pk).update(status=Engagement.Status.PAUSED)
    assert stalled_notify(NOW) == 0


def test_an_engagement_without_figures_yet_is_not_told(programme):
    """Before ``figures_rebuild`` has run, an engagement's sessions are unknown: no notice
    claiming none was held."""
    (e,) = engagements(programme, 1, start=TODAY - 10 * WEEK)
    EngagementFigures.objects.filter(pk=e.pk).delete()
    assert stalled_notify(NOW) == 0


def test_the_message_is_skipped_if_a_session_was_held_before_sending(silent):
    from tandem.notifications.delivery import deliver

    stalled_notify(NOW)  # recorded; the worker sends it later
    hold_session(silent, timezone.now() - dt.timedelta(days=1))
    (notice,) = notices()
    deliver(str(notice.pk))
    notice.refresh_from_db()
    assert notice.state == Notification.State.SKIPPED
    assert mail.outbox == []


def test_the_message_says_what_to_do_and_nothing_confidential(
    silent, django_capture_on_commit_callbacks
):
    Engagement.objects.filter(pk=silent.pk).update(end_date=TODAY - dt.timedelta(days=3))
    with django_capture_on_commit_callbacks(execute=True):
        stalled_notify(NOW)
    (email,) = mail.outbox
    assert "past its end date" in email.subject
    assert "mark it completed" in email.body and "move its end date" in email.body


def test_cheap_when_nothing_is_new(silent, django_assert_num_queries):
    stalled_notify(NOW)
    with django_assert_num_queries(1):
        assert stalled_notify(NOW) == 0
