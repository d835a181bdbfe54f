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
# Above this an upload is analysed by the worker (tasks.analyse_queued) and the uploader
# watches a progress page: about an hour of talk, analysed in well under a second.
BACKGROUND_BYTES = 64 * 1024


def _analysis_of(data: bytes | str, *, filename: str, coach: str | None, keep: bool) -> dict:
    """The analyser's result as stored; bad files raise ValidationError naming the field."""
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
    return analysis


def _fill(record: TranscriptAnalysis, analysis: dict, text: str, keep: bool) -> None:
    record.status = TranscriptAnalysis.Status.DONE
    record.coach_name = analysis["coach"]
    record.coaching_score = round(analysis["metrics"]["coaching_score"])
    record.result = json.dumps(analysis)
    record.transcript = text if keep else ""
    record.kept = keep


def _check_upload(actor: User, engagement: Engagement, data: bytes) -> None:
    engagement_require(actor, Perm.EDIT_SESSION_CONTENT, engagement)
    if len(data) > MAX_BYTES:
        raise ValidationError({"file": "That file is over 2 MB; is it really a transcript?"})


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
    _check_upload(actor, engagement, data)
    analysis = _analysis_of(data, filename=filename, coach=coach, keep=keep)
    record = TranscriptAnalysis(engagement=engagement, uploaded_by=actor, filename=filename[:255])
    _fill(record, analysis, data.decode("utf-8-sig", errors="replace"), keep)
    record.full_clean()
    record.save()
    return record


@transaction.atomic
def transcript_upload(
    *,
    actor: User,
    engagement: Engagement,
    filename: str,
    data: bytes,
    coach: str | None = None,
    keep: bool = False,
) -> TranscriptAnalysis:
    """An upload from the page: a small one is analysed at once; a large one is stored
    (sealed) as queued and analysed by the worker, so no request holds a web worker for it.
    The analyser's own bounds (speakers, turns) apply either way."""
    if len(data) <= BACKGROUND_BYTES:
        return transcript_analyse(
            actor=actor, engagement=engagement, filename=filename, data=data, coach=coach,
            keep=keep,
        )  # fmt: skip
    _check_upload(actor, engagement, data)
    record = TranscriptAnalysis(
        engagement=engagement,
        uploaded_by=actor,
        filename=filename[:255],
        status=TranscriptAnalysis.Status.QUEUED,
        coach_name=(coach or "")[:150],
        transcript=data.decode("utf-8-sig", errors="replace"),
        kept=keep,
    )
    record.full_clean(exclude=["coach_name"])  # named by the analysis, or by the uploader
    record.save()
    from tandem.transcripts.tasks import analyse_queued

    transaction.on_commit(lambda: analyse_queued.enqueue(str(record.pk)))
    return record


@transaction.atomic
def transcript_analyse_queued(*, pk: str) -> None:
    """The worker's step for a queued upload: analyse it, or say what is wrong with it.
    Without ``keep`` the transcript is dropped either way."""
    record = (
        TranscriptAnalysis.objects.select_for_update()
        .filter(pk=pk, status=TranscriptAnalysis.Status.QUEUED)
        .first()
    )
    if record is None:
        return  # already done (a retried task)
    text = record.transcript
    try:
        analysis = _analysis_of(
            text, filename=record.filename, coach=record.coach_name or None, keep=record.kept
        )
    except ValidationError as exc:
        record.status = TranscriptAnalysis.Status.FAILED
        record.problem = " ".join(exc.messages)
        record.transcript = ""
        record.save()
        return
    _fill(record, analysis, text, record.kept)
    record.save()
