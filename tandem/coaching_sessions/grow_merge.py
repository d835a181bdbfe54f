"""Two people writing one topic's GROW notes at once: which notes are whose.

Pure Python, no database: the rule is tested directly (tests/test_grow_merge.py) and shared by
the page, the API and anything else that saves notes through ``services.grow_notes_save``.

Each writer sends, beside their text, a digest of every note as they last saw it (the
*basis*). A note whose text still matches its basis was not touched by this writer and keeps
what is saved now; a note only this writer changed is theirs; and only a note both changed
differently is a clash — reported, never silently overwritten.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass

NOTES = ("goal", "reality", "will")


def note_digest(text: str) -> str:
    """Exact text (line ends as browsers send them, outer space trimmed): adding only a
    paragraph break is an edit too."""
    normal = text.replace("\r\n", "\n").strip()
    return hashlib.sha256(normal.encode()).hexdigest()[:16]


def notes_digest(goal: str, reality: str, will: str) -> str:
    """The basis a page or client keeps for the notes it shows: one digest per note."""
    return ".".join(note_digest(text) for text in (goal, reality, will))


def basis_parse(basis: str) -> dict[str, str]:
    """The per-note digests from ``notes_digest``; {} when there is none (or it is garbled),
    which means "this writer saw nothing": every note they send counts as theirs."""
    parts = (basis or "").split(".")
    return dict(zip(NOTES, parts, strict=False)) if len(parts) == 3 else {}


@dataclass(frozen=True)
class GrowMerge:
    """The notes to save, and the notes both people changed differently (nothing is saved
    while there are any)."""

    notes: dict[str, str]
    clashes: tuple[str, ...]

    def changes(self, saved: Mapping[str, str]) -> bool:
        """Whether saving would change anything against what is ``saved``."""
        return any(self.notes[note].strip() != saved[note] for note in NOTES)


def grow_notes_merge(
    *, basis: Mapping[str, str], mine: Mapping[str, str], theirs: Mapping[str, str]
) -> GrowMerge:
    """Merge this writer's notes (``mine``) with what is saved now (``theirs``), given the
    digests of the notes as this writer last saw them (``basis``)."""
    merged: dict[str, str] = {}
    clashes: list[str] = []
    for note in NOTES:
        my_text, saved = mine[note], theirs[note]
        seen = basis.get(note)
        if seen is not None and note_digest(my_text) == seen:
            merged[note] = saved  # not touched here
        elif seen is None or note_digest(saved) == seen or my_text.strip() == saved:
            merged[note] = my_text  # nobody else changed it, or both wrote the same
        else:
            merged[note] = my_text
            clashes.append(note)
    return GrowMerge(notes=merged, clashes=tuple(clashes))
