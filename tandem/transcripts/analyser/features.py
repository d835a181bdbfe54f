"""Sparse features for the linear speech-act model (shared by training and analysis).

Kept in pure Python so the runtime needs no numpy or scikit-learn: a turn becomes a bag of string
features (words, word pairs, the opening and closing words, whether it is a question by syntax, the
rules' own verdict, length), and the model is a weight per feature and class.

The rules' verdict is a feature rather than an override so the model can learn when to trust it;
the opening words matter most because English marks speech acts at the start of a clause ("what",
"do you", "it sounds like", "you should"), which survives speech transcripts that lack punctuation.
"""

from __future__ import annotations

from itertools import pairwise

from .rules import coach_rule_label, question_form
from .text import normalise, sentences, strip_fillers, tokens

__all__ = ["client_features", "coach_features"]


def _bucket(n: int, edges: tuple[int, ...]) -> str:
    for edge in edges:
        if n <= edge:
            return str(edge)
    return f">{edges[-1]}"


def _lexical(text: str) -> list[str]:
    toks = [t for t in tokens(strip_fillers(normalise(text))) if t != "?"]
    feats = [f"w={t}" for t in toks]
    padded = ["<s>", *toks, "</s>"]
    feats += [f"b={a}_{b}" for a, b in pairwise(padded)]
    for n in (1, 2, 3):
        if len(toks) >= n:
            feats.append(f"f{n}=" + "_".join(toks[:n]))
    for n in (1, 2):
        if len(toks) >= n:
            feats.append(f"l{n}=" + "_".join(toks[-n:]))
    feats.append("len=" + _bucket(len(toks), (1, 2, 4, 7, 12, 20, 35)))
    you = sum(t in {"you", "you're", "you've", "your", "you'd", "you'll", "yourself"} for t in toks)
    me = sum(t in {"i", "i'm", "i've", "i'd", "i'll", "me", "my"} for t in toks)
    feats.append("you=" + _bucket(you, (0, 1, 2)))
    feats.append("me=" + _bucket(me, (0, 1, 2)))
    return feats


def coach_features(text: str, rule: str | None = None) -> list[str]:
    """Features of a coach's turn (``rule``: the rules' label, if already computed)."""
    parts = sentences(text)
    feats = _lexical(text)
    feats.append("rule=" + (rule or coach_rule_label(text)))
    forms = [question_form(s) for s in parts]
    feats.append("qlast=" + str(forms[-1]))
    if any(forms):
        feats.append("qany")
    if "?" in text:
        feats.append("mark?")
    feats.append("nsent=" + _bucket(len(parts), (1, 2, 3)))
    # The first and last sentences' openings, so a multi-sentence turn keeps both acts visible.
    if len(parts) > 1:
        last = [t for t in tokens(strip_fillers(normalise(parts[-1]))) if t != "?"]
        if last:
            feats.append("sl2=" + "_".join(last[:2]))
    return feats


def client_features(text: str) -> list[str]:
    """Features of a coachee's (or other participant's) turn."""
    feats = _lexical(text)
    if "?" in text:
        feats.append("mark?")
    return feats
