from __future__ import annotations

import datetime as dt
from typing import Any

from django import template
from django.utils import timezone
from django.utils.dateformat import format as date_format

register = template.Library()


@register.filter
def get(mapping: Any, key: Any) -> Any:
    """``{{ answers|get:item.key }}`` — dictionary lookup with a variable key."""
    if hasattr(mapping, "get"):
        return mapping.get(key)
    return None


@register.filter
def humanise(code: Any) -> str:
    """``open_question`` → ``open question``: a stored code as words."""
    return str(code or "").replace("_", " ")


@register.filter
def day(value: dt.date | dt.datetime | None, style: str = "j M") -> str:
    """A date as people say it: "3 Dec", with the year only when it is not this year
    ("3 Dec 2025"), so a short date is never ambiguous. ``style`` is a ``date`` format without
    the year; datetimes are shown in the current time zone."""
    if value is None or value == "":
        return ""
    if isinstance(value, dt.datetime) and timezone.is_aware(value):
        value = timezone.localtime(value)
    as_date = value.date() if isinstance(value, dt.datetime) else value
    if as_date.year != timezone.localdate().year:
        head, comma, clock = style.partition(",")
        style = f"{head} Y{comma}{clock}"
    return date_format(value, style)


@register.filter
def coaches(user: Any) -> bool:
    """Whether the person coaches (a profile, a place in a coach pool, or an engagement):
    only they are shown the coach-profile settings."""
    if not getattr(user, "is_authenticated", False):
        return False
    from tandem.accounts.models import CoachProfile, ProgrammeMember

    return (
        CoachProfile.objects.filter(user=user).exists()
        or ProgrammeMember.objects.filter(user=user, role=ProgrammeMember.Role.COACH).exists()
        or user.engagements_as_coach.filter(kind="coaching").exists()
    )
