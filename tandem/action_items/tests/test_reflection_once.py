"""Sending the same reflection form again (a double click, a retry, five at once) makes one
reflection."""

from __future__ import annotations

import re
import threading

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from tandem.action_items.models import Reflection

FIELDS = {
    "situation": "Ops review",
    "what_i_did": "Asked first",
    "what_happened": "They listened",
    "what_i_learned": "Questions open doors",
}


def _form_token(client: Client, url: str) -> str:
    page = client.get(url).content.decode()
    return re.search(r'name="form_token" value="([0-9a-f-]{36})"', page).group(1)  # type: ignore[union-attr]


@pytest.mark.django_db
def test_the_same_form_sent_twice_makes_one_reflection(engagement, coachee):
    client = Client()
    client.force_login(coachee)
    url = reverse("reflection_list", args=[engagement.pk])
    data = {**FIELDS, "form_token": _form_token(client, url)}
    assert client.post(url, data).status_code == 302
    assert client.post(url, data).status_code == 302  # the retry lands on the list too
    assert Reflection.objects.count() == 1
    # A fresh form is a fresh reflection.
    client.post(url, {**FIELDS, "form_token": _form_token(client, url)})
    assert Reflection.objects.count() == 2


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="concurrent writers need a real server: SQLite's shared in-memory test database "
    "locks whole tables (run with DATABASE_URL=postgres://...)",
)
@pytest.mark.django_db(transaction=True)
def test_five_identical_concurrent_submits_make_one_reflection(engagement, coachee):
    setup = Client()
    setup.force_login(coachee)
    url = reverse("reflection_list", args=[engagement.pk])
    data = {**FIELDS, "form_token": _form_token(setup, url)}
    clients = []
    for _ in range(5):
        client = Client()
        client.force_login(coachee)
        clients.append(client)
    start = threading.Barrier(5)
    statuses: list[int] = []

    def send(client: Client) -> None:
        try:
            start.wait()
            statuses.append(client.post(url, data).status_code)
        finally:
            connection.close()

    threads = [threading.Thread(target=send, args=(c,)) for c in clients]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert statuses == [302] * 5
    assert Reflection.objects.count() == 1


@pytest.mark.django_db
def test_bad_text_gets_a_message_beside_the_field_and_keeps_what_was_typed(engagement, coachee):
    client = Client()
    client.force_login(coachee)
    url = reverse("reflection_list", args=[engagement.pk])
    # Two megabytes of Greek (4 MB in UTF-8): once a bare "Bad Request (400)" that lost it all.
    long_greek = "Καλημέρα " * 250_000
    page = client.post(url, {**FIELDS, "situation": long_greek[:12_000], "what_i_did": "A\x00B"})
    assert page.status_code == 422
    html = page.content.decode()
    assert "Ensure this value has at most 10000 characters" in html
    assert "Null characters are not allowed." in html
    assert "Καλημέρα Καλημέρα" in html  # what was typed is still in the form
    big = client.post(url, {**FIELDS, "situation": long_greek[:1_000_000]})
    assert big.status_code == 422  # not a bare 400: the form says what is too long
    assert "at most 10000 characters" in big.content.decode()
    assert not Reflection.objects.exists()
