"""Signing in with an authenticator app in a real browser (Debian's Chromium, Playwright):
the password, then the six-digit code the app shows — computed here exactly as allauth
checks it."""

from __future__ import annotations

import os

import pytest
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

from conftest import PASSWORD
from tandem.accounts.tests.test_mfa import code_now
from tandem.core.tests.test_browser import browser  # noqa: F401 - the shared fixture

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def test_signing_in_with_a_password_and_an_authenticator_code(
    browser,  # noqa: F811
    live_server,
    coach,
):
    secret = generate_totp_secret()
    TOTP.activate(coach, secret)
    RecoveryCodes.activate(coach)
    page = browser.new_context(viewport={"width": 1100, "height": 900}).new_page()
    page.set_default_timeout(30_000)
    page.goto(f"{live_server.url}/login/")  # the old address leads to the sign-in page
    page.fill("#id_login", coach.email)
    page.fill("#id_password", PASSWORD)
    page.click("button.primary[type=submit]")
    page.wait_for_url(f"{live_server.url}/accounts/2fa/authenticate/")
    assert page.get_by_label("Code").is_visible()
    page.get_by_label("Code").fill("000000")
    page.get_by_role("button", name="Sign In").click()
    page.wait_for_selector("text=Incorrect code")
    page.get_by_label("Code").fill(code_now(secret))
    page.get_by_role("button", name="Sign In").click()
    page.wait_for_url(f"{live_server.url}/")
    assert page.get_by_role("link", name=coach.full_name).is_visible()
