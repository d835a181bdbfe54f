"""Personal access tokens on the person's settings page: shown once, stored hashed, revoked
by their person only."""

from __future__ import annotations

import re

from django.test import Client
from django.urls import reverse

from tandem.accounts.models import AccessToken


def _signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_a_new_token_is_shown_once_and_only_its_fingerprint_is_kept(coach):
    client = _signed_in(coach)
    created = client.post(reverse("api_tokens"), {"name": "HR sync", "scope": "read", "days": "30"})
    assert created.status_code == 200
    assert "no-store" in created["Cache-Control"]
    secret = re.search(r'id="new-token">(tdm_[\w-]+)<', created.content.decode()).group(1)
    token = AccessToken.objects.get(user=coach)
    assert secret not in str(AccessToken.objects.filter(pk=token.pk).values().get())
    assert token.digest != secret and len(token.digest) == 64
    again = client.get(reverse("api_tokens")).content.decode()
    assert "HR sync" in again
    assert secret not in again  # never shown again
    assert f"{token.prefix}…" in again
    # It works as the coach, read only.
    api = Client(headers={"authorization": f"Bearer {secret}"})
    assert api.get("/api/v1/engagements").status_code == 200


def test_a_token_needs_a_name_and_a_lifetime_from_the_list(coach):
    response = _signed_in(coach).post(
        reverse("api_tokens"), {"name": "", "scope": "write", "days": "9999"}
    )
    assert response.status_code == 422
    page = response.content.decode()
    assert "This field is required." in page
    assert "Select a valid choice." in page
    assert not AccessToken.objects.exists()


def test_revoking_stops_the_token_at_once(coach):
    from tandem.accounts.tokens import token_create

    created = token_create(actor=coach, name="laptop", scope="write", days=7)
    response = _signed_in(coach).post(reverse("api_token_revoke", args=[created.token.pk]))
    assert response.status_code == 302
    api = Client(headers={"authorization": f"Bearer {created.secret}"})
    assert api.get("/api/v1/engagements").status_code == 401
    assert "revoked" in _signed_in(coach).get(reverse("api_tokens")).content.decode()


def test_nobody_else_can_see_or_revoke_a_persons_token(coach, coachee):
    from tandem.accounts.tokens import token_create

    created = token_create(actor=coach, name="laptop", scope="write", days=7)
    client = _signed_in(coachee)
    assert "laptop" not in client.get(reverse("api_tokens")).content.decode()
    response = client.post(reverse("api_token_revoke", args=[created.token.pk]))
    assert response.status_code == 404
    assert AccessToken.objects.get(pk=created.token.pk).revoked_at is None
