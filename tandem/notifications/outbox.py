"""The development outbox: emails Django's file backend wrote under ``EMAIL_FILE_PATH``.

``make run`` sends email to files in ``var/mail/`` so the developer can read what Tandem sent
(``python manage.py outbox``, or ``/dev/outbox/`` while DEBUG is on), calendar invitations
included."""

from __future__ import annotations

import datetime as dt
import email
import email.policy
from dataclasses import dataclass
from email.message import EmailMessage
from pathlib import Path

from django.conf import settings

# The file backend writes each message, then a line of 79 dashes.
SEPARATOR = b"\n" + b"-" * 79 + b"\n"


@dataclass(frozen=True)
class OutboxEmail:
    file: str  # the file's name in the outbox folder
    index: int  # its place in that file (a file holds one connection's messages)
    written: dt.datetime
    to: str
    subject: str
    text: str
    calendar: str | None  # the iCalendar object, if it carries one
    calendar_method: str

    @property
    def ref(self) -> str:
        return f"{self.file}:{self.index}"


def outbox_dir() -> Path | None:
    path = getattr(settings, "EMAIL_FILE_PATH", None)
    return Path(path) if path else None


def _parse(raw: bytes) -> EmailMessage:
    return email.message_from_bytes(raw, policy=email.policy.default)


def _calendar_of(message: EmailMessage) -> tuple[str | None, str]:
    for part in message.walk():
        if part.get_content_type() in {"text/calendar", "application/ics"}:
            content = part.get_content()
            text = content.decode() if isinstance(content, bytes) else str(content)
            return text, str(part.get_param("method") or "")
    return None, ""


def _text_of(message: EmailMessage) -> str:
    body = message.get_body(preferencelist=("plain",))
    return str(body.get_content()) if body is not None else ""


def read_file(path: Path) -> list[OutboxEmail]:
    written = dt.datetime.fromtimestamp(path.stat().st_mtime, tz=dt.UTC)
    found = []
    for index, chunk in enumerate(c for c in path.read_bytes().split(SEPARATOR) if c.strip()):
        message = _parse(chunk.lstrip(b"\n"))
        calendar, method = _calendar_of(message)
        found.append(
            OutboxEmail(
                file=path.name,
                index=index,
                written=written,
                to=str(message.get("To", "")),
                subject=str(message.get("Subject", "")),
                text=_text_of(message),
                calendar=calendar,
                calendar_method=method,
            )
        )
    return found


def outbox_emails(limit: int | None = None) -> list[OutboxEmail]:
    """The emails in the outbox, newest first."""
    folder = outbox_dir()
    if folder is None or not folder.is_dir():
        return []
    files = sorted(
        (p for p in folder.iterdir() if p.is_file() and p.suffix == ".log"),
        key=lambda p: (p.stat().st_mtime, p.name),
        reverse=True,
    )
    found: list[OutboxEmail] = []
    for path in files:
        found.extend(reversed(read_file(path)))
        if limit is not None and len(found) >= limit:
            return found[:limit]
    return found


def outbox_email(file: str, index: int) -> OutboxEmail | None:
    """One email by its file's name (only a file in the outbox folder itself) and place."""
    folder = outbox_dir()
    if folder is None or "/" in file or "\\" in file or file.startswith("."):
        return None
    path = folder / file
    if not path.is_file() or path.parent.resolve() != folder.resolve():
        return None
    emails = read_file(path)
    return emails[index] if 0 <= index < len(emails) else None
