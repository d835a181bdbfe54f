"""In a real browser: a programme admin finds a coachee on the People page, reads the dry
run, types the address, erases — and the coach then sees "a former member"."""

from __future__ import annotations

import os

import pytest

from tandem.core.tests.test_browser import _sign_in, browser  # noqa: F401 - the fixture
from tandem.core.tests.world import build_world

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def test_an_admin_erases_a_coachee_after_the_dry_run(
    browser,  # noqa: F811
    live_server,
    engagement,
    programme_admin,
    coach,
    coachee,
):
    build_world(engagement)
    page = _sign_in(browser, live_server, programme_admin)
    page.goto(f"{live_server.url}/org/{engagement.organisation.slug}/people/")
    page.get_by_label("Erase Lee Leader").click()
    page.wait_for_selector("h1:has-text('Erase Lee Leader?')")
    what_goes = page.get_by_role("table", name="What goes").inner_text()
    assert "Reflections" in what_goes and "Coaches' private notes" in what_goes
    assert "Seems tired." not in page.content()  # the dry run counts; it shows no content

    page.fill("#id_confirm", "not-the-address@example.org")
    page.get_by_role("button", name="Erase Lee Leader for good").click()
    page.wait_for_selector("text=to confirm: this cannot be undone")

    page.fill("#id_confirm", coachee.email)
    page.get_by_role("button", name="Erase Lee Leader for good").click()
    page.wait_for_selector("text=Lee Leader was erased")
    assert "Lee Leader" not in page.get_by_role("table").inner_text()

    coach_page = _sign_in(browser, live_server, coach)
    coach_page.goto(f"{live_server.url}/engagements/{engagement.pk}/")
    body = coach_page.content()
    assert "a former member" in body and "Lee Leader" not in body
