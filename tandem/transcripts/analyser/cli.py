"""Command-line logic behind ``manage.py analyse_transcript`` (kept free of Django to test alone).

Output formats:

* ``text`` — a readable report per file;
* ``json`` — one JSON object for one file; a JSON array of objects, in input order, for several;
* ``jsonl`` — one JSON object per line, one line per file, in input order.

When the coach is not named, the chosen speaker is announced on stderr for json/jsonl (so stdout
stays machine-readable) and in the report for text. All files are read and analysed before anything
is written, so a bad file fails the whole run without half an output.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Protocol

from .analysis import Analysis, analyse
from .parsing import TranscriptError

__all__ = ["FORMATS", "analyse_paths", "render", "run"]


class Writer(Protocol):
    """Anything with ``write(str)``: a text file, StringIO, or Django's OutputWrapper."""

    def write(self, msg: str, /) -> object: ...


FORMATS = ("text", "json", "jsonl")
_LABEL_NAMES = {
    "open_question": "open questions",
    "closed_question": "closed questions",
    "reflection": "reflections",
    "advice": "advice",
    "information": "information",
    "other": "other",
}


def analyse_paths(paths: Sequence[str | Path], coach: str | None = None) -> list[Analysis]:
    """Analyse each file; raises TranscriptError naming the file (and line) that failed."""
    results = []
    for raw in paths:
        path = Path(raw)
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise TranscriptError(
                str(path), None, f"cannot read the file ({exc.strerror})."
            ) from None
        results.append(analyse(data, filename=str(path), coach=coach))
    return results


def _fmt(value: float | None, pct: bool = False) -> str:
    if value is None:
        return "n/a"
    return f"{value * 100:.0f}%" if pct else f"{value:.2f}"


def render_text(result: Analysis) -> str:
    m = result.metrics
    lines = [
        f"{result.file}",
        f"  Coach: {result.coach}"
        + (" (detected: asks the most questions)" if result.coach_detected else ""),
        "  Speakers: "
        + ", ".join(
            f"{n} ({s['turns']} turns, {s['words']} words)" for n, s in result.speakers.items()
        ),
        f"  Coaching score: {m.coaching_score}/100",
        f"  Coach talk share: {_fmt(m.coach_talk_share, pct=True)}",
        f"  Ask:tell ratio: {_fmt(m.ask_tell_ratio)}   Reflections per question: "
        f"{_fmt(m.reflection_question_ratio)}   Open-question share: "
        f"{_fmt(m.open_question_share, pct=True)}",
        "  GROW (share of words): "
        + ", ".join(f"{k} {_fmt(v, pct=True)}" for k, v in m.grow_coverage.items()),
        f"  Ended with an action: {'yes' if m.ended_with_action else 'no'}   Commitment: "
        + (f"{m.commitment:g}/10" if m.commitment is not None else "not stated"),
        "  Coach's turns: "
        + ", ".join(f"{name}: {result.counts[k]}" for k, name in _LABEL_NAMES.items()),
        "  Suggestions:",
    ]
    lines += [f"    - {s}" for s in result.suggestions]
    return "\n".join(lines)


def render(results: Sequence[Analysis], fmt: str) -> str:
    """The whole stdout for ``results`` in format ``fmt`` (text, json or jsonl)."""
    if fmt == "text":
        return "\n\n".join(render_text(r) for r in results) + "\n"
    if fmt == "json":
        payload: object = (
            results[0].to_dict() if len(results) == 1 else [r.to_dict() for r in results]
        )
        return json.dumps(payload, ensure_ascii=False, indent=2) + "\n"
    if fmt == "jsonl":
        return "".join(json.dumps(r.to_dict(), ensure_ascii=False) + "\n" for r in results)
    raise ValueError(f"unknown format {fmt!r}; use one of {', '.join(FORMATS)}")


def run(
    paths: Sequence[str | Path],
    *,
    coach: str | None = None,
    fmt: str = "text",
    stdout: Writer,
    stderr: Writer,
) -> None:
    """Analyse ``paths`` and write the output; raises TranscriptError for a bad file."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r}; use one of {', '.join(FORMATS)}")
    results = analyse_paths(paths, coach)
    if fmt != "text":
        for result in results:
            if result.coach_detected:
                stderr.write(
                    f"{result.file}: no --coach given; using {result.coach!r}, who asks the most "
                    "questions.\n"
                )
    stdout.write(render(results, fmt))
