"""Conversation metrics and the coaching score.

All ratios come from the coach's labelled turns. Ratios whose denominator is zero are ``None``
(JSON null) rather than infinity or a made-up number: "no questions at all" is different from
"a ratio of zero".
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from .grow import STAGES, commitment, ended_with_action
from .parsing import Utterance

__all__ = ["Counts", "Metrics", "coaching_score", "compute_metrics", "count_labels"]

QUESTIONS = ("open_question", "closed_question")
TELLING = ("advice", "information")


@dataclass(frozen=True)
class Counts:
    """How often the coach did each thing, and how many words each side said."""

    labels: dict[str, int]
    coach_words: int
    total_words: int

    @property
    def questions(self) -> int:
        return sum(self.labels.get(k, 0) for k in QUESTIONS)

    @property
    def telling(self) -> int:
        return sum(self.labels.get(k, 0) for k in TELLING)

    def __getitem__(self, label: str) -> int:
        return self.labels.get(label, 0)


@dataclass(frozen=True)
class Metrics:
    coach_talk_share: float
    ask_tell_ratio: float | None
    reflection_question_ratio: float | None
    open_question_share: float | None
    grow_coverage: dict[str, float]
    ended_with_action: bool
    commitment: float | None
    coaching_score: int

    def to_dict(self) -> dict[str, object]:
        return {
            "coach_talk_share": self.coach_talk_share,
            "ask_tell_ratio": self.ask_tell_ratio,
            "reflection_question_ratio": self.reflection_question_ratio,
            "open_question_share": self.open_question_share,
            "grow_coverage": dict(self.grow_coverage),
            "ended_with_action": self.ended_with_action,
            "commitment": self.commitment,
            "coaching_score": self.coaching_score,
        }


def count_labels(utterances: Sequence[Utterance], labels: Sequence[str], coach: str) -> Counts:
    coach_labels = Counter(
        lab for u, lab in zip(utterances, labels, strict=True) if u.speaker == coach
    )
    coach_words = sum(len(u.text.split()) for u in utterances if u.speaker == coach)
    total_words = sum(len(u.text.split()) for u in utterances)
    return Counts(dict(coach_labels), coach_words, total_words)


def _ratio(num: int, den: int) -> float | None:
    return round(num / den, 3) if den else None


def _clamp(x: float) -> float:
    return max(0.0, min(1.0, x))


def coaching_score(counts: Counts, talk_share: float, action: bool, committed: float | None) -> int:
    """0-100: how much the coach asked, reflected and let the coachee own the outcome.

    Five components, each grounded in motivational-interviewing (MITI 4.2) or coaching practice:

    * 30 points — ask:tell balance, the share of questions among questions plus telling. Coaching
      means drawing out the coachee's thinking rather than supplying answers; full marks at 80%
      asking, none at 30% or less.
    * 20 points — reflections per question. MITI treats about one reflection per question as
      competent practice (two as proficient); reflecting shows the coachee they were heard and
      invites them to go further than another question would. Full marks at 1:1.
    * 20 points — open-question share. MITI sets 50% open as competent and 70% as proficient;
      open questions ("what", "how") make the coachee think, closed ones only check. Full marks at
      70%, none at 20% or less.
    * 15 points — talk share. The coachee should do most of the talking; full marks when the coach
      speaks 40% of the words or less, none at 70% or more.
    * 15 points — the ending: 10 if the coachee states their own next action near the end (the
      "Will" of GROW), 5 more if they also give a commitment rating when asked.

    A conversation that mostly tells, checks status with closed questions and ends on the
    manager's instructions therefore scores low; one that asks open questions, reflects and ends
    with the coachee's own committed action scores high.
    """
    asked, told = counts.questions, counts.telling
    if asked + told + counts["reflection"] == 0:
        return 0
    ask_share = asked / (asked + told) if asked + told else 1.0
    points = 30 * _clamp((ask_share - 0.3) / 0.5)
    if asked:
        points += 20 * _clamp(counts["reflection"] / asked)
        points += 20 * _clamp((counts["open_question"] / asked - 0.2) / 0.5)
    elif counts["reflection"]:
        points += 20
    points += 15 * _clamp((0.7 - talk_share) / 0.3)
    points += (10 if action else 0) + (5 if committed is not None else 0)
    return round(points)


def grow_coverage(
    utterances: Sequence[Utterance], stages: Sequence[str | None]
) -> dict[str, float]:
    """Share of all words spoken in each GROW stage (0-1; they sum to at most 1).

    Word share is a proxy for time spent, which is what a stacked bar of the conversation needs;
    a stage with 0.0 was never visited. The per-utterance ``grow_stage`` gives the timeline.
    """
    total = sum(len(u.text.split()) for u in utterances) or 1
    words = Counter[str]()
    for utt, stage in zip(utterances, stages, strict=True):
        if stage is not None:
            words[stage] += len(utt.text.split())
    return {stage: round(words[stage] / total, 3) for stage in STAGES}


def compute_metrics(
    utterances: Sequence[Utterance],
    labels: Sequence[str],
    stages: Sequence[str | None],
    coach: str,
) -> tuple[Metrics, Counts]:
    counts = count_labels(utterances, labels, coach)
    talk_share = round(counts.coach_words / counts.total_words, 3) if counts.total_words else 0.0
    action = ended_with_action(utterances, coach)
    committed = commitment(utterances, coach)
    metrics = Metrics(
        coach_talk_share=talk_share,
        ask_tell_ratio=_ratio(counts.questions, counts.telling),
        reflection_question_ratio=_ratio(counts["reflection"], counts.questions),
        open_question_share=_ratio(counts["open_question"], counts.questions),
        grow_coverage=grow_coverage(utterances, stages),
        ended_with_action=action,
        commitment=committed,
        coaching_score=coaching_score(counts, talk_share, action, committed),
    )
    return metrics, counts
