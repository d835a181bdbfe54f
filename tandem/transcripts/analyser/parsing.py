"""Read meeting transcripts into a flat list of utterances.

Three shapes are accepted, detected from the content rather than the file name (uploads arrive with
arbitrary names):

* WebVTT as Zoom exports it (``Name: text`` at the start of each cue) and as Microsoft Teams exports
  it (``<v Name>text</v>`` voice tags); cue identifiers are optional and timestamps may be
  ``hh:mm:ss.mmm`` or ``mm:ss.mmm``.
* SRT: numbered cues with ``hh:mm:ss,mmm --> hh:mm:ss,mmm`` and a ``Name:`` prefix.
* Plain text: one ``Name: text`` line per turn, optionally preceded by ``[hh:mm:ss]`` or
  ``[mm:ss]``.

Every problem raises :class:`TranscriptError` (a ``ValueError``) whose message names the file and
line and says what to do, because the person reading it is usually a coach who exported a file
from a
meeting tool, not a developer.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from typing import Literal

__all__ = ["TranscriptError", "Utterance", "detect_format", "parse"]

Format = Literal["vtt", "srt", "text"]


class TranscriptError(ValueError):
    """A transcript that cannot be read; the message names the file and line. ``field`` is
    what the person should change: the file, or the coach's name they gave."""

    def __init__(
        self, filename: str, line: int | None, problem: str, *, field: str = "file"
    ) -> None:
        where = f"{filename}, line {line}" if line is not None else filename
        super().__init__(f"{where}: {problem}")
        self.filename = filename
        self.line = line
        self.problem = problem
        self.field = field


@dataclass(frozen=True, slots=True)
class Utterance:
    """One cue (subtitle formats) or one line (plain text) of a transcript, in input order."""

    index: int
    speaker: str
    start: float | None
    text: str
    line: int


# hh:mm:ss.mmm or mm:ss.mmm (WebVTT uses '.', SRT uses ','); hours may have more than two digits.
_TS = r"(?:\d+:)?\d{1,2}:\d{1,2}(?:[.,]\d{1,3})?"
_TIMING = re.compile(rf"^\s*(?P<start>{_TS})\s*-->\s*(?P<end>{_TS})(?:\s+.*)?$")
_ARROW = re.compile(r"-->")
_VOICE = re.compile(r"<v(?:\.[\w.-]+)?\s+([^>]+)>", re.IGNORECASE)
_TAG = re.compile(r"</?[a-z][^>]*>|<\d[\d:.]*>", re.IGNORECASE)
# "Name: text". A name is a few words without sentence punctuation; this keeps "So here's the
# thing: ..." from being read as a speaker while accepting "Dr. Ana Silva (Guest)".
_NAME_PREFIX = re.compile(
    r"^\s*(?P<name>[^\s:?!\"<>\[\]][^:?!\"<>\[\]]{0,59}?)\s*:\s+(?P<text>\S.*)$"
)
_NAME_ONLY = re.compile(r"^\s*(?P<name>[^\s:?!\"<>\[\]][^:?!\"<>\[\]]{0,59}?)\s*:\s*$")
_TEXT_STAMP = re.compile(r"^\s*\[(?P<ts>[^\]]*)\]\s*(?P<rest>.*)$")
_CLEAN_TS = re.compile(r"^(?:(\d+):)?(\d{1,2}):(\d{1,2})(?:[.,](\d{1,3}))?$")


def _decode(data: str | bytes, filename: str) -> str:
    """Return text without BOM and with LF line ends, or explain why the bytes are not text."""
    if isinstance(data, bytes):
        if b"\x00" in data[:4096]:
            raise TranscriptError(
                filename,
                None,
                "this looks like a binary file, not a transcript. Export the meeting transcript "
                "as .vtt, .srt or .txt and upload that instead.",
            )
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            line = data.count(b"\n", 0, exc.start) + 1
            raise TranscriptError(
                filename,
                line,
                "the file is not UTF-8 text (byte "
                f"0x{data[exc.start]:02x} cannot be read). Save or export it as UTF-8 and try "
                "again.",
            ) from None
    else:
        text = data.removeprefix("\ufeff")
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if "\x00" in text or _looks_binary(text):
        raise TranscriptError(
            filename,
            None,
            "this looks like a binary file, not a transcript. Export the meeting transcript as "
            ".vtt, .srt or .txt and upload that instead.",
        )
    if not text.strip():
        raise TranscriptError(filename, None, "the file is empty; there is nothing to analyse.")
    return text


def _looks_binary(text: str) -> bool:
    sample = text[:4096]
    controls = sum(1 for ch in sample if ord(ch) < 32 and ch not in "\n\t\f\v")
    return controls > max(8, len(sample) // 100)


def detect_format(text: str) -> Format:
    """Tell WebVTT, SRT and plain text apart from the content (already decoded)."""
    lines = [ln.strip() for ln in text.split("\n") if ln.strip()]
    if lines and lines[0].startswith("WEBVTT"):
        return "vtt"
    for k, ln in enumerate(lines[:20]):
        if _ARROW.search(ln):
            # SRT numbers its cues; some tools write its milliseconds with "." as WebVTT does.
            numbered = k > 0 and lines[k - 1].isdigit()
            return "srt" if "," in ln.split("-->")[0] or numbered else "vtt"
    return "text"


def parse_timestamp(value: str, filename: str, line: int) -> float:
    """Seconds from ``hh:mm:ss.mmm``, ``mm:ss.mmm``, ``hh:mm:ss,mmm``, ``hh:mm:ss`` or ``mm:ss``."""
    match = _CLEAN_TS.match(value.strip())
    if match is None:
        raise TranscriptError(
            filename,
            line,
            f"the timestamp {value.strip()!r} is not a time. Use hh:mm:ss.mmm (for example "
            "00:01:05.250) or mm:ss.",
        )
    hours, minutes, seconds, millis = match.groups()
    if int(seconds) > 59 or (hours is not None and int(minutes) > 59):
        raise TranscriptError(
            filename,
            line,
            f"the timestamp {value.strip()!r} has minutes or seconds above 59.",
        )
    total = float(int(hours or 0) * 3600 + int(minutes) * 60 + int(seconds))
    if millis:
        total += int(millis.ljust(3, "0")) / 1000
    return total


def _clean(text: str) -> str:
    text = _TAG.sub("", text)
    return " ".join(html.unescape(text).replace("\u00a0", " ").split())


def _split_name(payload: str) -> tuple[str, str] | None:
    match = _NAME_PREFIX.match(payload)
    if match is None:
        return None
    name = match.group("name").strip()
    if len(name.split()) > 6 or re.fullmatch(r"[\d\s.:,]+", name):
        return None
    return name, match.group("text")


def _parse_cues(text: str, filename: str, fmt: Format) -> list[Utterance]:
    """Parse WebVTT or SRT: blocks separated by blank lines, each with a timing line."""
    lines = text.split("\n")
    utterances: list[Utterance] = []
    i = 0
    if fmt == "vtt":
        if not lines[0].strip().startswith("WEBVTT"):
            raise TranscriptError(
                filename,
                1,
                "a WebVTT file must start with the word WEBVTT. Export the transcript again "
                "from Zoom or Teams without editing its first line.",
            )
        # Skip the header block (WEBVTT line and any header metadata) — up to the first cue,
        # which some tools write without the blank line after the header.
        i = 1
        while i < len(lines) and lines[i].strip() and not _starts_cue(lines, i):
            i += 1
    while i < len(lines):
        if not lines[i].strip():
            i += 1
            continue
        block_start = i
        block: list[str] = []
        while i < len(lines) and lines[i].strip():
            block.append(lines[i])
            i += 1
        first = block[0].strip()
        if fmt == "vtt" and (first.startswith(("NOTE", "STYLE", "REGION")) and "-->" not in first):
            continue
        timing_at = next((k for k, ln in enumerate(block) if "-->" in ln), None)
        if timing_at is None:
            raise TranscriptError(
                filename,
                block_start + 1,
                f"expected a timing line like '00:00:01.000 --> 00:00:04.000' but found "
                f"{first[:60]!r}.",
            )
        if timing_at > 1 or (fmt == "srt" and timing_at == 1 and not first.isdigit()):
            raise TranscriptError(
                filename,
                block_start + 1,
                f"unexpected text before the timing line: {first[:60]!r}. Each cue should be an "
                "optional number or identifier, then the timing line, then the words.",
            )
        timing_line = block_start + timing_at + 1
        timing = _TIMING.match(block[timing_at])
        if timing is None:
            raise TranscriptError(
                filename,
                timing_line,
                f"malformed timing line {block[timing_at].strip()[:60]!r}; expected "
                "'hh:mm:ss.mmm --> hh:mm:ss.mmm'.",
            )
        start = parse_timestamp(timing.group("start"), filename, timing_line)
        parse_timestamp(timing.group("end"), filename, timing_line)
        payload_lines = block[timing_at + 1 :]
        if not payload_lines:
            continue
        payload_line = timing_line + 1
        voices = _voices(payload_lines)
        if len(voices) > 1:  # Teams sometimes puts two speakers in one cue
            for voice, said in voices:
                if said:
                    utterances.append(Utterance(len(utterances), voice, start, said, payload_line))
            continue
        speaker, words = _cue_speaker(payload_lines)
        if speaker is None:
            raise TranscriptError(
                filename,
                payload_line,
                f"this cue has no speaker: {_clean(' '.join(payload_lines))[:60]!r}. Expected "
                "'<v Name>text</v>' (Teams) or 'Name: text' (Zoom). Turn on speaker names in "
                "the meeting tool's transcript settings and export again.",
            )
        if not words:
            continue
        utterances.append(Utterance(len(utterances), speaker, start, words, payload_line))
    return utterances


def _voices(payload_lines: list[str]) -> list[tuple[str, str]]:
    """Each ``<v Name>`` of a cue with the words up to the next one."""
    raw = " ".join(ln.strip() for ln in payload_lines)
    found = list(_VOICE.finditer(raw))
    if not found:
        return []
    return [
        (" ".join(m.group(1).split()), _clean(raw[m.end() : nxt.start() if nxt else None]))
        for m, nxt in zip(found, [*found[1:], None], strict=True)
    ]


def _starts_cue(lines: list[str], i: int) -> bool:
    """A timing line, or a cue identifier right before one."""
    return "-->" in lines[i] or (i + 1 < len(lines) and "-->" in lines[i + 1])


def _cue_speaker(payload_lines: list[str]) -> tuple[str | None, str]:
    raw = " ".join(ln.strip() for ln in payload_lines)
    voice = _VOICE.search(raw)
    if voice is not None:
        return " ".join(voice.group(1).split()), _clean(raw)
    cleaned = _clean(raw)
    split = _split_name(cleaned)
    if split is None:
        return None, cleaned
    return split[0], split[1].strip()


def _parse_text(text: str, filename: str) -> list[Utterance]:
    """Parse plain text: ``[hh:mm:ss] Name: text`` per line (timestamp optional)."""
    utterances: list[Utterance] = []
    for number, raw in enumerate(text.split("\n"), start=1):
        if not raw.strip():
            continue
        start: float | None = None
        body = raw.strip()
        stamp = _TEXT_STAMP.match(body)
        if stamp is not None:
            start = parse_timestamp(stamp.group("ts"), filename, number)
            body = stamp.group("rest")
        split = _split_name(body)
        if split is None:
            if _NAME_ONLY.match(body):
                continue  # a speaker with nothing said
            raise TranscriptError(
                filename,
                number,
                f"this line has no speaker: {body[:60]!r}. Write each turn as 'Name: what they "
                "said' on its own line (a '[00:01:05]' timestamp in front is optional).",
            )
        speaker, words = split
        words = _clean(words)
        if words:
            utterances.append(Utterance(len(utterances), speaker, start, words, number))
    return utterances


def parse(data: str | bytes, *, filename: str = "transcript") -> list[Utterance]:
    """Return the utterances of a WebVTT, SRT or plain-text transcript, in input order.

    One utterance per cue or line: consecutive cues of one speaker stay separate so that labels and
    timestamps keep their resolution. Raises :class:`TranscriptError` for anything unreadable.
    """
    text = _decode(data, filename)
    fmt = detect_format(text)
    utterances = _parse_text(text, filename) if fmt == "text" else _parse_cues(text, filename, fmt)
    if not utterances:
        raise TranscriptError(
            filename,
            None,
            "no speaker turns were found. Export the transcript with speaker names (WebVTT or "
            "SRT from Zoom or Teams, or 'Name: text' lines).",
        )
    return utterances
