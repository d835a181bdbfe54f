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
