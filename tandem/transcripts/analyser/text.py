"""Text normalisation shared by the rules, the model's features and training.

Speech transcripts differ from written chat: fillers ("um", "so, yeah"), missing question marks,
curly apostrophes and run-on cues holding two sentences. Normalising once here keeps the rules and
the trained model looking at the same thing.
"""

from __future__ import annotations

import re

__all__ = ["normalise", "sentences", "strip_fillers", "tokens"]

_APOSTROPHES = str.maketrans({"\u2019": "'", "\u2018": "'", "\u201c": '"', "\u201d": '"'})
# Fillers and discourse markers that carry no speech-act information at the start of a turn.
_FILLER_WORDS = (
    "um",
    "umm",
    "uh",
    "uhh",
    "er",
    "erm",
    "ah",
    "hmm",
    "mm",
    "mhm",
    "so",
    "and",
    "but",
    "well",
    "okay",
    "ok",
    "alright",
    "right",
    "yeah",
    "yes",
    "now",
    "look",
    "like",
    "anyway",
    "then",
    "oh",
)
_LEADING_FILLER = re.compile(
    r"^(?:(?:"
    + "|".join(_FILLER_WORDS)
    + r"|you know|i mean|i guess|sort of|kind of)\b[\s,.\-–—]*)+",
    re.IGNORECASE,
)
_INNER_FILLER = re.compile(r"\b(?:um+|uh+|erm|er|hmm+|mm+)\b[,.]?\s*", re.IGNORECASE)
_SENTENCE_END = re.compile(r"(?<=[.?!])\s+(?=[\"'A-Z0-9])|(?<=[?!])\s+")
_TOKEN = re.compile(r"[a-z0-9]+(?:'[a-z]+)?|[?]")


def normalise(text: str) -> str:
    """Lower-case, straighten quotes, drop hesitation fillers and squash whitespace."""
    text = text.translate(_APOSTROPHES).lower()
    text = _INNER_FILLER.sub("", text)
    return " ".join(text.split())


def strip_fillers(text: str) -> str:
    """Remove discourse markers at the start ("so, um, yeah, what ..." -> "what ...")."""
    stripped = _LEADING_FILLER.sub("", text).strip()
    return stripped or text.strip()


def sentences(text: str) -> list[str]:
    """Split a cue into sentences on ., ? and ! (speech often has none: then one sentence)."""
    parts = [p.strip() for p in _SENTENCE_END.split(text.translate(_APOSTROPHES)) if p.strip()]
    return parts or [text.strip()]


def tokens(text: str) -> list[str]:
    """Word tokens of normalised text; '?' is kept as a token because it is strong evidence."""
    return _TOKEN.findall(normalise(text))
