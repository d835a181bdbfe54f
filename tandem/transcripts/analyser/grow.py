"""GROW stages over time, the closing action and the coachee's stated commitment.

GROW (Whitmore, *Coaching for Performance*) moves through Goal, Reality, Options and Will. A stage
is entered when someone says something characteristic of it (mostly the coach's questions: "what
would you like to get out of today?" opens Goal, "what will you do, and by when?" opens Will) and
lasts until the next cue, because a coachee's answers belong to the stage the question opened.
Greetings and small talk before the first cue belong to no stage.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from .parsing import Utterance
from .text import normalise

__all__ = ["STAGES", "commitment", "ended_with_action", "grow_stages", "states_action"]

STAGES: tuple[str, ...] = ("goal", "reality", "options", "will")


def _rx(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern, re.IGNORECASE)


_CUES: dict[str, re.Pattern[str]] = {
    "will": _rx(
        r"\b(?:what will you|what are you going to|what'?s (?:the|your) (?:first|next) step|"
        r"(?:first|next) steps?|by when|when will you|commit|scale of|one to ten|out of ten|"
        r"how (?:likely|committed|confident|sure) are you|what(?:'s| is) your plan|action|"
        r"what support|who needs to know|what might (?:stop|get in the way)|get in the way of|"
        r"i'?ll (?:do|send|talk|ask|book|write|set|try|message|invite|tell|block|email|call|"
        r"start|have|make)|i will|i'?m going to|check in on it|next time we)\b"
    ),
    "options": _rx(
        r"\b(?:options?|what could you|what else could|what else might|what else|alternatives?|"
        r"ideas?|what if|another way|other ways?|ways (?:you|to)|approach(?:es)?|possibilit|"
        r"brainstorm|instead|what might|could try|might help|what would help|how might you|"
        r"you could|i could|maybe i|one thing you|my suggestion|i'?d suggest|you should)\b"
    ),
    "reality": _rx(
        r"\b(?:what'?s happening|happening (?:right )?now|so far|right now|at the moment|"
        r"currently|what have you tried|tried so far|tell me (?:more|about|a bit)|"
        r"getting in the way|"
        r"what happened|walk me through|the last time|last week|where are (?:we|you) (?:with|at)|"
        r"what'?s going on|what makes|what made|where does|what do you know|how close|"
        r"what'?s (?:taking|pulling)|what'?s been|how have)\b"
    ),
    "goal": _rx(
        r"\b(?:get out of|like to (?:focus|work|talk|get|achieve|leave|start)|want to (?:focus|"
        r"work|get out|achieve|talk about|start)|goal|success look|would .{0,30}look like|ideal|"
        r"by the end of (?:this|our|the session|today)|focus on today|on your mind|"
        r"where would you like to start|most important to talk|worthwhile|the one thing|"
        r"leave with|need from this conversation|what would you like)\b"
    ),
}
# When a turn matches several stages, the later GROW stage wins ("what else could you do by
# Friday?" is options -> will), except that goal cues at the start of a session are explicit.
_ORDER = ("will", "options", "reality", "goal")
_ACTION = _rx(
    r"\b(?:i'?ll|i will|i'?m going to|i am going to|i'?m gonna|my (?:first|next) step|"
    r"i commit|i'?m committing|i plan to)\b"
)
_NUMBER_WORDS = {
    "zero": 0,
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
}
_SCALE_Q = _rx(
    r"\b(?:scale|one to ten|1 to 10|1-10|out of (?:ten|10)|how (?:committed|confident|likely|"
    r"sure|ready|motivated))\b"
)
_NUMBER = _rx(r"\b(10|[0-9](?:\.5)?|" + "|".join(_NUMBER_WORDS) + r")\b(\s+and a half)?")


def _cue(text: str) -> str | None:
    low = normalise(text)
    for stage in _ORDER:
        if _CUES[stage].search(low):
            return stage
    return None


def grow_stages(
    utterances: Sequence[Utterance], labels: Sequence[str], coach: str
) -> list[str | None]:
    """The GROW stage of every utterance (None before the first cue and for small talk)."""
    stages: list[str | None] = []
    current: str | None = None
    for utt, label in zip(utterances, labels, strict=True):
        cue = _cue(utt.text)
        words = len(utt.text.split())
        if utt.speaker == coach:
            if label == "advice":
                cue = cue if cue == "will" else "options"
            if cue is not None:
                current = cue
            elif label in {"open_question", "closed_question"} and current is None:
                current = "reality"
        else:
            if cue == "will" and current in {"options", "will"}:
                current = "will"
            elif label == "status" and current is None:
                current = "reality"
        if label == "other" and words <= 8 and cue is None:
            stages.append(None)
        else:
            stages.append(current)
    return stages


def states_action(text: str) -> bool:
    """A first-person, future action ("I'll talk to her on Monday"), not a bare "will do"."""
    return bool(_ACTION.search(normalise(text))) and len(text.split()) >= 4


def ended_with_action(utterances: Sequence[Utterance], coach: str) -> bool:
    """True when someone other than the coach states an action in the last quarter of the talk."""
    tail = max(6, len(utterances) // 4)
    return any(u.speaker != coach and states_action(u.text) for u in utterances[-tail:])


def _number(text: str) -> float | None:
    match = _NUMBER.search(normalise(text))
    if match is None:
        return None
    raw = match.group(1)
    value = float(_NUMBER_WORDS[raw]) if raw in _NUMBER_WORDS else float(raw)
    if match.group(2):
        value += 0.5
    return value if 0 <= value <= 10 else None


def commitment(utterances: Sequence[Utterance], coach: str) -> float | None:
    """The coachee's answer to the last scaling question ("on a scale of 1 to 10 ..."), or None.

    Only numbers said within two turns after the coach asks a scaling question count, so "two
    projects" elsewhere is never mistaken for a commitment score.
    """
    found: float | None = None
    for i, utt in enumerate(utterances):
        if utt.speaker != coach or not _SCALE_Q.search(normalise(utt.text)):
            continue
        for answer in utterances[i + 1 : i + 3]:
            if answer.speaker == coach:
                continue
            value = _number(answer.text)
            if value is not None:
                found = value
                break
    return found
