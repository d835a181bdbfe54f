"""Request handling shared by every page."""

from __future__ import annotations

import zoneinfo
from collections.abc import Callable
from urllib.parse import urlencode, urlsplit

from django.conf import settings
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import resolve_url
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.utils.http import url_has_allowed_host_and_scheme


class SignedOutMiddleware:
    """Someone signed out (in another tab, or by timeout) who presses a button:

    * a background (htmx) request would follow the redirect and swap the whole sign-in page
      into a card, losing what they typed: answer 401, the page stays and says why (app.js);
    * a form posted to an address that only takes POST would, after signing in, land on that
      address with GET (405): send them back, after signing in, to the page they were on."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if response.status_code != 302:
            return response
        login_url = resolve_url(settings.LOGIN_URL)
        path, _, query = response["Location"].partition("?")
        # Only the redirect of a page that needs signing in (it carries "next"), not the
        # ordinary way to the sign-in page after signing out.
        if path != login_url or f"{REDIRECT_FIELD_NAME}=" not in query:
            return response
        if getattr(request, "htmx", False):
            return HttpResponse("You are signed out.", status=401, content_type="text/plain")
        referer = request.META.get("HTTP_REFERER", "")
        if request.method == "POST" and url_has_allowed_host_and_scheme(
            referer, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        ):
            back = urlsplit(referer)
            page = back.path + (f"?{back.query}" if back.query else "")
            return HttpResponseRedirect(f"{login_url}?{urlencode({REDIRECT_FIELD_NAME: page})}")
        return response


class TimeZoneMiddleware:
    """Pages show times on the signed-in person's own clock (their settings), else the
    site's."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        zone = getattr(user, "time_zone", "") if user is not None else ""
        try:
            if zone:
                timezone.activate(zoneinfo.ZoneInfo(zone))
            else:
                timezone.deactivate()
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            timezone.deactivate()
        return self.get_response(request)


class NoStoreMiddleware:
    """``Cache-Control: no-store`` on every page a signed-in person is shown (the rater's
    and password pages, signed out, say so themselves with ``never_cache``).

    Which pages hold confidential content is decided per role by the policy, so a list of
    "confidential views" would drift from it; every signed-in page is personal (a name, an
    engagement, an inbox) and none is worth caching in a shared browser or proxy. Static
    assets (WhiteNoise, before this) and signed-out pages keep their caching.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            patch_cache_control(response, no_store=True, private=True)
        return response
