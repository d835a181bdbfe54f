"""Two-factor authentication where it is required: for staff in Django admin, and for the
members of an organisation whose programme admins require it."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from allauth.mfa.utils import is_mfa_enabled
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse

from tandem.accounts.models import Membership

SESSION_KEY = "tandem_mfa_required"
TOUCHED_KEY = "tandem_touched"
# How often a session in use has its expiry moved on (a write): idle time is measured to
# within this many seconds, without a database write on every request.
TOUCH_EVERY = 60
# Pages someone without MFA may still open: setting it up, signing out, the assets.
_OPEN = ("/accounts/2fa/", "/accounts/logout/", "/accounts/reauthenticate/", "/logout/", "/static/")


def mfa_required_by_organisation(user: Any) -> bool:
    return Membership.objects.filter(
        user=user, is_active=True, organisation__require_mfa=True
    ).exists()


def remember_mfa_requirement(*, request: HttpRequest, user: Any, **_: Any) -> None:
    """On sign-in (user_logged_in): note in the session whether this person must still set
    up MFA, so ordinary requests cost no extra query."""
    request.session[TOUCHED_KEY] = int(time.time())
    if mfa_required_by_organisation(user) and not is_mfa_enabled(user):
        request.session[SESSION_KEY] = True
    else:
        request.session.pop(SESSION_KEY, None)


class IdleSessionMiddleware:
    """Sessions end after SESSION_COOKIE_AGE without use: a session in use is saved (its
    expiry moved on) at most once a minute, rather than on every request."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            now = int(time.time())
            if now - request.session.get(TOUCHED_KEY, 0) >= TOUCH_EVERY:
                request.session[TOUCHED_KEY] = now  # modified: saved with a new expiry
        return self.get_response(request)


class MfaRequiredMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and not request.path.startswith(_OPEN):
            if request.path.startswith("/admin/") and user.is_staff and not is_mfa_enabled(user):
                messages.warning(
                    request,
                    "Django admin needs two-factor authentication: set up an authenticator "
                    "app or a passkey first.",
                )
                return redirect(reverse("mfa_index"))
            if request.session.get(SESSION_KEY):
                if is_mfa_enabled(user):
                    del request.session[SESSION_KEY]
                else:
                    messages.warning(
                        request,
                        "Your organisation requires two-factor authentication: set up an "
                        "authenticator app or a passkey to go on.",
                    )
                    return redirect(reverse("mfa_index"))
        return self.get_response(request)
