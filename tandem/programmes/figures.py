"""The figures the programme dashboard adds up, one row per engagement, kept as the
engagement changes.

Write services call :func:`figures_touch` when they change something counted here (a session
held, a status, a target, a review rating, a 360 round closed or released); it schedules
:func:`figures_refresh` for when their transaction commits, through a django-tasks task
(run at once in development and tests, by the worker in production). The refresh recomputes
the whole row from the source tables in a handful of queries, so it is idempotent: running
it twice, late, or out of order gives the same row. ``manage.py figures_rebuild`` runs it for
every engagement (after a deploy, or for data that predates the figures).

The rows hold numbers and codes only — counts, a T-score, a coaching area's code, a mean
competency score — never what anyone wrote.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from functools import partial
from typing import Any
from uuid import UUID

from django.db import transaction
from django.db.models import Count, F, Min, Q, Sum
from django.utils import timezone

from tandem.accounts.areas import AREA_OF_COMPETENCY
from tandem.engagements.models import BehaviouralTarget, Engagement
from tandem.feedback.snapshot import ChangeRow
from tandem.programmes.models import CompetencyChange, EngagementArea, EngagementFigures


def figures_touch(engagement: Engagement | UUID | str) -> None:
    """Refresh the engagement's figures once the current transaction commits (at once
    outside one). Call it from a write service after it changed something counted.

    Touched many times in one transaction (a session closed, its actions, its feedback), an
    engagement is refreshed once: the first callback to run takes every id waiting."""
    connection = transaction.get_connection()
    waiting: set[str] = connection.__dict__.setdefault("_tandem_figures_waiting", set())
    waiting.add(str(getattr(engagement, "pk", engagement)))
    transaction.on_commit(partial(_enqueue_waiting, connection))


def _enqueue_waiting(connection: Any) -> None:
    from tandem.programmes.tasks import refresh_figures

    waiting: set[str] = connection.__dict__.pop("_tandem_figures_waiting", set())
    for engagement_id in sorted(waiting):
        refresh_figures.enqueue(engagement_id)


def figures_rebuild(engagement_ids: list[UUID] | None = None) -> int:
    """Refresh the figures of the given engagements (all when None), then the snapshots of
    their programmes once each; returns how many engagements."""
    from tandem.programmes.snapshots import snapshot_refresh

    ids = (
        engagement_ids
        if engagement_ids is not None
        else list(Engagement.objects.order_by("pk").values_list("pk", flat=True))
    )
    programmes = set()
    for engagement_id in ids:
        figures = figures_refresh(engagement_id, snapshot=False)
        if figures is not None and figures.programme_id is not None:
            programmes.add(figures.programme_id)
    for programme_id in sorted(programmes):
        snapshot_refresh(programme_id)
    return len(ids)


@dataclass(frozen=True)
class _Outcome:
    t_score: float | None
    reviewed_at: dt.datetime | None
    compared: int
    reliable: int
    released_at: dt.datetime | None
    competencies: list[tuple[str, float, float]]


COMPUTED = [
    "programme",
    "sessions_held",
    "sessions_live",
    "sessions_with_action",
    "last_held_session",
    "last_held_at",
    "feedback_count",
    "feedback_sum",
    "feedback_first_at",
    "raters_asked",
    "raters_answered",
    "targets",
    "close_t_score",
    "close_reviewed_at",
    "targets_compared",
    "targets_reliable",
    "change_released_at",
    "updated_at",
]


@transaction.atomic
def figures_refresh(
    engagement_id: UUID | str, *, snapshot: bool = True
) -> EngagementFigures | None:
    """Recompute one engagement's figures, its competency changes and its target areas from
    the source tables, and (unless ``snapshot`` is False) have its programme's dashboard
    snapshot recomputed after. Returns the row, or None if the engagement is gone."""
    from tandem.coaching_sessions.models import CoachingSession, SessionFeedback

    engagement_id = UUID(str(engagement_id))
    figures = _locked_row(engagement_id)
    if figures is None:
        return None
    counted_in = figures.programme_id
    held, planned = CoachingSession.Status.HELD, CoachingSession.Status.PLANNED
    sessions = CoachingSession.objects.filter(engagement_id=engagement_id).aggregate(
        held=Count("pk", filter=Q(status=held)),
        live=Count("pk", filter=Q(status__in=[held, planned])),
        # A held session closed with at least one action, or with an explicit "no action".
        with_action=Count("pk", filter=Q(status=held, no_action=False)),
    )
    last = (
        CoachingSession.objects.filter(engagement_id=engagement_id, status=held)
        .order_by("-scheduled_at", "-pk")
        .values_list("pk", "scheduled_at")
        .first()
    )
    feedback = SessionFeedback.objects.filter(
        session__engagement_id=engagement_id, session__status=held
    ).aggregate(n=Count("pk"), total=Sum("usefulness"), first=Min("created_at"))
    asked, answered = _raters(engagement_id)
    targets = list(BehaviouralTarget.objects.filter(engagement_id=engagement_id))
    outcome = _outcome(engagement_id, targets)

    figures.programme_id = (
        Engagement.objects.filter(pk=engagement_id).values_list("programme_id", flat=True).get()
    )
    figures.sessions_held = sessions["held"]
    figures.sessions_live = sessions["live"]
    figures.sessions_with_action = sessions["with_action"]
    figures.last_held_session, figures.last_held_at = last if last else (None, None)
    figures.feedback_count = feedback["n"]
    figures.feedback_sum = feedback["total"] or 0
    figures.feedback_first_at = feedback["first"]
    figures.raters_asked, figures.raters_answered = asked, answered
    figures.targets = len(targets)
    figures.close_t_score = outcome.t_score
    figures.close_reviewed_at = outcome.reviewed_at
    figures.targets_compared = outcome.compared
    figures.targets_reliable = outcome.reliable
    figures.change_released_at = outcome.released_at
    # The stall notice markers are stalled.py's: not written here.
    figures.save(update_fields=COMPUTED)
    _replace_competency_changes(engagement_id, outcome)
    _replace_areas(engagement_id, Counter(target_area(t.area, t.baseline_item) for t in targets))
    programmes_changed({counted_in, figures.programme_id}, snapshot=snapshot)
    return figures


def programmes_changed(programme_ids: Iterable[UUID | None], *, snapshot: bool = True) -> None:
    """Raise the stamps of these programmes: their dashboards compute afresh — and, with
    ``snapshot``, have each one's snapshot recomputed once this transaction commits (one
    waiting task per programme, however many changes come meanwhile)."""
    from tandem.programmes.models import ProgrammeStamp

    ids = sorted({p for p in programme_ids if p is not None})
    if not ids:
        return
    stamps = ProgrammeStamp.objects.filter(programme_id__in=ids)
    if stamps.update(version=F("version") + 1, changed_at=timezone.now()) < len(ids):
        # A programme's first figures: add its stamp (or wait for the one another refresh
        # is adding), then raise it like the others.
        ProgrammeStamp.objects.bulk_create(
            [ProgrammeStamp(programme_id=p) for p in ids], ignore_conflicts=True
        )
        stamps.update(version=F("version") + 1, changed_at=timezone.now())
    if not snapshot:
        return
    now = timezone.now()
    for programme_id in ids:
        waiting = Q(snapshot_asked_at__gt=now - SNAPSHOT_LOST_AFTER)
        if (
            ProgrammeStamp.objects.filter(programme_id=programme_id)
            .exclude(waiting)
            .update(snapshot_asked_at=now)
        ):
            transaction.on_commit(partial(_enqueue_snapshot, str(programme_id)))


SNAPSHOT_LOST_AFTER = dt.timedelta(minutes=10)


def _enqueue_snapshot(programme_id: str) -> None:
    from tandem.programmes.tasks import refresh_snapshot

    refresh_snapshot.enqueue(programme_id)


def _locked_row(engagement_id: UUID) -> EngagementFigures | None:
    """The engagement's figures row, locked: one refresh at a time per engagement, so a
    later one waits and then reads what the earlier one could not see yet."""
    figures = EngagementFigures.objects.select_for_update().filter(pk=engagement_id).first()
    if figures is not None:
        return figures
    if not Engagement.objects.filter(pk=engagement_id).exists():
        return None  # deleted meanwhile
    EngagementFigures.objects.get_or_create(engagement_id=engagement_id)
    return EngagementFigures.objects.select_for_update().get(pk=engagement_id)


def _replace_competency_changes(engagement_id: UUID | str, outcome: _Outcome) -> None:
    rows = {
        key: (before, after, outcome.released_at)
        for key, before, after in outcome.competencies
        if outcome.released_at is not None
    }
    existing = {
        c.competency: (c.before, c.after, c.released_at)
        for c in CompetencyChange.objects.filter(engagement_id=engagement_id)
    }
    if rows == existing:
        return
    CompetencyChange.objects.filter(engagement_id=engagement_id).delete()
    CompetencyChange.objects.bulk_create(
        CompetencyChange(
            engagement_id=engagement_id,
            competency=key,
            before=before,
            after=after,
            released_at=released_at,
        )
        for key, (before, after, released_at) in sorted(rows.items())
    )


def _replace_areas(engagement_id: UUID | str, areas: Counter[str]) -> None:
    existing = dict(
        EngagementArea.objects.filter(engagement_id=engagement_id).values_list("area", "targets")
    )
    if existing == dict(areas):
        return
    EngagementArea.objects.filter(engagement_id=engagement_id).delete()
    EngagementArea.objects.bulk_create(
        EngagementArea(engagement_id=engagement_id, area=area, targets=n)
        for area, n in sorted(areas.items())
    )


def target_area(area: str, baseline_item: str) -> str:
    """The coaching area a target counts under: its own, else that of the 360 competency
    its closest question belongs to, else "" (not classified)."""
    from tandem.feedback.library import SECTION_OF_ITEM

    if area:
        return area
    competency = SECTION_OF_ITEM.get(baseline_item or "")
    return str(AREA_OF_COMPETENCY.get(competency or "", ""))


def _raters(engagement_id: UUID | str) -> tuple[int, int]:
    """Raters asked and answers given in the engagement's finished 360 rounds (closed or
    released), the coachee's self-assessment left out: the response rate of rounds that
    can no longer change. Asked counts everyone sent a link, removed or not (as the round's
    own progress does)."""
    from tandem.feedback.models import FeedbackCycle, Invitation, RaterGroup, Response

    finished = [FeedbackCycle.Status.CLOSED, FeedbackCycle.Status.RELEASED]
    asked = (
        Invitation.objects.filter(cycle__engagement_id=engagement_id, cycle__status__in=finished)
        .exclude(group=RaterGroup.SELF)
        .filter(Q(status=Invitation.Status.APPROVED) | Q(sent_at__isnull=False))
        .count()
    )
    answered = (
        Response.objects.filter(cycle__engagement_id=engagement_id, cycle__status__in=finished)
        .exclude(group=RaterGroup.SELF)
        .count()
    )
    return asked, answered


def _outcome(engagement_id: UUID | str, targets: list[BehaviouralTarget]) -> _Outcome:
    """The close review's GAS T-score and the released closing 360's change."""
    from tandem.engagements.models import Review
    from tandem.engagements.reviews import review_scores
    from tandem.feedback.models import FeedbackCycle

    t_score, reviewed_at = None, None
    review = (
        Review.objects.filter(engagement_id=engagement_id, kind=Review.Kind.CLOSE)
        .prefetch_related("ratings")
        .first()
    )
    if review is not None and review.ratings.all():
        scores = review_scores(review, targets)
        given = [s for s in (scores.coach, scores.coachee) if s is not None]
        if given:
            t_score = round(sum(given) / len(given), 2)
            # When it was first recorded: a later correction does not move the engagement
            # to the back of the programme's order (see dashboard.py, "steps of five").
            reviewed_at = min(r.created_at for r in review.ratings.all())
    close = (
        FeedbackCycle.objects.filter(
            engagement_id=engagement_id,
            kind=FeedbackCycle.Kind.CLOSE,
            status=FeedbackCycle.Status.RELEASED,
        )
        .only("id", "report", "released_at")
        .first()
    )
    compared = reliable = 0
    competencies: list[tuple[str, float, float]] = []
    released_at = None
    if close is not None and close.report is not None:
        released_at = close.released_at
        change = close.report.change  # the sealed snapshot, opened here only
        if change is not None:
            compared, reliable = _targets_changed(change.targets)
            competencies = [
                (c.key, c.before, c.after)
                for c in change.competencies
                if c.before is not None and c.after is not None
            ]
    return _Outcome(t_score, reviewed_at, compared, reliable, released_at, competencies)


def _targets_changed(rows: list[ChangeRow]) -> tuple[int, int]:
    """Targets compared with the baseline, and of those the ones with a reliable
    improvement (beyond the measure's error and the rater mix; report.py ``_verdict``)."""
    compared = [r for r in rows if r.before is not None and r.after is not None]
    reliable = [r for r in compared if r.reliable and r.verdict == "improved"]
    return len(compared), len(reliable)
