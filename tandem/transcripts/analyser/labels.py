"""Speech-act labels for every utterance, and who the coach is.

The coach's turns get one of six labels. The trained model (``model.py``) decides among the four
groups that matter most for coaching quality — question, reflection, telling, other — and the rules
split question into open/closed and telling into advice/information, because those splits follow
grammar closely ("what/how" vs "do you/is it"; "you should" vs a fact) and the development data
cannot teach them (MIBot does not split questions and has almost no advice).

Without a model file the rules alone label (the "rules" path), so the analyser always works.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Literal

from .features import client_features, coach_features
from .model import load_models
from .parsing import Utterance
from .rules import (
    _ADVICE,
    _IMPERATIVE,
    _LEADING_ADVICE_Q,
    client_rule_label,
    coach_rule_label,
    question_form,
)
from .text import normalise, sentences, strip_fillers

__all__ = ["Method", "detect_coach", "label_client", "label_coach", "label_utterances"]

Method = Literal["model", "rules"]

# The coach label is (1 - RULE_WEIGHT) * model probability + RULE_WEIGHT * the rules' vote, so the
# model overrides the rules only when it is fairly sure (p > 0.3 / 0.7 + the rules' class's p).
# 0.3 maximised the sum of grouped-CV macro-F1 on the two training sets (own and MIBot): the rules
# carry the grammar of questions and manager-speak, the model the many reflection/telling cues
# that are too varied to write down.
RULE_WEIGHT = 0.3


def _question_subtype(text: str) -> str:
    forms = [question_form(s) for s in sentences(text)]
    asked = [f for f in forms if f is not None]
    return "open_question" if (asked[-1] if asked else "open") == "open" else "closed_question"


def _telling_subtype(text: str) -> str:
    for sentence in sentences(text):
        core = strip_fillers(normalise(sentence))
        if _ADVICE.search(core) or _IMPERATIVE.match(core) or _LEADING_ADVICE_Q.match(core):
            return "advice"
    return "information"


_GROUP_OF = {
    "open_question": "question",
    "closed_question": "question",
    "reflection": "reflection",
    "advice": "telling",
    "information": "telling",
    "other": "other",
}


def label_coach(text: str, method: Method = "model") -> str:
    """One of open_question, closed_question, reflection, advice, information, other."""
    rule = coach_rule_label(text)
    models = load_models() if method == "model" else {}
    coach_model = models.get("coach")
    if coach_model is None:
        return rule
    proba = coach_model.proba(coach_features(text, rule))
    rule_group = _GROUP_OF[rule]
    blended = {g: (1 - RULE_WEIGHT) * p + RULE_WEIGHT * (g == rule_group) for g, p in proba.items()}
    group = max(blended, key=blended.__getitem__)
    if group == rule_group:
        return rule
    if group == "question":
        return _question_subtype(text)
    if group == "telling":
        return _telling_subtype(text)
    return group


def label_client(text: str, method: Method = "model") -> str:
    """One of status, strategy, other."""
    models = load_models() if method == "model" else {}
    client_model = models.get("client")
    if client_model is None:
        return client_rule_label(text)
    return client_model.predict(client_features(text))


_QUESTIONISH = re.compile(r"\?\s*$")


def detect_coach(utterances: Sequence[Utterance]) -> str:
    """The speaker who asks the most questions (ties: more question marks, then first to speak)."""
    counts: dict[str, int] = {}
    marks: dict[str, int] = {}
    order: dict[str, int] = {}
    for utt in utterances:
        order.setdefault(utt.speaker, len(order))
        asked = any(question_form(s) is not None for s in sentences(utt.text))
        counts[utt.speaker] = counts.get(utt.speaker, 0) + int(asked)
        marks[utt.speaker] = marks.get(utt.speaker, 0) + int(bool(_QUESTIONISH.search(utt.text)))
    return max(order, key=lambda s: (counts.get(s, 0), marks.get(s, 0), -order[s]))


def label_utterances(
    utterances: Sequence[Utterance], coach: str, method: Method = "model"
) -> list[str]:
    """A label per utterance: coach labels for the coach, client labels for everyone else."""
    return [
        label_coach(u.text, method) if u.speaker == coach else label_client(u.text, method)
        for u in utterances
    ]
