"""How allauth signs people in here: no open sign-up through allauth (independent coaches
open a practice instead), failed sign-ins logged, and single sign-on that puts a person in
the organisation whose provider vouched for them — never by a domain its admins did not
allow, and never into someone else's existing account."""

from __future__ import annotations

import hashlib
import logging
from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from allauth.core.exceptions import ImmediateHttpResponse
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from allauth.socialaccount.models import SocialLogin
from django.contrib import messages
from django.http import HttpRequest
from django.shortcuts import redirect

from tandem.accounts import sso

log = logging.getLogger("tandem.accounts.signin")


def _client_ip(request: HttpRequest) -> str:
    from allauth.core.internal.ratelimit import get_ip

    try:
        return get_ip(request)
    except Exception:  # an unexpected proxy header must not break the sign-in page
        return request.META.get("REMOTE_ADDR", "")


def address_digest(email: str) -> str:
    """A stable tag for an address in the log: the same for every try, not the address."""
    return hashlib.sha256(email.strip().lower().encode()).hexdigest()[:12]


class AccountAdapter(DefaultAccountAdapter):
    error_messages = {
        **DefaultAccountAdapter.error_messages,
        # The same whether or not the address has an account.
        "too_many_login_attempts": "Too many failed sign-in attempts for this address. "
        "Wait 15 minutes and try again, or reset your password.",
        "email_password_mismatch": "That email and password do not match an account here. "
        "Check both, or reset your password.",
    }

    def is_open_for_signup(self, request: HttpRequest) -> bool:
        # Accounts come from an invitation, a practice sign-up or single sign-on.
        return False

    def authentication_failed(self, request: HttpRequest, **credentials: Any) -> None:
        # Never the password; the address as a digest, so the log is no list of addresses.
        log.warning(
            "Failed sign-in for address %s from %s",
            address_digest(str(credentials.get("email", ""))),
            _client_ip(request),
        )


class SocialAccountAdapter(DefaultSocialAccountAdapter):
    def is_open_for_signup(self, request: HttpRequest, sociallogin: SocialLogin) -> bool:
        return True  # pre_social_login refused already whatever may not join

    def pre_social_login(self, request: HttpRequest, sociallogin: SocialLogin) -> None:
        try:
            sso.sign_in_check(sociallogin, request)
        except sso.SsoRefused as refused:
            messages.error(request, str(refused))
            raise ImmediateHttpResponse(redirect("account_login")) from refused

    def populate_user(self, request: HttpRequest, sociallogin: SocialLogin, data: dict) -> Any:
        user = super().populate_user(request, sociallogin, data)
        name = data.get("name") or " ".join(
            p for p in (data.get("first_name"), data.get("last_name")) if p
        )
        user.full_name = (name or user.email.split("@")[0])[:150]
        return user

    def save_user(self, request: HttpRequest, sociallogin: SocialLogin, form: Any = None) -> Any:
        user = super().save_user(request, sociallogin, form)
        sso.joined_through_sso(sociallogin, user)
        return user
