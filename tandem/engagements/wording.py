"""How raters read a target: the coachee writes "I raise concerns early"; a rater is asked
how often they see the coachee do it, so the 360 shows "Raises concerns early".

Only a suggestion: the target form shows it for coach and coachee to correct, and what
they save (``BehaviouralTarget.rater_wording``) is what raters see.
"""

from __future__ import annotations

import re

# Verbs whose third person is not simply +s / +es / y→ies, and modals that do not change.
IRREGULAR = {"am": "is", "have": "has", "do": "does", "go": "goes", "'m": "is", "was": "was"}
MODALS = {"can", "will", "would", "should", "could", "may", "might", "must", "shall"}
# First-person words later in the sentence, in the order they are replaced.
PRONOUNS = (
    (r"\bI am\b", "they are"),
    (r"\bI'm\b", "they're"),
    (r"\bI was\b", "they were"),
    (r"\bI've\b", "they've"),
    (r"\bI'll\b", "they'll"),
    (r"\bI'd\b", "they'd"),
    (r"\bI\b", "they"),
    (r"\bmyself\b", "themselves"),
    (r"\bmine\b", "theirs"),
    (r"\bmy\b", "their"),
    (r"\bMy\b", "Their"),
    (r"\bme\b", "them"),
)


def third_person_verb(verb: str) -> str:
    lower = verb.lower()
    if lower in IRREGULAR:
        return IRREGULAR[lower]
    if lower in MODALS:
        return lower
    if re.search(r"(s|sh|ch|x|z|o)$", lower):
        return lower + "es"
    if re.search(r"[^aeiou]y$", lower):
        return lower[:-1] + "ies"
    return lower + "s"


def rater_wording(behaviour: str) -> str:
    """ "I delegate whole outcomes and stay out of my team's detail" → "Delegates whole
    outcomes and stays out of their team's detail". Text not starting with "I" keeps its
    subject; only the pronouns change."""
    text = behaviour.strip()
    match = re.match(r"^I(?:'m| (\w+))\b ?(.*)$", text, flags=re.DOTALL)
    if match:
        verb = "'m" if match.group(1) is None else match.group(1)
        rest = _pronouns(match.group(2))
        # "I delegate X and stay out of Y": a later verb after "and" shares the subject.
        rest = re.sub(
            r"(,? and |, )(?!they\b)([a-z]+)\b(?= )",
            lambda m: m.group(1) + (_verb_or_word(m.group(2))),
            rest,
        )
        gap = "" if rest[:1] in {",", ";", ".", ":"} else " "
        text = f"{third_person_verb(verb)}{gap}{rest}".strip()
    else:
        text = _pronouns(text)
    return text[:1].upper() + text[1:]


# Common verbs of target behaviours: a word after "and" is conjugated only if it is one.
COMMON_VERBS = frozenset(
    [
        "ask",
        "avoid",
        "bring",
        "check",
        "coach",
        "decide",
        "delegate",
        "give",
        "hand",
        "hold",
        "keep",
        "let",
        "listen",
        "make",
        "offer",
        "plan",
        "propose",
        "raise",
        "review",
        "say",
        "share",
        "speak",
        "stay",
        "stop",
        "summarise",
        "take",
        "tell",
        "use",
        "wait",
        "write",
        "answer",
        "agree",
        "admit",
        "name",
        "notice",
        "own",
        "prepare",
        "push",
        "recognise",
        "reply",
        "respond",
        "show",
        "invite",
    ]
)


def _verb_or_word(word: str) -> str:
    return third_person_verb(word) if word in COMMON_VERBS else word


def _pronouns(text: str) -> str:
    for pattern, replacement in PRONOUNS:
        text = re.sub(pattern, replacement, text)
    return text
