"""Development: emails written by the file backend, listed by a command and a page (DEBUG
only), each invitation's .ics served as sent; and the dev runner refuses a queue-less setup."""

from __future__ import annotations

import datetime as dt
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone

from tandem.coaching_sessions import services as sessions
from tandem.notifications.outbox import outbox_email, outbox_emails
from tandem.notifications.tests.conftest import parse_calendar

pytestmark = pytest.mark.django_db


@pytest.fixture
def mail_dir(tmp_path):
    with override_settings(
        EMAIL_BACKEND="django.core.mail.backends.filebased.EmailBackend",
        EMAIL_FILE_PATH=str(tmp_path),
    ):
        yield tmp_path


def _plan(engagement, committed):
    return committed(
        lambda: sessions.sessions_plan(
            actor=engagement.coach,
            engagement=engagement,
            first_at=timezone.now() + dt.timedelta(days=3),
            count=1,
        )
    )[0]


def test_emails_land_in_files_and_the_command_lists_and_shows_them(
    engagement, coachee, committed, mail_dir
):
    session = _plan(engagement, committed)
    emails = outbox_emails()
    assert len(emails) == 2
    assert {e.to for e in emails} == {engagement.coach.email, coachee.email}
    out = StringIO()
    call_command("outbox", stdout=out)
    listing = out.getvalue()
    assert "Coaching session with" in listing and "[.ics REQUEST]" in listing
    ref = emails[0].ref
    shown = StringIO()
    call_command("outbox", show=ref, stdout=shown)
    assert "Subject: " in shown.getvalue() and "BEGIN:VCALENDAR" in shown.getvalue()
    ics = StringIO()
    call_command("outbox", show=ref, ics=True, stdout=ics)
    assert parse_calendar(ics.getvalue()).events[0]["uid"].startswith(str(session.pk))
    with pytest.raises(CommandError, match="No email"):
        call_command("outbox", show="nope.log:0")


def test_the_outbox_page_exists_only_in_development(engagement, committed, mail_dir):
    _plan(engagement, committed)
    client = Client()
    assert client.get(reverse("dev_outbox")).status_code == 404
    with override_settings(DEBUG=True):
        page = client.get(reverse("dev_outbox")).content.decode()
        assert page.count(">invite.ics</a>") == 2
        first = outbox_emails()[0]
        detail = client.get(reverse("dev_outbox_email", args=[first.file, first.index]))
        assert "BEGIN:VCALENDAR" in detail.content.decode()
        ics = client.get(reverse("dev_outbox_ics", args=[first.file, first.index]))
        assert ics["Content-Type"].startswith("text/calendar")
        assert parse_calendar(ics.content.decode()).method == "REQUEST"
        assert client.get("/dev/outbox/..%2Fsecret.log/0/").status_code == 404
        assert client.get(reverse("dev_outbox_email", args=[first.file, 9])).status_code == 404


def test_outbox_files_outside_the_folder_are_never_read(mail_dir):
    (mail_dir.parent / "other.log").write_text("Subject: x\n\nhello")
    assert outbox_email("../other.log", 0) is None
    assert outbox_email(".hidden.log", 0) is None


def test_the_dev_runner_needs_the_database_queue():
    with pytest.raises(CommandError, match="TASKS_BACKEND"):
        call_command("run_with_worker")
