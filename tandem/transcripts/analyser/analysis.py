"""The analyser's entry point: transcript text in, an :class:`Analysis` out."""

from __future__ import annotations

from dataclasses import dataclass, field

from .grow import grow_stages
from .labels import Method, detect_coach, label_utterances
from .metrics import Counts, Metrics, compute_metrics
from .parsing import TranscriptError, Utterance, parse
from .suggestions import suggest

__all__ = ["Analysis", "LabelledUtterance", "analyse", "analyse_utterances"]


@dataclass(frozen=True)
class LabelledUtterance:
    index: int
    speaker: str
    start: float | None
    text: str
    label: str
    grow_stage: str | None

    def to_dict(self) -> dict[str, object]:
        return {
            "index": self.index,
            "speaker": self.speaker,
            "start": self.start,
            "text": self.text,
            "label": self.label,
            "grow_stage": self.grow_stage,
        }


@dataclass(frozen=True)
class Analysis:
    """Everything the analyser found; ``to_dict()`` is the JSON contract."""

    file: str
    coach: str
    coach_detected: bool
    speakers: dict[str, dict[str, int]]
    utterances: list[LabelledUtterance]
    metrics: Metrics
    suggestions: list[str]
    counts: Counts = field(repr=False)

    def to_dict(self) -> dict[str, object]:
        return {
            "file": self.file,
            "coach": self.coach,
            "speakers": {name: dict(stats) for name, stats in self.speakers.items()},
            "utterances": [u.to_dict() for u in self.utterances],
            "metrics": self.metrics.to_dict(),
            "suggestions": list(self.suggestions),
        }


def _speakers(utterances: list[Utterance]) -> dict[str, dict[str, int]]:
    stats: dict[str, dict[str, int]] = {}
    for utt in utterances:
        entry = stats.setdefault(utt.speaker, {"words": 0, "turns": 0})
        entry["words"] += len(utt.text.split())
        entry["turns"] += 1
    return stats


def _match_speaker(coach: str, speakers: dict[str, dict[str, int]], filename: str) -> str:
    if coach in speakers:
        return coach
    folded = {name.casefold(): name for name in speakers}
    if coach.casefold() in folded:
        return folded[coach.casefold()]
    partial = [name for name in speakers if coach.casefold() in name.casefold()]
    if len(partial) == 1:
        return partial[0]
    if partial:
        raise TranscriptError(
            filename,
            None,
            f"{coach!r} matches several speakers: "
            + ", ".join(repr(s) for s in partial)
            + ". Give the coach's name as it appears in full.",
            field="coach",
        )
    raise TranscriptError(
        filename,
        None,
        f"there is no speaker called {coach!r}; the speakers are "
        + ", ".join(repr(s) for s in speakers)
        + ".",
        field="coach",
    )


# The work is bounded before it starts: coach detection and the per-speaker figures grow with
# speakers × utterances, and a 1.9 MB file of 60,000 one-line speakers held a worker for
# 30 s. A coaching conversation has two speakers; a team meeting a dozen; three hours of talk
# fewer than 5,000 turns.
MAX_SPEAKERS = 20
MAX_UTTERANCES = 5_000


def check_bounds(utterances: list[Utterance], filename: str) -> None:
    speakers = {u.speaker for u in utterances}
    if len(speakers) > MAX_SPEAKERS:
        raise TranscriptError(
            filename,
            None,
            f"it has {len(speakers):,} different speakers; the analyser reads conversations of "
            f"up to {MAX_SPEAKERS} people (a coaching conversation has two). Is this a "
            "meeting transcript with a 'Name:' at the start of each turn?",
        )
    if len(utterances) > MAX_UTTERANCES:
        raise TranscriptError(
            filename,
            None,
            f"it has {len(utterances):,} turns; the analyser reads conversations of up to "
            f"{MAX_UTTERANCES:,} turns (about three hours). Split the transcript and upload "
            "each part.",
        )


def analyse_utterances(
    utterances: list[Utterance],
    *,
    filename: str,
    coach: str | None = None,
    method: Method = "model",
    quote: bool = True,
) -> Analysis:
    """Analyse already-parsed utterances (see :func:`analyse`)."""
    check_bounds(utterances, filename)
    speakers = _speakers(utterances)
    detected = coach is None
    who = detect_coach(utterances) if coach is None else _match_speaker(coach, speakers, filename)
    labels = label_utterances(utterances, who, method)
    stages = grow_stages(utterances, labels, who)
    metrics, counts = compute_metrics(utterances, labels, stages, who)
    labelled = [
        LabelledUtterance(u.index, u.speaker, u.start, u.text, lab, stage)
        for u, lab, stage in zip(utterances, labels, stages, strict=True)
    ]
    return Analysis(
        file=filename,
        coach=who,
        coach_detected=detected,
        speakers=speakers,
        utterances=labelled,
        metrics=metrics,
        suggestions=suggest(utterances, labels, who, counts, metrics, quote=quote),
        counts=counts,
    )


def analyse(
    text: str | bytes,
    *,
    filename: str = "transcript",
    coach: str | None = None,
    method: Method = "model",
    quote: bool = True,
) -> Analysis:
    """Parse a transcript (WebVTT, SRT or plain text) and analyse it.

    ``coach`` names the coach; without it the speaker who asks the most questions is taken to be
    the coach (``Analysis.coach_detected`` is then True). ``method="rules"`` skips the trained
    model. ``quote=False`` keeps the coach's own words out of the suggestions (for a caller that
    must not store what was said). Raises :class:`TranscriptError` for unreadable input or an
    unknown coach name.
    """
    return analyse_utterances(
        parse(text, filename=filename), filename=filename, coach=coach, method=method, quote=quote
    )
