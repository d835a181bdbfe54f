"""A coach's own session-feedback average, for their eyes only."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from uuid import UUID

from django.db.models import Count, Q, Sum

from tandem.accounts.models import User
from tandem.programmes.disclosure import stepped


@dataclass(frozen=True)
class CoachFeedback:
    mean: float
    ratings: int  # how many it is the mean of: a multiple of five
    coachees: int


MIN_RATINGS = 5
MIN_COACHEES = 3


def coach_feedback_summary(coach: User) -> CoachFeedback | None:
    """The mean usefulness coachees gave the sessions ``coach`` held, over the first
    5·⌊n/5⌋ ratings in the order they were given — so one new rating never moves it and
    nobody's can be told apart — once there are at least five from at least three
    coachees. None before that. Only for the coach's own eyes."""
    from tandem.coaching_sessions.models import CoachingSession, SessionFeedback

    ratings = SessionFeedback.objects.filter(
        _held_by(coach), session__status=CoachingSession.Status.HELD
    )
    used = stepped(ratings.count())
    if used < MIN_RATINGS:
        return None
    first = ratings.order_by("created_at", "pk").values("pk")[:used]
    agg = SessionFeedback.objects.filter(pk__in=first).aggregate(
        total=Sum("usefulness"), coachees=Count("session__engagement__coachee_id", distinct=True)
    )
    if agg["coachees"] < MIN_COACHEES:
        return None
    return CoachFeedback(mean=agg["total"] / used, ratings=used, coachees=agg["coachees"])


def _held_by(coach: User) -> Q:
    """Sessions held while ``coach`` coached their engagement: a coach replaced midway
    keeps the ratings of the sessions they held, the new coach gets those after."""
    from tandem.engagements.models import CoachHandover

    handed = CoachHandover.objects.filter(
        engagement_id__in=CoachHandover.objects.filter(
            Q(from_coach=coach) | Q(to_coach=coach)
        ).values("engagement_id")
    ).order_by("engagement_id", "created_at")
    chains: dict[UUID, list[CoachHandover]] = defaultdict(list)
    for handover in handed:
        chains[handover.engagement_id].append(handover)
    mine = Q(session__engagement__coach=coach) & ~Q(session__engagement_id__in=list(chains))
    for engagement_id, chain in chains.items():
        start: dt.datetime | None = None
        who = chain[0].from_coach_id
        for step in [*chain, None]:
            end = step.created_at if step is not None else None
            if who == coach.pk:
                period = Q(session__engagement_id=engagement_id)
                if start is not None:
                    period &= Q(session__scheduled_at__gte=start)
                if end is not None:
                    period &= Q(session__scheduled_at__lt=end)
                mine |= period
            if step is not None:
                start, who = step.created_at, step.to_coach_id
    return mine
