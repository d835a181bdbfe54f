"""Request handling shared by every page."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import resolve_url


class HtmxSignedOutMiddleware:
    """A background (htmx) request from someone signed out would follow the redirect to the
    sign-in page and swap that whole page into a card, losing what they typed. Answer 401
    instead: the page stays as it is and says why (``app.js``)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.login_url = ""

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if not getattr(request, "htmx", False) or response.status_code != 302:
            return response
        self.login_url = self.login_url or resolve_url(settings.LOGIN_URL)
        if response["Location"].split("?")[0] == self.login_url:
            return HttpResponse("You are signed out.", status=401, content_type="text/plain")
        return response
