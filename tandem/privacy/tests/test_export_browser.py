"""In a real browser: a coachee asks for a copy of their data from Settings, the worker
prepares it, and the ZIP they download holds their own records and nobody's private notes."""

from __future__ import annotations

import io
import json
import os
import zipfile

import pytest

from tandem.core.tests.test_browser import _sign_in, browser  # noqa: F401 - the fixture
from tandem.core.tests.world import build_world

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def test_a_coachee_downloads_a_copy_of_their_data(
    browser,  # noqa: F811
    live_server,
    engagement,
    coachee,
):
    build_world(engagement)  # a private note "Seems tired." by the coach, among the rest
    page = _sign_in(browser, live_server, coachee)
    page.get_by_role("link", name=coachee.full_name).first.click()  # their settings
    page.get_by_role("link", name="My data").click()
    page.wait_for_selector("h1:has-text('My data')")
    page.get_by_role("button", name="Prepare my copy").click()

    link = page.get_by_role("link", name="Download ZIP")
    link.wait_for()
    with page.expect_download() as caught:
        link.click()
    with open(caught.value.path(), "rb") as saved:
        raw = saved.read()
    archive = zipfile.ZipFile(io.BytesIO(raw))
    document = json.loads(archive.read("tandem-export.json"))
    assert document["you"]["email"] == coachee.email
    assert [e["your_roles"] for e in document["engagements"]] == [["coachee"]]
    assert b"Seems tired." not in raw  # the coach's private note is theirs alone
