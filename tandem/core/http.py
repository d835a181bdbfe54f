"""Request typing and the htmx habit: one view, a partial for htmx, the page otherwise."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django_htmx.middleware import HtmxDetails

from tandem.accounts.models import User


class AuthedRequest(HttpRequest):
    user: User
    htmx: HtmxDetails


def render_page_or_partial(
    request: AuthedRequest,
    page: str,
    partial: str,
    context: dict[str, Any],
    status: int = 200,
) -> HttpResponse:
    template = partial if request.htmx else page
    return render(request, template, context, status=status)


def uuid_or_none(value: str | None) -> UUID | None:
    """An id sent by a page, or None if it is not one (PostgreSQL refuses a NUL byte in a
    query with an error; a made-up id should simply match nothing)."""
    try:
        return UUID(str(value)) if value else None
    except ValueError:
        return None


def search_text(value: str) -> str:
    """A search box's words, without NUL bytes (PostgreSQL refuses them in a query)."""
    return value.replace("\x00", "").strip()
