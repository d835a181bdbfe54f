"""The audit of reads: every read of confidential content is recorded (who, what, when, from
where), the coachee sees who read their records, an admin sees counts only, and nothing in
the app — nor, on PostgreSQL, in the database — can change or remove a record."""

from __future__ import annotations

import pytest
from django.db import DatabaseError, connection, transaction
from django.test import Client
from django.urls import reverse

from tandem.core.tests.world import build_world
from tandem.privacy.audit import record_read
from tandem.privacy.models import AppendOnlyError, ReadRecord


def _client(user) -> Client:
    client = Client(REMOTE_ADDR="203.0.113.7")
    client.force_login(user)
    return client


def test_each_confidential_page_leaves_a_record(engagement, coach, coachee):
    world = build_world(engagement)
    coach_client = _client(coach)
    pages = {
        ReadRecord.Kind.SESSION_NOTES: reverse("session_detail", args=[world.session.pk]),
        ReadRecord.Kind.PRIVATE_NOTE: reverse("private_note", args=[world.session.pk]),
        ReadRecord.Kind.REFLECTION: reverse("reflection_edit", args=[world.reflection.pk]),
        ReadRecord.Kind.REVIEW: reverse("review_detail", args=[engagement.pk, "midpoint"]),
        ReadRecord.Kind.TRANSCRIPT: reverse("analysis_detail", args=[world.analysis.pk]),
    }
    for kind, url in pages.items():
        assert coach_client.get(url).status_code == 200, url
        read = ReadRecord.objects.filter(kind=kind).get()
        assert (read.reader, read.engagement_id, read.ip) == (coach, engagement.pk, "203.0.113.7")
    assert ReadRecord.objects.get(kind=ReadRecord.Kind.SESSION_NOTES).owner == coachee
    assert ReadRecord.objects.get(kind=ReadRecord.Kind.PRIVATE_NOTE).owner == coach


def test_a_refused_read_leaves_no_record(engagement, sponsor):
    world = build_world(engagement)
    assert _client(sponsor).get(reverse("session_detail", args=[world.session.pk])).status_code
    assert not ReadRecord.objects.exists()


def test_the_coachee_sees_who_read_their_records_and_the_admin_only_counts(
    engagement, coach, coachee, programme_admin
):
    world = build_world(engagement)
    _client(coach).get(reverse("session_detail", args=[world.session.pk]))
    _client(coachee).get(reverse("session_detail", args=[world.session.pk]))  # their own read
    page = _client(coachee).get(reverse("my_reads")).content.decode()
    assert "Casey Coach" in page and "Session notes" in page and "203.0.113.7" in page
    assert page.count("<tr>") == 2  # the header and the coach's read; not their own

    admin_page = _client(programme_admin).get(
        reverse("organisation_privacy", args=[engagement.organisation.slug])
    )
    body = admin_page.content.decode()
    assert "Session notes" in body and ">2<" in body
    assert "Casey Coach" not in body and "203.0.113.7" not in body


def test_the_app_has_no_way_to_change_or_remove_a_record(engagement, coach):
    read = record_read(reader=coach, kind=ReadRecord.Kind.SESSION_NOTES, engagement=engagement)
    read.kind = ReadRecord.Kind.EXPORT
    with pytest.raises(AppendOnlyError):
        read.save()
    with pytest.raises(AppendOnlyError):
        read.delete()
    with pytest.raises(AppendOnlyError):
        ReadRecord.objects.filter(pk=read.pk).update(reader=None)
    with pytest.raises(AppendOnlyError):
        ReadRecord.objects.all().delete()
    assert ReadRecord.objects.get().kind == ReadRecord.Kind.SESSION_NOTES


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the trigger is PostgreSQL's")
def test_postgresql_refuses_update_and_delete_even_in_raw_sql(engagement, coach):
    read = record_read(reader=coach, kind=ReadRecord.Kind.SESSION_NOTES, engagement=engagement)
    table = ReadRecord._meta.db_table
    for sql in (f"UPDATE {table} SET kind = 'export'", f"DELETE FROM {table}"):  # noqa: S608
        refused = pytest.raises(DatabaseError, match="append-only")
        with refused, transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql)
    assert ReadRecord.objects.get(pk=read.pk).kind == ReadRecord.Kind.SESSION_NOTES


def test_an_export_download_is_recorded(engagement, coachee, django_capture_on_commit_callbacks):
    client = _client(coachee)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("data_export"))
    export = coachee.data_exports.get()
    assert client.get(reverse("data_export_download", args=[export.pk])).status_code == 200
    read = ReadRecord.objects.get(kind=ReadRecord.Kind.EXPORT)
    assert read.reader == coachee and read.object_id == str(export.pk)
