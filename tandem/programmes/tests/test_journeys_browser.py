"""Issue 8's journeys, end to end in a real browser.

1. A programme admin sets up a programme, imports its people from a CSV, proposes two
   coaches to one coachee (who chooses), assigns a coach to another, watches the dashboard
   and exports it.
2. An independent coach opens a practice, invites a client, and they hold a first session.
"""

from __future__ import annotations

import datetime as dt
import os
import re

import pytest
from django.core import mail
from django.utils import timezone

from tandem.accounts.models import Programme, User
from tandem.accounts.services import coach_profile_save
from tandem.core.tests.test_browser import ARGS, CHROMIUM, SHOTS, _sign_in, browser  # noqa: F401
from tandem.engagements.models import Engagement

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CSV = (
    "name,email,role,sponsor_email,cohort,training\n"
    "Dora Director,dora@example.org,sponsor,,,\n"
    "Cleo Coach,cleo@example.org,coach,,,\n"
    "Milo Mentor,milo@example.org,coach,,,\n"
    "Ana Leader,ana@example.org,coachee,dora@example.org,Spring,yes\n"
    "Bo Leader,bo@example.org,coachee,dora@example.org,Spring,no\n"
)
PASSWORD = "a-long-unusual-passphrase"


def _choose_password(browser, live_server, email: str):  # noqa: F811
    """Follow the emailed link and choose a password, as a newcomer does."""
    bodies = "\n".join(str(m.body) for m in mail.outbox if m.to == [email])
    found = re.search(r"https?://\S+(/password/set/\S+)", bodies)
    assert found is not None, f"No set-password email to {email}"
    link = found.group(1)
    page = browser.new_context(viewport={"width": 1100, "height": 900}).new_page()
    page.set_default_timeout(10_000)
    page.goto(live_server.url + link)
    page.fill("#id_new_password1", PASSWORD)
    page.fill("#id_new_password2", PASSWORD)
    page.get_by_role("button", name="Save password").click()
    page.wait_for_selector("text=Password saved")
    page.goto(f"{live_server.url}/login/")
    page.fill("#id_login", email)
    page.fill("#id_password", PASSWORD)
    page.click("button.primary[type=submit]")
    page.wait_for_url(f"{live_server.url}/")
    return page


def test_an_admin_runs_a_programme_from_people_to_dashboard(
    browser,  # noqa: F811
    live_server,
    settings,
    programme_admin,
    organisation,
    tmp_path,
):
    settings.SITE_URL = live_server.url
    SHOTS.mkdir(exist_ok=True)
    page = _sign_in(browser, live_server, programme_admin)
    page.get_by_role("link", name="Programmes").first.click()
    page.get_by_role("link", name="New programme").click()
    page.get_by_label("Name").fill("First-time managers 2027")
    page.get_by_label("Training it follows").fill("the 12-skills course")
    page.get_by_role("button", name="Set up").click()
    page.wait_for_selector("text=First-time managers 2027 set up")
    programme = Programme.objects.get(name="First-time managers 2027")

    page.get_by_role("link", name="People", exact=True).click()
    page.get_by_role("link", name="Import people from a CSV").click()
    upload = tmp_path / "people.csv"
    upload.write_text(CSV)
    page.set_input_files("input[type=file]", str(upload))
    page.get_by_role("button", name="Check the file").click()
    page.wait_for_selector("text=Everything is in order.")
    page.get_by_role("button", name="Import 5 rows").click()
    page.wait_for_selector("text=Added 5 people to")

    # The coaches fill in their profiles (each on their own settings page).
    for email, areas in (("cleo@example.org", ["delegation"]), ("milo@example.org", ["conflict"])):
        coach_profile_save(
            actor=User.objects.get(email=email),
            bio=f"{email.split('@')[0].title()} coaches first-time managers.",
            areas=areas,
            languages=["English"],
            capacity=4,
        )

    # Ana is proposed two coaches, and chooses.
    page.get_by_role("link", name="Overview").click()
    page.locator("tr", has_text="Ana Leader").get_by_role("link", name="Match a coach").click()
    page.get_by_label("Cleo Coach").check()
    page.get_by_label("Milo Mentor").check()
    page.get_by_role("button", name="Propose to Ana").click()
    page.wait_for_selector("text=was emailed to choose between Cleo Coach, Milo Mentor")

    ana = _choose_password(browser, live_server, "ana@example.org")
    ana.get_by_role("link", name="Read their profiles and choose").click()
    assert "Milo coaches first-time managers." in ana.inner_text("main")
    ana.once("dialog", lambda dialog: dialog.accept())
    ana.get_by_role("button", name="Choose Milo").click()
    ana.wait_for_selector("text=Milo Mentor is your coach")
    ana.screenshot(path=str(SHOTS / "coachee-chose-coach.png"), full_page=True)

    # Bo is assigned directly.
    page.goto(f"{live_server.url}/programmes/{programme.pk}/")
    page.locator("tr", has_text="Bo Leader").get_by_role("link", name="Match a coach").click()
    page.select_option("#id_a-coach", label="Cleo Coach")
    page.get_by_role("button", name="Assign and start the engagement").click()
    page.wait_for_selector("text=Cleo Coach coaches Bo Leader")
    assert Engagement.objects.filter(programme=programme).count() == 2

    # The dashboard: two engagements are too few for anything about the coaching itself.
    page.goto(f"{live_server.url}/programmes/{programme.pk}/")
    page.get_by_role("link", name="Dashboard").click()
    main = page.inner_text("main")
    assert "fewer than 5" in main.lower()
    page.screenshot(path=str(SHOTS / "programme-dashboard-small.png"), full_page=True)
    with page.expect_download() as download:
        page.get_by_role("link", name="Export CSV").first.click()
    exported = download.value.path().read_text()
    assert "engagements" in exported.lower() and "Ana Leader" not in exported


def test_an_independent_coach_opens_a_practice_and_holds_a_first_session(
    browser,  # noqa: F811
    live_server,
    settings,
):
    settings.OPEN_SIGNUP = True
    settings.SITE_URL = live_server.url
    context = browser.new_context(viewport={"width": 1100, "height": 900})
    page = context.new_page()
    page.set_default_timeout(10_000)
    page.goto(f"{live_server.url}/login/")
    page.get_by_role("link", name="Open your own practice").click()
    page.get_by_label("Your name").fill("Ines Independent")
    page.get_by_label("Email").fill("ines@coaching.example")
    page.fill("#id_password1", PASSWORD)
    page.fill("#id_password2", PASSWORD)
    page.get_by_label("Your practice's name").fill("Ines Coaching")
    page.get_by_role("button", name="Open my practice").click()
    page.wait_for_selector("text=Your practice is open")

    page.get_by_role("link", name="Start an engagement").click()
    page.get_by_label("…or invite someone new: name").fill("Carl Client")
    page.get_by_label("Their email").fill("carl@client.example")
    page.get_by_role("button", name="Start").click()
    page.wait_for_selector("text=Next: plan its sessions")

    page.get_by_role("link", name="Plan sessions").click()
    first = timezone.localtime() - dt.timedelta(minutes=5)
    page.fill("#id_first_at", first.strftime("%Y-%m-%dT%H:%M"))
    page.fill("#id_count", "1")
    page.get_by_role("button", name="Plan").click()
    page.wait_for_selector("text=1 session(s) planned")

    carl = _choose_password(browser, live_server, "carl@client.example")
    carl.get_by_role("link", name=re.compile("Coaching: Carl Client")).click()
    carl.get_by_role("link", name="Open session").click()
    carl.get_by_placeholder("What do you want to work on?").fill("Hiring my first manager")
    carl.get_by_role("button", name="Add to agenda").click()
    carl.wait_for_selector("text=Hiring my first manager")

    page.reload()
    page.get_by_role("link", name="Open session").click()
    card = page.locator("article.topic").first
    card.get_by_label("Goal").fill("Know what the role is for")
    card.get_by_role("button", name="Save notes").click()
    card.locator("text=Notes saved").wait_for()
    card.get_by_placeholder("A concrete next step").fill("Write the role's first 90 days")
    due = (timezone.localdate() + dt.timedelta(days=10)).isoformat()
    card.locator("input[type=date]").fill(due)
    card.get_by_role("button", name="Add action").click()
    card.locator(".action-line", has_text="Write the role's first 90 days").wait_for()
    page.get_by_label("Shared summary").fill("We shaped the first manager role.")
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Close session").click()
    page.wait_for_selector("text=Session closed")
    engagement = Engagement.objects.get(coachee__email="carl@client.example")
    assert engagement.organisation.is_practice
    assert engagement.sessions.get().status == "held"
    page.screenshot(path=str(SHOTS / "practice-first-session.png"), full_page=True)
