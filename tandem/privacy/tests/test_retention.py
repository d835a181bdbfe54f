"""Retention: an organisation sets how long the confidential content of ended engagements is
kept; the scheduler deletes it afterwards and leaves dates and counts."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tandem.action_items.models import Reflection
from tandem.coaching_sessions.models import CoachingSession, PrivateNote
from tandem.core.tests.world import build_world
from tandem.engagements.models import Engagement
from tandem.notifications.schedule import tick
from tandem.privacy.models import ContentPurge, RetentionPolicy
from tandem.privacy.records import records_markdown


def _ended(engagement: Engagement, days_ago: int) -> None:
    end = timezone.localdate() - dt.timedelta(days=days_ago)
    Engagement.objects.filter(pk=engagement.pk).update(
        status=Engagement.Status.COMPLETED, start_date=end - dt.timedelta(days=120), end_date=end
    )


def _admin(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_admin_sets_retention_on_the_privacy_page(engagement, programme_admin):
    url = reverse("organisation_privacy", args=[engagement.organisation.slug])
    client = _admin(programme_admin)
    bad = client.post(url, {"months_after_close": "0"})
    assert bad.status_code == 422 and "greater than or equal to 1" in bad.content.decode()
    assert not RetentionPolicy.objects.exists()
    page = client.post(url, {"months_after_close": "12"}, follow=True).content.decode()
    assert "deleted 12 months after they end" in page
    assert RetentionPolicy.objects.get().months_after_close == 12


def test_the_scheduler_deletes_content_past_the_limit_and_keeps_dates_and_counts(
    engagement, programme_admin
):
    build_world(engagement)
    RetentionPolicy.objects.create(organisation=engagement.organisation, months_after_close=12)
    held = engagement.sessions.filter(status=CoachingSession.Status.HELD).count()

    _ended(engagement, days_ago=300)  # ten months: not yet
    tick(timezone.now())
    assert Reflection.objects.count() == 1 and not ContentPurge.objects.exists()

    _ended(engagement, days_ago=400)  # thirteen months: its content goes
    report = tick(timezone.now())
    assert report.counts["retention"] == 1
    assert not Reflection.objects.exists() and not PrivateNote.objects.exists()
    engagement.refresh_from_db()
    assert engagement.status == Engagement.Status.COMPLETED and engagement.end_date
    assert engagement.sessions.filter(status=CoachingSession.Status.HELD).count() == held
    purge = ContentPurge.objects.get()
    assert purge.counts["Reflections"] == 1 and purge.months_after_close == 12

    tick(timezone.now())  # once only
    assert ContentPurge.objects.count() == 1
    page = _admin(programme_admin).get(
        reverse("organisation_privacy", args=[engagement.organisation.slug])
    )
    assert "Reflections: 1" in page.content.decode()


def test_running_engagements_and_organisations_without_a_setting_keep_everything(engagement):
    build_world(engagement)
    Engagement.objects.filter(pk=engagement.pk).update(
        end_date=timezone.localdate() - dt.timedelta(days=800)
    )  # overdue but still active
    RetentionPolicy.objects.create(organisation=engagement.organisation, months_after_close=1)
    tick(timezone.now())
    assert Reflection.objects.count() == 1
    RetentionPolicy.objects.update(months_after_close=None)
    _ended(engagement, days_ago=800)
    tick(timezone.now())
    assert Reflection.objects.count() == 1


def test_records_page_and_doc_come_from_one_table(engagement, programme_admin, capsys):
    page = _admin(programme_admin).get(
        reverse("privacy_records", args=[engagement.organisation.slug])
    )
    assert "Coach private notes" in page.content.decode()
    call_command("privacy_records")
    doc = Path(__file__).resolve().parents[3] / "docs" / "privacy-records.md"
    assert capsys.readouterr().out == records_markdown() == doc.read_text(), (
        "docs/privacy-records.md is stale: run `manage.py privacy_records > "
        "docs/privacy-records.md`"
    )
