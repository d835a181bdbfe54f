"""What every API endpoint shares: error bodies, pagination, and validating input with the
same Django forms the pages use, so a 422 says exactly what the form would say."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any, Generic, TypeVar

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Model, QuerySet
from ninja import Field, Schema

M = TypeVar("M", bound=Model)
T = TypeVar("T")

MAX_PER_PAGE = 100


class ErrorOut(Schema):
    detail: str


class FieldErrorsOut(Schema):
    """422: ``detail`` joins every message; ``errors`` gives them per input field, with
    ``__all__`` for those about the whole request (the same words the page's form shows)."""

    detail: str
    errors: dict[str, list[str]] = {}


# Declared on every operation, so the schema says what a refusal looks like.
# (400: a body that is not JSON at all.)
ERRORS: dict[int, Any] = {
    400: ErrorOut,
    401: ErrorOut,
    403: ErrorOut,
    404: ErrorOut,
    422: FieldErrorsOut,
}


class PageQuery(Schema):
    page: int = Field(1, ge=1, le=100_000, description="1 for the first page.")
    per_page: int = Field(50, ge=1, le=MAX_PER_PAGE)
    updated_since: dt.datetime | None = Field(
        None,
        description="Only what changed at or after this time (ISO 8601), for incremental sync.",
    )


class Page(Schema, Generic[T]):
    items: list[T]
    page: int
    per_page: int
    has_next: bool


def sane_datetime(value: dt.datetime) -> dt.datetime:
    """A time a calendar can hold: year 0001 or 9999 would overflow once moved to a time zone."""
    if not 1900 <= value.year <= 2999:
        raise ValueError("Give a date between the years 1900 and 2999.")
    return value


def paginate(queryset: QuerySet[M], query: PageQuery) -> dict[str, Any]:
    """One page in one query: a row past the page says whether there is a next one (no
    COUNT). ``updated_since`` keeps rows changed since then, so a sync can be incremental."""
    if query.updated_since is not None:
        queryset = queryset.filter(updated_at__gte=query.updated_since)
    start = (query.page - 1) * query.per_page
    rows: Sequence[M] = list(queryset[start : start + query.per_page + 1])
    return {
        "items": rows[: query.per_page],
        "page": query.page,
        "per_page": query.per_page,
        "has_next": len(rows) > query.per_page,
    }


F = TypeVar("F", bound=forms.Form)


def form_input(form_class: type[F], data: dict[str, Any], **kwargs: Any) -> F:
    """Validate an API request body with the page's own form; its errors become a 422 with
    the form's words. Returns the valid form (``cleaned_data``)."""
    form = form_class(data={k: v for k, v in data.items() if v is not None}, **kwargs)
    if not form.is_valid():
        raise ValidationError(form.errors.as_data())
    return form


def validation_body(exc: ValidationError) -> dict[str, Any]:
    if hasattr(exc, "error_dict"):
        errors = {
            field: list(ValidationError(errs).messages) for field, errs in exc.error_dict.items()
        }
    else:
        errors = {"__all__": list(exc.messages)}
    return {"detail": " ".join(m for ms in errors.values() for m in ms), "errors": errors}
