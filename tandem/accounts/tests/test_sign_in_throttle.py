"""Guessing passwords: a limit per account and per address, logged, and a message that never
tells whether the account exists."""

from __future__ import annotations

import logging

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from conftest import PASSWORD


def _try(client: Client, email: str, password: str, ip: str = "203.0.113.7"):
    # Both field names: Django's own form used "username", allauth's uses "login".
    return client.post(
        reverse("account_login"),
        {"username": email, "login": email, "password": password},
        REMOTE_ADDR=ip,
        follow=True,
    )


def _signed_in(client: Client) -> bool:
    return "_auth_user_id" in client.session


@pytest.mark.django_db
def test_wrong_passwords_lock_the_account_for_a_while(coach):
    client = Client()
    for _ in range(20):
        _try(client, coach.email, "not the password")
    # Even the right password is refused now, from this address and from another one.
    page = _try(client, coach.email, PASSWORD)
    assert not _signed_in(client)
    assert "Too many failed sign-in attempts" in page.content.decode()
    other = Client()
    _try(other, coach.email, PASSWORD, ip="198.51.100.9")
    assert not _signed_in(other)


@pytest.mark.django_db
def test_the_lock_says_the_same_for_an_address_without_an_account(coach):
    for email, ip in ((coach.email, "198.51.100.1"), ("nobody-here@example.org", "198.51.100.2")):
        client = Client()
        for _ in range(6):
            page = _try(client, email, "not the password", ip=ip)
        assert "Too many failed sign-in attempts" in page.content.decode()
    # And a single wrong try reads the same for both.
    cache.clear()
    known = _try(Client(), coach.email, "wrong", ip="192.0.2.1").content.decode()
    unknown = _try(Client(), "ghost@example.org", "wrong", ip="192.0.2.2").content.decode()
    message = "That email and password do not match an account here."
    assert message in known
    assert message in unknown


@pytest.mark.django_db
def test_many_addresses_from_one_client_are_stopped(coach):
    client = Client()
    for n in range(12):
        _try(client, f"guess{n}@example.org", "not the password", ip="203.0.113.99")
    page = _try(client, coach.email, PASSWORD, ip="203.0.113.99")
    assert not _signed_in(client)
    assert "Too many failed sign-in attempts" in page.content.decode()


@pytest.mark.django_db
def test_a_failed_sign_in_is_logged_without_the_password(coach, caplog):
    with caplog.at_level(logging.WARNING, logger="tandem.accounts.signin"):
        _try(Client(), coach.email, "Sekrit-canary-password-42")
    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert "Failed sign-in" in logged
    assert "203.0.113.7" in logged
    assert "Sekrit-canary-password-42" not in logged
    assert coach.email not in logged  # a digest of it, so the log is no address list


@pytest.mark.django_db
def test_password_reset_requests_are_limited_per_address(coach, mailoutbox):
    for n in range(6):
        Client().post(
            reverse("account_reset_password"), {"email": coach.email}, REMOTE_ADDR=f"192.0.2.{n}"
        )
    assert len([m for m in mailoutbox if coach.email in m.to]) == 3
