"""Midpoint and close reviews (GAS ratings → T-scores) and the sponsor summary."""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from tandem.accounts.models import User
from tandem.core.policy import Perm, engagement_require
from tandem.core.services import locked
from tandem.core.versioning import bump_version
from tandem.engagements.models import (
    BehaviouralTarget,
    Engagement,
    Review,
    SponsorSummary,
    TargetRating,
)
from tandem.feedback.measures import gas_t_score
from tandem.programmes.figures import figures_touch


def _rater_role(actor: User, engagement: Engagement) -> str:
    if actor.pk == engagement.coach_id:
        return TargetRating.Rater.COACH
    if actor.pk == engagement.coachee_id:
        return TargetRating.Rater.COACHEE
    raise PermissionDenied("Only the coach and the coachee rate the targets.")


@transaction.atomic
def review_rate(
    *, actor: User, engagement: Engagement, kind: str, levels: dict[UUID, int]
) -> Review:
    """Record the actor's GAS level (−2…+2) for every target of the contract."""
    engagement = locked(engagement)
    engagement_require(actor, Perm.RATE_REVIEW, engagement)
    if kind not in Review.Kind.values:
        raise ValidationError("Choose the midpoint or the close review.")
    rater = _rater_role(actor, engagement)
    targets = list(engagement.targets.all())
    if not targets:
        raise ValidationError("There are no targets to review yet.")
    missing = [t for t in targets if t.pk not in levels]
    if missing:
        raise ValidationError(
            f"Rate every target: {len(missing)} still without a level "
            f"(first: “{missing[0].behaviour}”)."
        )
    bad = [v for v in levels.values() if v not in (-2, -1, 0, 1, 2)]
    if bad:
        raise ValidationError("Levels run from −2 to +2 (0 is the expected outcome).")
    review, _ = Review.objects.get_or_create(engagement=engagement, kind=kind)
    for target in targets:
        TargetRating.objects.update_or_create(
            review=review,
            target=target,
            rater=rater,
            defaults={
                "level": levels[target.pk],
                "behaviour": target.behaviour,
                "weight": target.weight,
                "level_text": dict(target.gas_levels)[levels[target.pk]],
            },
        )
    figures_touch(engagement)
    return review


@dataclass(frozen=True)
class ReviewScores:
    coach: float | None  # GAS T-score from the coach's ratings, once every target is rated
    coachee: float | None
    levels: dict[UUID, dict[str, int]]  # target → rater → level
    # target → rater → the target as it read when rated (behaviour, level, level text), where
    # it reads differently now
    rated_as: dict[UUID, dict[str, tuple[str, int, str]]]
    # ratings of targets removed from the contract since: (behaviour, rater, level)
    removed: list[tuple[str, str, int]]
    # raters who have not rated targets added since they rated
    unrated_new: set[str]


def review_scores(review: Review, targets: list[BehaviouralTarget]) -> ReviewScores:
    """T-scores from the ratings as given — each target with the weight, wording and level
    text it had when rated, removed ones included — so editing the contract later never
    rewrites a past review. Targets added since are not in a rater's score until rated."""
    current = {t.pk: t for t in targets}
    levels: dict[UUID, dict[str, int]] = {t.pk: {} for t in targets}
    rated_as: dict[UUID, dict[str, tuple[str, int, str]]] = {}
    removed: list[tuple[str, str, int]] = []
    given: dict[str, list[tuple[int, int]]] = {}  # rater → (level, weight)
    for rating in review.ratings.all():
        given.setdefault(rating.rater, []).append((rating.level, rating.weight))
        target = current.get(rating.target_id) if rating.target_id else None
        if target is None:
            removed.append((rating.behaviour, rating.rater, rating.level))
            continue
        levels[target.pk][rating.rater] = rating.level
        now_reads = dict(target.gas_levels).get(rating.level, "")
        if (rating.behaviour and rating.behaviour != target.behaviour) or (
            rating.level_text and rating.level_text != now_reads
        ):
            rated_as.setdefault(target.pk, {})[rating.rater] = (
                rating.behaviour,
                rating.level,
                rating.level_text,
            )

    def t_score(rater: str) -> float | None:
        ratings = given.get(rater)
        if not ratings:
            return None
        score = gas_t_score([lv for lv, _ in ratings], weights=[w for _, w in ratings])
        return round(score, 1)

    unrated = {r for r in given if any(r not in levels[t.pk] for t in targets)}
    return ReviewScores(t_score("coach"), t_score("coachee"), levels, rated_as, removed, unrated)


# --- the sponsor summary -------------------------------------------------------------------


@transaction.atomic
def sponsor_summary_save(
    *,
    actor: User,
    engagement: Engagement,
    kind: str,
    text: str,
    approve: bool,
    expected_version: int | None,
) -> SponsorSummary:
    """The coachee writes what the sponsor may know, and approves it; only then does the
    sponsor see it. An approved summary is final: it was what the coachee agreed to."""
    engagement = locked(engagement)
    engagement_require(actor, Perm.WRITE_SPONSOR_SUMMARY, engagement)
    review, _ = Review.objects.get_or_create(engagement=engagement, kind=kind)
    summary, created = SponsorSummary.objects.select_for_update().get_or_create(
        engagement=engagement, review=review
    )
    if summary.approved_at is not None:
        raise ValidationError("This summary was approved and shared; it can no longer change.")
    if not created:
        bump_version(summary, expected=expected_version)
    text = text.strip()
    if approve and not text:
        raise ValidationError({"text": "Write the summary before approving it."})
    summary.text = text
    summary.approved_at = timezone.now() if approve else None
    summary.full_clean()
    summary.save()
    if approve:
        from tandem.notifications.events import summary_approved

        summary_approved(summary)  # the sponsor is told; what it says stays in the app
    return summary


def sponsor_summaries_for(*, user: User, engagement: Engagement) -> QuerySet[SponsorSummary]:
    """Coach and coachee see drafts too; the sponsor only what the coachee approved."""
    engagement_require(user, Perm.READ_SPONSOR_SUMMARY, engagement)
    summaries = engagement.sponsor_summaries.select_related("review")
    if user.pk not in (engagement.coach_id, engagement.coachee_id):
        summaries = summaries.filter(approved_at__isnull=False)
    return summaries
