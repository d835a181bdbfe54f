"""Request typing and the htmx habit: one view, a partial for htmx, the page otherwise."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django_htmx.middleware import HtmxDetails

if TYPE_CHECKING:  # core imports no domain app at run time
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
