from __future__ import annotations

import json
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from tandem.accounts.models import User
from tandem.core.policy import Perm, engagement_require
from tandem.engagements.models import Engagement
from tandem.transcripts.analyser import TranscriptError, analyse
from tandem.transcripts.models import TranscriptAnalysis

MAX_BYTES = 2 * 1024 * 1024  # a 3-hour Teams transcript is well under 1 MB


@transaction.atomic
def transcript_analyse(
    *,
    actor: User,
    engagement: Engagement,
    filename: str,
    data: bytes,
    coach: str | None = None,
    keep: bool = False,
) -> TranscriptAnalysis:
    """Analyse an uploaded transcript. Bad files get the parser's message (file and line)
    and nothing is stored; without ``keep`` neither the transcript nor its utterance
    texts are stored, only labels, timings and the numbers."""
    engagement_require(actor, Perm.EDIT_SESSION_CONTENT, engagement)
    if len(data) > MAX_BYTES:
        raise ValidationError({"file": "That file is over 2 MB; is it really a transcript?"})
    try:
        analysis: dict[str, Any] = dict(
            analyse(data, filename=filename, coach=coach or None, quote=keep).to_dict()
        )
    except TranscriptError as exc:
        message = exc.problem if exc.field == "coach" else str(exc)
        raise ValidationError({exc.field: message}) from exc
    if not keep:
        for utterance in analysis["utterances"]:
            utterance["text"] = None
    record = TranscriptAnalysis(
        engagement=engagement,
        uploaded_by=actor,
        filename=filename[:255],
        coach_name=analysis["coach"],
        coaching_score=round(analysis["metrics"]["coaching_score"]),
        result=json.dumps(analysis),
        transcript=data.decode("utf-8-sig", errors="replace") if keep else "",
        kept=keep,
    )
    record.full_clean()
    record.save()
    return record
