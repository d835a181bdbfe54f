"""The main journey in a real browser: Debian's Chromium driven by Playwright.

The coach runs a session through GROW (a commitment of 6 triggers the revisit prompt,
then 8 commits), creates an action and a private note; the coachee sees the shared
summary and the action but not the private note; the sponsor sees neither. A rater
answers from their link on a phone; and a baseline 360 runs end to end, from set-up to
the coachee downloading the PDF.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from conftest import PASSWORD
from tandem.coaching_sessions import services as sessions
from tandem.core.tests.world import held_session_with_action, plan_session

if TYPE_CHECKING:
    from playwright.sync_api import Dialog

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Playwright's sync API runs an event loop in this thread; the ORM calls made by the test
# itself are still plain synchronous code.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = "/usr/bin/chromium"
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SHOTS = Path(__file__).resolve().parents[3] / "test-results"


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    if not shutil.which(CHROMIUM):
        pytest.fail("Debian's chromium is missing: run `make browser-deps` (make test does).")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield browser
        browser.close()


def _sign_in(browser, live_server, user):
    context = browser.new_context(viewport={"width": 1100, "height": 900})
    page = context.new_page()
    page.set_default_timeout(10_000)
    page.goto(f"{live_server.url}/login/")
    page.fill("#id_login", user.email)
    page.fill("#id_password", PASSWORD)
    page.click("button.primary[type=submit]")
    page.wait_for_url(f"{live_server.url}/")
    return page


def test_coach_runs_a_grow_session_and_confidentiality_holds(
    browser, live_server, engagement, coach, coachee, sponsor
):
    previous = held_session_with_action(engagement)
    session = plan_session(engagement)
    sessions.agenda_topic_add(actor=coachee, session=session, title="Handing Q3 to Dev")
    SHOTS.mkdir(exist_ok=True)

    # --- the coach runs the session --------------------------------------------------------
    page = _sign_in(browser, live_server, coach)
    page.get_by_role("link", name=engagement.display_title).click()
    page.click("text=Open session")
    page.wait_for_selector("text=1. Accountability")
    checkin = page.locator(f"#checkin-{previous.pk}")
    checkin.get_by_label("Done", exact=True).check()
    checkin.get_by_label("What happened").fill("Asked him on Monday")
    checkin.get_by_role("button", name="Record").click()
    page.wait_for_selector(f"#checkin-{previous.pk}.recorded")

    card = page.locator("article.topic").first
    card.get_by_label("Goal").fill("Dev owns the Q3 plan by Friday")
    card.get_by_label("Reality").fill("I still edit his spreadsheet at night")
    card.get_by_role("button", name="Save notes").click()
    page.wait_for_timeout(300)
    card.locator("input[name$='-description']").fill("Agree decision rights")
    card.locator("input[name$='-pros']").fill("Clarity")
    card.locator("input[name$='-cons']").fill("Feels awkward")
    card.get_by_role("button", name="Add option").click()
    card.locator(".options li", has_text="Agree decision rights").wait_for()
    card.get_by_label("Will").fill("Write the list with Dev on Monday")

    card.get_by_label("How committed are you, 1–10?").fill("6")
    card.get_by_role("button", name="Commit").click()
    prompt = card.locator(".prompt")
    prompt.wait_for()
    assert "below 8" in prompt.inner_text()
    page.screenshot(path=str(SHOTS / "revisit-prompt.png"), full_page=True)
    prompt.get_by_label("Revised goal").fill("Dev and I agree three decisions he owns")
    prompt.get_by_role("button", name="Save revised goal").click()
    card.get_by_label("How committed are you, 1–10?").fill("8")
    card.get_by_role("button", name="Commit").click()
    card.locator("text=Committed 8/10").wait_for()
    assert "first rated 6/10, goal revisited" in card.inner_text()

    card.get_by_placeholder("A concrete next step").fill("List Q3 decisions with Dev")
    due = (dt.date.today() + dt.timedelta(days=7)).isoformat()
    card.locator("input[type=date]").fill(due)
    card.get_by_role("button", name="Add action").click()
    card.locator(".action-line", has_text="List Q3 decisions with Dev").wait_for()
    # Notes typed before the buttons were clicked were saved along the way.
    assert "Write the list with Dev on Monday" in card.get_by_label("Will").input_value()

    page.click("text=My private note")
    page.get_by_label("Private note").fill("Coach-only: watch the perfectionism")
    page.get_by_role("button", name="Save private note").click()
    page.wait_for_selector("text=Only you can read it")
    page.click("text=Back to the session")
    page.get_by_label("Shared summary").fill("We explored handing Q3 to Dev.")
    page.once("dialog", lambda dialog: dialog.accept())  # closing cannot be undone: it asks
    page.get_by_role("button", name="Close session").click()
    page.wait_for_selector("text=Session closed")
    page.screenshot(path=str(SHOTS / "session-closed-coach.png"), full_page=True)
    session_url = page.url

    # --- the coachee sees the shared record, not the private note ------------------------
    page = _sign_in(browser, live_server, coachee)
    page.goto(session_url)
    text = page.inner_text("main")
    assert "We explored handing Q3 to Dev." in text
    assert "List Q3 decisions with Dev" in text
    assert "Committed 8/10" in text
    assert "perfectionism" not in page.content()
    assert "My private note" not in text
    page.screenshot(path=str(SHOTS / "session-coachee.png"), full_page=True)

    # --- the sponsor sees neither ----------------------------------------------------------
    page = _sign_in(browser, live_server, sponsor)
    page.get_by_role("link", name=engagement.display_title).click()
    text = page.inner_text("main")
    assert "sessions held" in text
    for secret in ("We explored", "List Q3 decisions", "perfectionism", "Handing Q3"):
        assert secret not in page.content()
    response = page.goto(session_url)
    assert response is not None and response.status == 403
    page.screenshot(path=str(SHOTS / "engagement-sponsor.png"), full_page=True)


def test_a_rater_answers_from_their_link_saves_resumes_and_submits_once(
    browser, live_server, engagement, coach, coachee, django_capture_on_commit_callbacks
):
    import re

    from django.core import mail
    from django.test.utils import override_settings
    from django.utils import timezone

    from tandem.feedback import services as feedback
    from tandem.feedback.models import Response

    cycle = feedback.cycle_create(
        actor=coach,
        engagement=engagement,
        kind="baseline",
        closes_on=timezone.localdate() + dt.timedelta(days=10),
        competency_keys=["delegation"],
    )
    invitation = feedback.invitation_nominate(
        actor=coachee, cycle=cycle, name="Pat Peer", email="pat@example.org", group="peer"
    )
    feedback.invitation_review(actor=coach, invitation=invitation, approve=True)
    with (
        override_settings(SITE_URL=live_server.url),
        django_capture_on_commit_callbacks(execute=True),
    ):
        feedback.cycle_open(actor=coach, cycle=cycle)
    # The coachee was asked to nominate raters too: the rater's email is the one with a link.
    found = re.search(r"(http://\S+/r/\S+/)", "\n".join(str(m.body) for m in mail.outbox))
    assert found is not None
    link = found.group(1)

    context = browser.new_context(viewport={"width": 420, "height": 900})  # a phone
    page = context.new_page()
    page.set_default_timeout(10_000)
    page.goto(link)
    page.wait_for_selector(f"text=Feedback for {coachee.full_name}")
    ratings = page.locator(".rating")
    ratings.nth(0).get_by_label("Usually").check()
    ratings.nth(1).get_by_label("Can't say").check()
    page.get_by_role("button", name="Save and finish later").click()
    page.wait_for_selector("text=Saved. Come back with the same link")
    page.goto(link)  # resume later
    assert ratings.nth(0).get_by_label("Usually").is_checked()
    page.get_by_role("button", name="Submit").click()
    page.wait_for_selector("text=have no answer yet")
    for index in range(2, ratings.count()):
        ratings.nth(index).get_by_label("Often").check()
    page.get_by_label(re.compile("keep doing")).fill("Lets us own our projects more and more.")
    page.get_by_role("button", name="Submit").click()
    page.wait_for_selector("text=Thank you")
    page.screenshot(path=str(SHOTS / "rater-done.png"), full_page=True)
    assert Response.objects.get().group == "peer"
    page.goto(link)
    assert "already given your feedback" in page.inner_text("main")


def test_a_baseline_360_runs_end_to_end_and_the_coachee_downloads_the_pdf(
    browser, live_server, engagement, coach, coachee, settings
):
    """Set up, nominate, approve, open, three raters answer, close, review, release, PDF."""
    import re

    from django.core import mail

    settings.SITE_URL = live_server.url
    coach_page = _sign_in(browser, live_server, coach)
    coach_page.goto(f"{live_server.url}/engagements/{engagement.pk}/")
    coach_page.get_by_role("link", name="Set up a 360").click()
    coach_page.select_option("#id_kind", "baseline")
    coach_page.get_by_label("Delegates and empowers").check()
    coach_page.get_by_role("button", name="Set up").click()
    assert "Baseline 360" in coach_page.locator("h1").inner_text(), coach_page.inner_text("main")
    cycle_url = coach_page.url

    coachee_page = _sign_in(browser, live_server, coachee)
    coachee_page.goto(cycle_url)
    for name in ("Pat Peer", "Pia Peer", "Paz Peer"):
        coachee_page.fill("#id_name", name)
        coachee_page.fill("#id_email", f"{name.split()[0].lower()}@example.org")
        coachee_page.select_option("#id_group", "peer")
        coachee_page.get_by_role("button", name="Propose").click()
        coachee_page.wait_for_selector(f"td:has-text('{name}')")

    coach_page.reload()
    for _ in range(3):
        coach_page.get_by_role("button", name="Approve").first.click()
        coach_page.wait_for_load_state()
    assert coach_page.get_by_role("button", name="Approve").count() == 0
    coach_page.get_by_role("button", name="Open the 360 and send the links").click()
    coach_page.wait_for_selector("text=Answers so far")

    links = [
        m.group(1) for msg in mail.outbox if (m := re.search(r"(http://\S+/r/\S+/)", msg.body))
    ]
    assert len(links) == 3
    rater = browser.new_context(viewport={"width": 420, "height": 900}).new_page()
    for number, link in enumerate(links):
        rater.goto(link)
        for radio_group in rater.locator(".rating").all():
            radio_group.get_by_label("Often").check()
        rater.get_by_label(re.compile("keep doing")).fill(f"Comment number {number}.")
        rater.get_by_role("button", name="Submit").click()
        rater.wait_for_selector("text=Thank you")

    coach_page.reload()
    asked: list[str] = []  # closing and releasing cannot be undone: both ask first

    def accept(dialog: Dialog) -> None:
        asked.append(dialog.message)
        dialog.accept()

    coach_page.on("dialog", accept)
    coach_page.get_by_role("button", name="Close the 360").click()
    coach_page.wait_for_selector("text=Review the comments")
    for _ in range(3):
        coach_page.locator(".comment-review .tag:text('Awaiting review')").first.wait_for()
        coach_page.locator(
            ".comment-review:has(.tag:text('Awaiting review')) button:text('Approve')"
        ).first.click()
        coach_page.wait_for_load_state()
    coach_page.get_by_role("button", name=re.compile("Release the report")).click()
    coach_page.wait_for_selector("a:has-text('Report')")
    assert [m.split("?")[0] for m in asked] == [
        "Close the 360 now",
        f"Release the report to {coachee.get_short_name()}",
    ]

    coachee_page.goto(cycle_url)
    coachee_page.get_by_role("link", name="Report").click()
    coachee_page.wait_for_selector("svg.bars")
    assert "Comment number 1." in coachee_page.inner_text("main")
    coachee_page.screenshot(path=str(SHOTS / "360-report.png"), full_page=True)
    with coachee_page.expect_download() as download_info:
        coachee_page.get_by_role("link", name="Download PDF").click()
    download = download_info.value
    assert download.suggested_filename.startswith("360-baseline-")
    assert Path(download.path()).read_bytes().startswith(b"%PDF-")


def test_coach_and_coachee_write_in_one_session_without_losing_each_others_words(
    browser, live_server, engagement, coach, coachee
):
    session = plan_session(engagement)
    sessions.agenda_topic_add(actor=coachee, session=session, title="Handing Q3 to Dev")
    url = f"{live_server.url}/sessions/{session.pk}/"
    coach_page = _sign_in(browser, live_server, coach)
    coachee_page = _sign_in(browser, live_server, coachee)
    coach_page.goto(url)
    coachee_page.goto(url)

    coach_card = coach_page.locator("article.topic").first
    coach_card.get_by_label("Reality").fill("I still edit his spreadsheet")
    coach_card.get_by_role("button", name="Save notes").click()
    coach_card.locator(".saved").wait_for()  # the coach is told it was saved

    # The coachee's page still shows the old notes; adding an option is not a clash.
    card = coachee_page.locator("article.topic").first
    card.locator("input[name$='-description']").fill("Ask Dev to lead the review")
    card.get_by_role("button", name="Add option").click()
    card.locator(".options li", has_text="Ask Dev to lead the review").wait_for()
    assert "while you were typing" not in card.inner_text()

    # Now both edit the goal: the second save is refused, with both versions kept in view.
    coach_page.reload()
    coach_card.get_by_label("Goal").fill("Dev owns the plan")
    coach_card.get_by_role("button", name="Save notes").click()
    coach_card.locator(".saved").wait_for()
    card.get_by_label("Goal").fill("I stop editing at night")
    card.get_by_role("button", name="Save notes").click()
    card.locator("text=saved these notes while you were typing").wait_for()
    assert "Dev owns the plan" in card.inner_text()
    assert card.get_by_label("Goal").input_value() == "I stop editing at night"
    card.get_by_label("Goal").fill("Dev owns the plan; I stop editing at night")
    card.get_by_role("button", name="Save notes").click()
    card.locator(".saved").wait_for()
    session.topics.get().refresh_from_db()
    assert session.topics.get().goal == "Dev owns the plan; I stop editing at night"
