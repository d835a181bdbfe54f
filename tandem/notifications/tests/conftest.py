"""Fixtures for rhythm tests: run the scheduler and the worker as production would (every
notification handed over when its transaction commits), read what was sent, and parse
calendars with two independent parsers."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import icalendar
import pytest
import vobject
from django.core import mail

from tandem.notifications import schedule


@dataclass
class Parsed:
    """One calendar object read by icalendar and by vobject, which must agree."""

    method: str | None
    events: list[dict[str, Any]]


def parse_calendar(text: str) -> Parsed:
    first = icalendar.Calendar.from_ical(text)
    second = vobject.readOne(text)
    events = []
    ours = list(first.walk("VEVENT"))
    theirs = list(getattr(second, "vevent_list", []))
    assert len(ours) == len(theirs)
    for a, b in zip(ours, theirs, strict=True):
        event = {
            "uid": str(a["UID"]),
            "sequence": int(str(a["SEQUENCE"])),
            "start": a.decoded("DTSTART"),
            "end": a.decoded("DTEND"),
            "summary": str(a["SUMMARY"]),
            "status": str(a["STATUS"]),
            "description": str(a.get("DESCRIPTION", "")),
            "attendees": sorted(str(x).removeprefix("mailto:") for x in _list(a.get("ATTENDEE"))),
            "organizer": str(a["ORGANIZER"]).removeprefix("mailto:"),
        }
        # The second parser reads the same thing.
        assert b.uid.value == event["uid"]
        assert int(b.sequence.value) == event["sequence"]
        assert b.dtstart.value == event["start"] and b.dtend.value == event["end"]
        assert b.summary.value == event["summary"]
        assert b.status.value == event["status"]
        assert (
            sorted(x.value.removeprefix("mailto:") for x in b.attendee_list) == event["attendees"]
        )
        events.append(event)
    method = str(first["METHOD"]) if "METHOD" in first else None
    if method:
        assert second.method.value == method
    return Parsed(method=method, events=events)


def _list(value: Any) -> list[Any]:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def invitations(to: str | None = None) -> list[tuple[Any, Parsed]]:
    """Every email with a calendar invitation (optionally to one address), parsed."""
    found = []
    for message in mail.outbox:
        if to is not None and to not in message.to:
            continue
        alternatives = getattr(message, "alternatives", [])
        parts = [body for body, mimetype in alternatives if "text/calendar" in mimetype]
        attached = [a for a in message.attachments if a[0] == "invite.ics"]
        if not parts:
            continue
        assert attached and attached[0][1] == parts[0]  # the same object, twice
        found.append((message, parse_calendar(str(parts[0]))))
    return found


@pytest.fixture
def run_tick(django_capture_on_commit_callbacks):
    """One scheduler pass, with every hand-over to the worker run (the immediate backend)."""

    def run(now: dt.datetime | None = None) -> schedule.TickReport:
        with django_capture_on_commit_callbacks(execute=True):
            report = schedule.tick(now)
        assert not report.failed, report
        return report

    return run


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """Run a service as a request would: its notifications go out once it commits."""

    def run(call: Any) -> Any:
        with django_capture_on_commit_callbacks(execute=True):
            return call()

    return run
