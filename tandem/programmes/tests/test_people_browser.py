"""The programme admin imports people in a real browser: a file with one bad row, the
preview that names it, the fix on the page, the confirmation — then deactivates a coach
and finds the engagement that needs a new one."""

from __future__ import annotations

import os

import pytest
from django.core import mail

from tandem.accounts.models import ProgrammeMember, User
from tandem.core.tests.test_browser import SHOTS, _sign_in, browser  # noqa: F401

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CSV = (
    "name;email;role;sponsor_email;cohort;training\r\n"
    "Dana Whitfield;dana@example.org;sponsor;;;\r\n"
    "Amira Haddad;amira@example.org;coachee;dana@example.org;Spring 2026;yes\r\n"
    "Ben Carter;ben@example;coachee;dana@example.org;Spring 2026;no\r\n"
    "Grace Mensah;grace@example.org;coach;;;\r\n"
)


def test_the_admin_imports_a_csv_fixes_the_bad_row_and_confirms(
    browser,  # noqa: F811
    live_server,
    programme_admin,
    programme,
    organisation,
    engagement,
    tmp_path,
):
    SHOTS.mkdir(exist_ok=True)
    page = _sign_in(browser, live_server, programme_admin)
    page.get_by_role("link", name="People").first.click()
    page.get_by_role("link", name=programme.name).click()
    page.wait_for_selector(f"h1:has-text('{programme.name}')")
    page.get_by_role("link", name="Import people from a CSV").click()

    upload = tmp_path / "people.csv"
    upload.write_bytes(b"\xef\xbb\xbf" + CSV.encode())  # as Excel writes it, BOM and all
    page.set_input_files("input[type=file]", str(upload))
    page.get_by_role("button", name="Check the file").click()
    page.wait_for_selector("text=Nothing is stored yet.")
    bad = page.locator("#line-4")
    assert "“ben@example” is not a valid email address." in bad.inner_text()
    assert "1 with problems" in page.inner_text("main")
    page.screenshot(path=str(SHOTS / "people-import-preview.png"), full_page=True)
    assert not User.objects.filter(email="amira@example.org").exists()

    text = page.get_by_label("The file's text")
    text.fill(text.input_value().replace("ben@example;", "ben@example.org;"))
    page.get_by_role("button", name="Check again").click()
    page.wait_for_selector("text=Everything is in order.")
    page.get_by_role("button", name="Import 4 rows").click()
    page.wait_for_selector("text=Added 4 people to")
    main = page.inner_text("main")
    assert "3 new to" not in main and "4 new to" in main
    for name in ("Amira Haddad", "Ben Carter", "Grace Mensah", "Dana Whitfield"):
        assert name in main
    page.screenshot(path=str(SHOTS / "programme-people.png"), full_page=True)
    assert sorted(m.to[0] for m in mail.outbox) == [
        "amira@example.org",
        "ben@example.org",
        "dana@example.org",
        "grace@example.org",
    ]
    amira = ProgrammeMember.objects.get(user__email="amira@example.org")
    assert (amira.sponsor.email, amira.cohort, amira.took_training) == (
        "dana@example.org",
        "Spring 2026",
        True,
    )

    # Deactivating the engagement's coach asks first, then lists it as needing a new coach.
    page.goto(f"{live_server.url}/org/{organisation.slug}/people/")
    page.get_by_role("link", name=f"Deactivate {engagement.coach.full_name}").click()
    page.wait_for_selector(f"text=Deactivate {engagement.coach.full_name}?")
    page.get_by_role("button", name=f"Deactivate {engagement.coach.full_name}").click()
    needs = page.locator("#needs-coach")
    needs.wait_for()
    page.screenshot(path=str(SHOTS / "organisation-people.png"), full_page=True)
    needs.get_by_role("link", name=engagement.display_title).click()
    page.wait_for_selector(f"h1:has-text('{engagement.display_title}')")
