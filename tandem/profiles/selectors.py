from __future__ import annotations

from dataclasses import dataclass

from tandem.accounts.models import User
from tandem.core.policy import Perm, engagement_require
from tandem.engagements.models import Engagement
from tandem.profiles import ipip
from tandem.profiles.models import NormSnapshot, PersonalityProfile


@dataclass(frozen=True)
class FactorRow:
    factor: str
    score: int
    norm: ipip.NormResult | None
    lower: int = 0  # in the comparison group: how many scored lower, how many higher
    higher: int = 0


def profile_for(*, user: User, engagement: Engagement) -> PersonalityProfile | None:
    engagement_require(user, Perm.VIEW_PROFILE, engagement)
    return PersonalityProfile.objects.filter(engagement=engagement).first()


def profile_rows(profile: PersonalityProfile, snapshot: NormSnapshot | None) -> list[FactorRow]:
    """Each factor with the organisation's own mean and SD (IPIP publishes no norms), from
    its latest norm snapshot (``norms_as_of``): none until five people have taken it."""
    norms = snapshot.scores if snapshot else {}
    rows = []
    for factor, score in profile.scores.items():
        group = norms.get(factor, [])
        rows.append(
            FactorRow(
                factor,
                score,
                ipip.norm_comparison(score, group),
                lower=sum(x < score for x in group),
                higher=sum(x > score for x in group),
            )
        )
    return rows


def in_own_norms(profile: PersonalityProfile, snapshot: NormSnapshot | None) -> bool:
    """Whether the person's own profile is among the snapshot's scores."""
    return snapshot is not None and profile.created_at <= snapshot.created_at


def norms_as_of(profile: PersonalityProfile) -> NormSnapshot | None:
    return NormSnapshot.objects.filter(organisation_id=profile.engagement.organisation_id).first()
