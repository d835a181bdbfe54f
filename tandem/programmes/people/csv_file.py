"""Reading a people CSV: plain Python, no database.

What spreadsheets really write: UTF-8 with or without a byte-order mark, commas or (Excel in
much of Europe) semicolons, CRLF line ends, quoted cells with commas or line breaks inside.
A problem with the file as a whole (too big, not text, no header) raises ``CsvFileError``
with a message a person can act on; problems of single rows are the planner's business.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field

MAX_BYTES = 1024 * 1024  # 1 MB: about 10,000 ordinary rows, far above MAX_ROWS
MAX_ROWS = 2000

REQUIRED = ("name", "email", "role")
OPTIONAL = ("sponsor_email", "cohort", "training")
COLUMNS = REQUIRED + OPTIONAL
# What people type in a header, normalised (lower case, spaces and dashes as underscores).
ALIASES = {
    "full_name": "name",
    "e_mail": "email",
    "email_address": "email",
    "sponsor": "sponsor_email",
    "sponsor_e_mail": "sponsor_email",
    "sponsor_email_address": "sponsor_email",
    "took_training": "training",
}
DELIMITERS = (",", ";", "\t")
BOM = "\ufeff"


class CsvFileError(ValueError):
    """The file as a whole cannot be read; the message says why and what to do."""


@dataclass(frozen=True)
class Row:
    line: int  # where the row starts in the file, the header being line 1
    name: str
    email: str
    role: str
    sponsor_email: str = ""
    cohort: str = ""
    training: str = ""
    extra_cells: bool = False


@dataclass
class CsvFile:
    rows: list[Row]
    ignored_columns: list[str] = field(default_factory=list)
    delimiter: str = ","


def decode(data: bytes) -> str:
    """The text of an uploaded file, or a CsvFileError saying what the file is instead."""
    if not data.strip():
        raise CsvFileError("The file is empty.")
    if len(data) > MAX_BYTES:
        raise CsvFileError(too_big_message(len(data)))
    if data.startswith(b"PK\x03\x04") or data.startswith(b"\xd0\xcf\x11\xe0"):
        raise CsvFileError(
            "This is an Excel workbook, not a CSV file. In Excel choose File › Save As › "
            "“CSV UTF-8 (Comma delimited)” and upload that file."
        )
    if data.startswith(b"%PDF"):
        raise CsvFileError("This is a PDF, not a CSV file. Upload the spreadsheet saved as CSV.")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise CsvFileError(
            "This file is UTF-16 text (Excel's “Unicode Text”). Save it as “CSV UTF-8 (Comma "
            "delimited)” instead and upload that."
        )
    if b"\x00" in data:
        raise CsvFileError(
            "This is not a CSV file (it holds binary data). Save the spreadsheet as "
            "“CSV UTF-8” and upload that."
        )
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise CsvFileError(
            f"Line {line} is not UTF-8 text (accented letters saved in an older encoding, "
            "perhaps). In Excel choose “CSV UTF-8 (Comma delimited)” when you save."
        ) from exc
    return text.removeprefix(BOM)


def too_big_message(size: int) -> str:
    return (
        f"The file is {size / (1024 * 1024):.1f} MB; the limit is 1 MB (and {MAX_ROWS:,} rows). "
        "Split it into smaller files and import them one after the other."
    )


def _normalise_header(cell: str) -> str:
    key = re.sub(r"[\s\-]+", "_", cell.strip().lower().removeprefix(BOM))
    return ALIASES.get(key, key)


def _header_for(text: str) -> tuple[str, list[str]]:
    """The delimiter that makes the first line name the required columns, and the columns."""
    first_line = text.lstrip("\r\n").split("\n", 1)[0]
    best: tuple[int, str, list[str]] | None = None
    for delimiter in DELIMITERS:
        header = next(csv.reader([first_line], delimiter=delimiter), [])
        columns = [_normalise_header(c) for c in header]
        if all(c in columns for c in REQUIRED):
            known = sum(c in COLUMNS for c in columns)
            if best is None or known > best[0]:
                best = (known, delimiter, columns)
    if best is None:
        shown = ", ".join(f"“{c.strip()}”" for c in first_line.split(",")[:6] if c.strip())
        raise CsvFileError(
            "The first line must name the columns: name, email, role (and, if you use them, "
            f"sponsor_email, cohort, training). This file's first line has: {shown or 'nothing'}."
            " Download the example to see the layout."
        )
    return best[1], best[2]


def normalise(text: str) -> str:
    """One kind of line end and no BOM: a file reads (and measures) the same however it
    travelled (browsers send a form's text back with CRLF)."""
    return text.removeprefix(BOM).replace("\r\n", "\n").replace("\r", "\n")


def parse(text: str) -> CsvFile:
    """The rows of a people CSV. Blank lines are skipped; every row keeps its line number."""
    text = normalise(text)
    size = len(text.encode("utf-8"))
    if size > MAX_BYTES:
        raise CsvFileError(too_big_message(size))
    if not text.strip():
        raise CsvFileError("The file is empty.")
    delimiter, columns = _header_for(text)
    duplicates = sorted({c for c in columns if c in COLUMNS and columns.count(c) > 1})
    if duplicates:
        raise CsvFileError(
            f"The column “{duplicates[0]}” appears twice in the first line: keep one of them."
        )
    ignored = [c for c in columns if c and c not in COLUMNS]
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    rows: list[Row] = []
    seen_header = False
    last_line = 0
    try:
        for cells in reader:
            start = last_line + 1
            last_line = reader.line_num
            if not any(c.strip() for c in cells):
                continue  # a blank line, or one of only delimiters
            if not seen_header:
                seen_header = True
                continue
            if len(rows) >= MAX_ROWS:
                raise CsvFileError(
                    f"The file has more than {MAX_ROWS:,} rows; the limit is {MAX_ROWS:,} per "
                    "import. Split it into smaller files and import them one after the other."
                )
            values = dict(zip(columns, (c.strip() for c in cells), strict=False))
            rows.append(
                Row(
                    line=start,
                    name=values.get("name", ""),
                    email=values.get("email", ""),
                    role=values.get("role", ""),
                    sponsor_email=values.get("sponsor_email", ""),
                    cohort=values.get("cohort", ""),
                    training=values.get("training", ""),
                    extra_cells=len(cells) > len(columns)
                    and any(c.strip() for c in cells[len(columns) :]),
                )
            )
    except csv.Error as exc:
        raise CsvFileError(
            f"Line {reader.line_num} cannot be read as CSV ({exc}). A cell with a line break "
            "or a quote inside must be wrapped in double quotes."
        ) from exc
    if not rows:
        raise CsvFileError("The file has a header but no people: add one row per person.")
    return CsvFile(rows=rows, ignored_columns=ignored, delimiter=delimiter)
