from __future__ import annotations

from uuid import UUID

from django.db.models import QuerySet
from django.http import Http404

from tandem.accounts.models import User
from tandem.core.policy import Perm, engagement_require, engagements_visible_to
from tandem.engagements.models import Engagement
from tandem.transcripts.models import TranscriptAnalysis


def analyses_for(*, user: User, engagement: Engagement) -> QuerySet[TranscriptAnalysis]:
    engagement_require(user, Perm.VIEW_SESSION_CONTENT, engagement)
    return TranscriptAnalysis.objects.filter(engagement=engagement).defer("result", "transcript")


def analysis_get_for(*, user: User, pk: UUID | str) -> TranscriptAnalysis:
    """Analyses follow the engagement's rules: coach and coachee, like session notes."""
    record = (
        TranscriptAnalysis.objects.filter(pk=pk, engagement__in=engagements_visible_to(user))
        .select_related("engagement")
        .first()
    )
    if record is None:
        raise Http404("No such analysis.")
    engagement_require(user, Perm.VIEW_SESSION_CONTENT, record.engagement)
    return record
