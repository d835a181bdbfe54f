"""Security headers on every page; confidential (signed-in) pages are never stored."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from tandem.core.tests.world import build_world

pytestmark = pytest.mark.django_db


def _csp(response) -> dict[str, str]:
    header = response["Content-Security-Policy"]
    return {
        part.strip().split(" ", 1)[0]: part.strip().partition(" ")[2]
        for part in header.split(";")
        if part.strip()
    }


def test_a_signed_out_page_carries_the_security_headers():
    response = Client().get(reverse("login"))
    csp = _csp(response)
    assert csp["default-src"] == "'self'"
    assert csp["script-src"] == "'self'" and csp["style-src"] == "'self'"
    assert csp["object-src"] == "'none'" and csp["frame-ancestors"] == "'none'"
    assert "unsafe-inline" not in response["Content-Security-Policy"]
    assert "unsafe-eval" not in response["Content-Security-Policy"]
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "camera=()" in response["Permissions-Policy"]
    assert "geolocation=()" in response["Permissions-Policy"]


def test_confidential_pages_are_not_stored(engagement, coach):
    world = build_world(engagement)
    client = Client()
    client.force_login(coach)
    for url in (
        reverse("session_detail", kwargs={"pk": world.session.pk}),
        reverse("reflection_list", kwargs={"pk": engagement.pk}),
        reverse("private_note", kwargs={"pk": world.session.pk}),
        reverse("home"),
    ):
        response = client.get(url)
        assert response.status_code == 200
        assert "no-store" in response["Cache-Control"], url
        assert "Content-Security-Policy" in response


def test_a_rater_page_and_a_password_page_are_not_stored(engagement):
    build_world(engagement)
    for url in ("/r/not-a-real-token/", "/password/set/MQ/not-a-token/"):
        response = Client().get(url)
        assert "no-store" in response.get("Cache-Control", ""), url
