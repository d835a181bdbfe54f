from __future__ import annotations

from dataclasses import dataclass

from tandem.accounts.models import User
from tandem.core.policy import Perm, engagement_require
from tandem.engagements.models import Engagement
from tandem.profiles import ipip
from tandem.profiles.models import PersonalityProfile


@dataclass(frozen=True)
class FactorRow:
    factor: str
    score: int
    norm: ipip.NormResult | None


def profile_for(*, user: User, engagement: Engagement) -> PersonalityProfile | None:
    engagement_require(user, Perm.VIEW_PROFILE, engagement)
    return PersonalityProfile.objects.filter(engagement=engagement).first()


def profile_rows(profile: PersonalityProfile) -> list[FactorRow]:
    """Each factor with the organisation's own mean and SD (IPIP publishes no norms);
    the comparison appears once at least five people in the organisation took it."""
    others = PersonalityProfile.objects.filter(
        engagement__organisation_id=profile.engagement.organisation_id
    ).values_list("scores", flat=True)
    org_scores = list(others)
    return [
        FactorRow(
            factor,
            score,
            ipip.norm_comparison(score, [s[factor] for s in org_scores if factor in s]),
        )
        for factor, score in profile.scores.items()
    ]
