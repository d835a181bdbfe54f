from __future__ import annotations

from uuid import UUID

from django.db.models import QuerySet

from tandem.accounts.models import User
from tandem.core.policy import Perm, engagement_require, object_get_for
from tandem.engagements.models import Engagement
from tandem.transcripts.models import TranscriptAnalysis


def analyses_for(*, user: User, engagement: Engagement) -> QuerySet[TranscriptAnalysis]:
    engagement_require(user, Perm.VIEW_SESSION_CONTENT, engagement)
    return TranscriptAnalysis.objects.filter(engagement=engagement).defer("result", "transcript")


def analysis_get_for(*, user: User, pk: UUID | str) -> TranscriptAnalysis:
    """Analyses follow the engagement's rules: coach and coachee, like session notes."""
    return object_get_for(
        user=user,
        queryset=TranscriptAnalysis.objects.select_related("engagement"),
        pk=pk,
        perm=Perm.VIEW_SESSION_CONTENT,
        missing="No such analysis.",
    )
