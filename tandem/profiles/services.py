from __future__ import annotations

import json

from django.core.exceptions import ValidationError
from django.db import transaction

from tandem.accounts.models import Organisation, User
from tandem.core.policy import Perm, engagement_require
from tandem.core.services import locked
from tandem.engagements.models import Engagement
from tandem.profiles import ipip
from tandem.profiles.models import NormSnapshot, PersonalityProfile


@transaction.atomic
def profile_submit(
    *, actor: User, engagement: Engagement, answers: dict[int, int]
) -> PersonalityProfile:
    """Score the 50 answers and keep them; all fifty are needed for a 10–50 factor score."""
    engagement = locked(engagement)
    engagement_require(actor, Perm.TAKE_PROFILE, engagement)
    if PersonalityProfile.objects.filter(engagement=engagement).exists():
        raise ValidationError("You have already completed the profile for this engagement.")
    missing = [i.number for i in ipip.load_items() if i.number not in answers]
    if missing:
        raise ValidationError(
            f"{len(missing)} statement(s) have no answer yet (first: number {missing[0]}). "
            "Answer each one, then submit."
        )
    try:
        scores = ipip.score(answers)
    except ValueError as exc:
        raise ValidationError(str(exc)) from exc
    profile = PersonalityProfile(engagement=engagement, answers=json.dumps(answers), scores=scores)
    profile.save()
    norms_refresh(organisation=engagement.organisation)
    return profile


NORM_STEP = ipip.MIN_NORM_N  # new people a snapshot waits for: the first one, and each later


def norms_refresh(*, organisation: Organisation) -> NormSnapshot | None:
    """Take a new snapshot of the organisation's norms once enough new people took the
    profile since the last one; otherwise keep the last. One profile per person counts:
    their latest, whichever engagement it belongs to."""
    latest: dict[object, dict[str, int]] = {}
    # Scores are sealed per profile: opened here one by one (an organisation's handful).
    for profile in (
        PersonalityProfile.objects.filter(engagement__organisation=organisation)
        .order_by("created_at")
        .select_related("engagement")
        .only("id", "scores", "engagement__coachee_id")
    ):
        latest[profile.engagement.coachee_id] = profile.scores
    last = NormSnapshot.objects.filter(organisation=organisation).first()
    if len(latest) < (last.n if last else 0) + NORM_STEP:
        return last
    by_factor: dict[str, list[int]] = {}
    for scores in latest.values():
        for factor, value in scores.items():
            by_factor.setdefault(factor, []).append(value)
    return NormSnapshot.objects.create(
        organisation=organisation,
        n=len(latest),
        scores={factor: sorted(values) for factor, values in by_factor.items()},
    )
