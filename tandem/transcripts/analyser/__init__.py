"""Coaching conversation analyser: how much of a conversation was coaching versus checking in.

Plain Python, no database and no Django: ``analyse(text, filename=...)`` parses a WebVTT, SRT or
plain-text transcript, labels every utterance, and returns an :class:`Analysis` whose ``to_dict()``
is the JSON contract documented in docs/analyser.md.
"""

from .analysis import Analysis, LabelledUtterance, analyse, analyse_utterances
from .parsing import TranscriptError, Utterance, parse

__all__ = [
    "Analysis",
    "LabelledUtterance",
    "TranscriptError",
    "Utterance",
    "analyse",
    "analyse_utterances",
    "parse",
]
