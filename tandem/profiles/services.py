from __future__ import annotations

import json

from django.core.exceptions import ValidationError
from django.db import transaction

from tandem.accounts.models import User
from tandem.core.policy import Perm, engagement_require
from tandem.core.services import locked
from tandem.engagements.models import Engagement
from tandem.profiles import ipip
from tandem.profiles.models import PersonalityProfile


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
    return profile
