"""Labelled development data: MIBot (mapped) and Tandem's own written coaching conversations.

Used by ``scripts/train_analyser.py`` and ``scripts/eval_analyser.py``, never at analysis time.

MIBot (Mahmood et al., Findings of ACL 2025, CC BY-SA 4.0) labels counsellor utterances with
MISC-style codes assigned by a language model. They map onto the analyser's four groups like this:

* ``Q`` -> question (MIBot does not split open from closed, so it only trains question vs not);
* ``R`` -> reflection;
* ``MIIN`` (advise without permission, direct, confront) -> telling;
* ``MICO`` is a mix: asking permission ("is it okay if I share...?") is a question, affirmation
  ("I'm glad", "you're doing a great job", "I appreciate") is other, and the rest (emphasising
  autonomy, supportive information such as "cutting back can lead to feeling healthier") is telling;
* ``Other`` -> other, except summaries ("We've talked about how ...", "You've acknowledged ..."),
  which MI practice counts as (collecting) reflections and which human coders of coaching
  conversations label as reflections.

Held-out split: conversations whose participant id sorts into the last fifth (MIBot) and
conversations marked ``split: heldout`` in Tandem's own file are never used for training or tuning.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

__all__ = [
    "GROUP",
    "Conversation",
    "Turn",
    "load_mibot",
    "load_own",
    "mibot_group",
]

DATA_DIR = Path(__file__).resolve().parent / "data"
OWN_FILE = DATA_DIR / "coaching_conversations.txt"
# shared/ sits beside the repository (locally and in CI); TANDEM_MIBOT_DIR overrides.
MIBOT_DIR = Path(
    os.environ.get(
        "TANDEM_MIBOT_DIR",
        Path(__file__).resolve().parents[4] / "shared" / "data" / "mibot" / "transcripts",
    )
)

# The grader's four groups.
GROUP: dict[str, str] = {
    "open_question": "question",
    "closed_question": "question",
    "reflection": "reflection",
    "advice": "telling",
    "information": "telling",
    "other": "other",
}
_SHORT = {
    "oq": "open_question",
    "cq": "closed_question",
    "ref": "reflection",
    "adv": "advice",
    "inf": "information",
    "oth": "other",
    "st": "status",
    "sg": "strategy",
}
_GROW = {"g": "goal", "r": "reality", "o": "options", "w": "will", "-": None}


@dataclass
class Turn:
    speaker: str
    text: str
    label: str  # a coach label, a client label, or a group for MIBot ("question", ...)
    grow: str | None = None
    is_coach: bool = True


@dataclass
class Conversation:
    id: str
    split: str  # "train" or "heldout"
    source: str  # "own" or "mibot"
    coach: str
    quality: str | None = None  # "high" / "low" (own data only)
    style: str = ""
    turns: list[Turn] = field(default_factory=list)


_AFFIRM = re.compile(
    r"^(?:i'?m (?:so |really )?(?:glad|happy|pleased|proud)|i (?:really )?appreciate|"
    r"(?:it'?s|that'?s) (?:great|wonderful|fantastic|good|impressive|commendable|admirable)|"
    r"you(?:'re| are| have|'ve) (?:doing|done|shown|taken|made|got|clearly)|"
    r"(?:great|well done|good job|thank|thanks|congrat|kudos|wonderful)|"
    r"your (?:commitment|courage|determination|willingness|honesty|openness|effort)|"
    r"what a)",
    re.IGNORECASE,
)
_SUMMARY = re.compile(
    r"^(?:we(?:'ve| have)? (?:talked|discussed|explored|covered|touched)|"
    r"you(?:'ve| have) (?:shared|mentioned|expressed|acknowledged|talked|described|identified|"
    r"noted|highlighted)|today,? (?:we|you)|(?:so,? )?to summari[sz]e|in summary)",
    re.IGNORECASE,
)


def mibot_group(label: str, text: str) -> str | None:
    """Map one MIBot counsellor label to a grader group (see the module docstring)."""
    stripped = text.strip().replace("\u2019", "'")
    if label == "Q":
        return "question"
    if label == "R":
        return "reflection"
    if label == "MIIN":
        return "question" if stripped.endswith("?") else "telling"
    if label == "MICO":
        if stripped.endswith("?"):
            return "question"
        return "other" if _AFFIRM.match(stripped) else "telling"
    if label == "Other":
        return "reflection" if _SUMMARY.match(stripped) else "other"
    return None


def load_mibot(directory: Path = MIBOT_DIR) -> list[Conversation]:
    """MIBot conversations with counsellor turns mapped to groups; the last fifth is held out."""
    files = sorted(directory.glob("*.json"))
    cut = int(len(files) * 0.8)
    conversations = []
    for position, path in enumerate(files):
        data = json.loads(path.read_text(encoding="utf-8"))
        convo = Conversation(
            id=path.stem[:12],
            split="train" if position < cut else "heldout",
            source="mibot",
            coach="counsellor",
        )
        for utt in data["utterances"]:
            is_coach = utt["speaker"] == "counsellor"
            if is_coach:
                group = mibot_group(utt["auto_misc_label"], utt["text"])
                if group is None:
                    continue
            else:
                group = "client"
            convo.turns.append(Turn(utt["speaker"], utt["text"], group, None, is_coach))
        conversations.append(convo)
    return conversations


def _parse_header(line: str) -> dict[str, str]:
    fields: dict[str, str] = {}
    for part in line.lstrip("#").split("|"):
        if ":" in part:
            key, value = part.split(":", 1)
            fields[key.strip()] = value.strip()
    return fields


def _iter_blocks(text: str) -> Iterator[tuple[dict[str, str], list[tuple[int, str]]]]:
    header: dict[str, str] | None = None
    lines: list[tuple[int, str]] = []
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if line.startswith("##"):
            if header is not None:
                yield header, lines
            header, lines = _parse_header(line), []
        elif line and not line.startswith("#") and header is not None:
            lines.append((number, line))
    if header is not None:
        yield header, lines


def load_own(path: Path = OWN_FILE) -> list[Conversation]:
    """Tandem's written conversations.

    Format: a ``## id: c01 | split: train | quality: high | coach: Priya | style: ...`` header,
    then one ``Speaker | label | grow | text`` line per turn, where label is one of oq, cq, ref,
    adv, inf, oth (coach) or st, sg, oth (others) and grow is g, r, o, w or -.
    """
    conversations = []
    for header, lines in _iter_blocks(path.read_text(encoding="utf-8")):
        convo = Conversation(
            id=header["id"],
            split=header.get("split", "train"),
            source="own",
            coach=header["coach"],
            quality=header.get("quality"),
            style=header.get("style", ""),
        )
        for number, line in lines:
            parts = [p.strip() for p in line.split("|", 3)]
            if len(parts) != 4 or parts[1] not in _SHORT or parts[2] not in _GROW:
                raise ValueError(f"{path.name}, line {number}: malformed turn {line!r}")
            speaker, short, grow, text = parts
            is_coach = speaker == convo.coach
            label = _SHORT[short] if short != "oth" else "other"
            if is_coach and label in {"status", "strategy"}:
                raise ValueError(f"{path.name}, line {number}: client label on the coach")
            if not is_coach and label not in {"status", "strategy", "other"}:
                raise ValueError(f"{path.name}, line {number}: coach label on a client")
            convo.turns.append(Turn(speaker, text, label, _GROW[grow], is_coach))
        conversations.append(convo)
    return conversations
