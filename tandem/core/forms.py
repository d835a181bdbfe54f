from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest

T = TypeVar("T")


def add_service_errors(form: forms.BaseForm, exc: ValidationError) -> None:
    """Show a service's ValidationError next to the field it names, else above the form."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc)  # keeps its code ("stale", say) for callers to tell apart


def run_service(form: forms.BaseForm, call: Callable[[], T]) -> T | None:
    """Call a service; on ValidationError put the message on the form and return None."""
    try:
        return call()
    except ValidationError as exc:
        add_service_errors(form, exc)
        return None


def service_ok(form: forms.BaseForm, call: Callable[[], object]) -> bool:
    """``run_service`` for an if: True when the service succeeded."""
    return run_service(form, call) is not None


def run_service_or_flash(request: HttpRequest, call: Callable[[], T]) -> T | None:
    """For buttons without a form to show errors on: the message goes to the page top."""
    try:
        return call()
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return None


# Free text typed into a form: long enough for anything a person writes in one go (about
# three pages), short enough that nobody stores megabytes through a text box.
LONG_TEXT_MAX = 10_000


class VersionField(forms.IntegerField):
    """The row version the form was rendered with, for stale-edit detection."""

    widget = forms.HiddenInput

    def __init__(self, **kwargs: object) -> None:
        super().__init__(required=False, min_value=1, **kwargs)  # type: ignore[arg-type]


class DateInput(forms.DateInput):
    """A native date picker. Browsers accept only ISO dates in its value, whatever the locale
    (en-GB would otherwise render 06/12/2026, which the browser silently drops)."""

    input_type = "date"

    def __init__(self, **kwargs: object) -> None:
        super().__init__(format="%Y-%m-%d", **kwargs)  # type: ignore[arg-type]


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs: object) -> None:
        super().__init__(format="%Y-%m-%dT%H:%M", **kwargs)  # type: ignore[arg-type]
