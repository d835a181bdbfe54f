"""What each kind of notification says, made when it is sent.

A builder takes the stored notification and returns the ``Message`` to send — from the
state at that moment, in the recipient's time zone (the caller activates it) — or ``None``
when it is no longer needed (the session was cancelled, the agenda was added meanwhile).
Builders say what happened and link to the app; they never carry confidential content.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from django.utils import timezone

from tandem.notifications.kinds import Kind
from tandem.notifications.models import Notification


@dataclass(frozen=True)
class Message:
    subject: str
    body: str  # plain text, without greeting or footer
    link: str = ""  # a path in the app
    calendar: str | None = None  # an iCalendar object (with its METHOD), attached as .ics
    calendar_method: str = "REQUEST"
    # Added to the email only, never stored: a rater's one-time link.
    secret_link: str = ""
    # Run once the email went out (the digest marks the items it listed as digested).
    on_sent: Callable[[], None] | None = None


Builder = Callable[[Notification], Message | None]
BUILDERS: dict[str, Builder] = {}


def builds(*kinds: Kind) -> Callable[[Builder], Builder]:
    def register(builder: Builder) -> Builder:
        for kind in kinds:
            if kind in BUILDERS:
                raise RuntimeError(f"Two builders for {kind}")
            BUILDERS[kind] = builder
        return builder

    return register


def build(notification: Notification) -> Message | None:
    _load()
    return BUILDERS[notification.kind](notification)


def when(start: dt.datetime, minutes: int | None = None) -> str:
    """A time as the recipient reads it, on their own clock (the caller activated their zone):
    "Tuesday 3 March 2026, 10:00–11:00 (Europe/London)"."""
    local = timezone.localtime(start)
    text = f"{local:%A} {local.day} {local:%B %Y, %H:%M}"
    if minutes:
        text += f"–{timezone.localtime(start + dt.timedelta(minutes=minutes)):%H:%M}"
    return f"{text} ({timezone.get_current_timezone_name()})"


def day(value: dt.date) -> str:
    return f"{value:%A} {value.day} {value:%B %Y}"


def _load() -> None:
    """The builders live beside each other by domain; importing them registers them."""
    from tandem.notifications.messages import (  # noqa: F401
        contract,
        digest,
        feedback,
        people,
        programmes,
        reviews,
        sessions,
    )
