"""A coach's own session-feedback average: over at least five ratings from at least three
coachees, in steps of five ratings, for the sessions they held."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from tandem.coaching_sessions.models import CoachingSession, SessionFeedback
from tandem.engagements.models import CoachHandover
from tandem.programmes.dashboard import coach_feedback_summary
from tandem.programmes.tests.helpers import engagements, people

START = timezone.now() - dt.timedelta(days=60)
_clock = iter(range(10_000))


def rate(engagement, usefulness, *, held_at=None, status=CoachingSession.Status.HELD):
    """A held session of ``engagement`` and its coachee's rating, given after all before."""
    minute = next(_clock)
    session = CoachingSession.objects.create(
        engagement=engagement,
        scheduled_at=held_at or START + dt.timedelta(days=minute % 50, minutes=minute),
        status=status,
    )
    feedback = SessionFeedback.objects.create(session=session, usefulness=usefulness)
    SessionFeedback.objects.filter(pk=feedback.pk).update(
        created_at=START + dt.timedelta(minutes=minute)
    )
    return feedback


@pytest.fixture
def three(programme):
    (coach,) = people(programme.organisation, 1, role="coach")
    return coach, engagements(programme, 3, coach=coach)


def test_nothing_before_five_ratings(three):
    coach, (a, b, c) = three
    for e, value in ((a, 5), (b, 4), (c, 3), (a, 5)):
        rate(e, value)
    assert coach_feedback_summary(coach) is None
    rate(b, 3)
    summary = coach_feedback_summary(coach)
    assert summary.mean == pytest.approx(4.0) and summary.ratings == 5 and summary.coachees == 3


def test_nothing_from_fewer_than_three_coachees(three):
    coach, (a, b, _) = three
    for value in (5, 4, 5, 4, 5):
        rate(a, value)
    for value in (1, 2, 1, 2, 1):
        rate(b, value)
    assert coach_feedback_summary(coach) is None


def test_one_more_rating_never_moves_it(three):
    coach, (a, b, c) = three
    for e, value in ((a, 5), (b, 4), (c, 3), (a, 4), (b, 4)):
        rate(e, value)
    assert coach_feedback_summary(coach).mean == pytest.approx(4.0)
    for _ in range(4):
        rate(c, 1)
        assert coach_feedback_summary(coach).mean == pytest.approx(4.0)
    rate(c, 1)
    summary = coach_feedback_summary(coach)
    assert summary.ratings == 10 and summary.mean == pytest.approx((20 + 5) / 10)


def test_only_held_sessions_of_their_own_engagements(three, programme):
    coach, (a, b, c) = three
    (other,) = people(programme.organisation, 1, role="coach")
    theirs = engagements(programme, 3, coach=other)
    for e in theirs:
        rate(e, 1)
        rate(e, 1)
    for e in (a, b, c):
        rate(e, 4)
    rate(a, 4)
    assert coach_feedback_summary(coach) is None  # four of the coach's own
    rate(b, 4)
    assert coach_feedback_summary(coach).mean == pytest.approx(4.0)
    assert coach_feedback_summary(other).mean == pytest.approx(1.0)


def test_a_replaced_coach_keeps_the_ratings_of_the_sessions_they_held(three, programme):
    coach, (a, b, c) = three
    (successor,) = people(programme.organisation, 1, role="coach")
    handed_at = START + dt.timedelta(days=30)
    for e in (a, b, c):
        rate(e, 5, held_at=handed_at - dt.timedelta(days=10))
        rate(e, 1, held_at=handed_at + dt.timedelta(days=10))
    CoachHandover.objects.create(engagement=a, from_coach=coach, to_coach=successor)
    CoachHandover.objects.filter(engagement=a).update(created_at=handed_at)
    a.coach = successor
    a.save()
    # The coach: a's first session, and both of b's and c's.
    summary = coach_feedback_summary(coach)
    assert summary.ratings == 5 and summary.mean == pytest.approx((5 * 3 + 1 * 2) / 5)
    # The successor held one session of a: not enough.
    assert coach_feedback_summary(successor) is None
