"""Confidential text is encrypted at rest, bound to its row, and rotatable."""

from __future__ import annotations

import base64
import os
import sqlite3
import tempfile

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.db import connection
from django.test import Client, override_settings

from conftest import UserFactory
from tandem.accounts.tests.test_mfa import with_totp
from tandem.action_items import services as actions
from tandem.action_items.models import Reflection
from tandem.coaching_sessions import services as sessions
from tandem.coaching_sessions.models import AgendaTopic, PrivateNote
from tandem.core import crypto
from tandem.core.fields import Sealed
from tandem.core.tests.world import build_world, plan_session

CANARY = "CANARY-7f3a9-confidential"


def _all_raw_text() -> str:
    """Every value of every table, as the database itself returns it."""
    chunks: list[str] = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")  # noqa: S608
            chunks.extend(repr(row) for row in cursor.fetchall())
    return "\n".join(chunks)


def _write_confidential_everywhere(engagement) -> dict[str, object]:
    world = build_world(engagement)
    coach, coachee = engagement.coach, engagement.coachee
    sessions.grow_topic_update(
        actor=coach,
        topic=world.topic,
        goal=f"goal {CANARY}",
        reality=f"reality {CANARY}",
        will=f"will {CANARY}",
        expected_version=None,
    )
    sessions.grow_option_add(
        actor=coach, topic=world.topic, description=CANARY, pros=CANARY, cons=CANARY
    )
    sessions.private_note_save(
        actor=coach,
        session=world.session,
        body=f"private {CANARY}",
        expected_version=world.private_note.version,  # the world has written one already
    )
    reflection = actions.reflection_create(
        actor=coachee,
        engagement=engagement,
        situation=CANARY,
        what_i_did=CANARY,
        what_happened=CANARY,
        what_i_learned=CANARY,
    )
    action = actions.action_create(
        actor=coach,
        engagement=engagement,
        session=world.session,
        title=f"action {CANARY}",
        owner=coachee,
        due_date=None,
    )
    actions.checkin_record(
        actor=coach,
        session=world.session,
        action=world.previous_action,
        outcome="partly",
        what_happened=CANARY,
        learned=CANARY,
    )
    sessions.agenda_topic_add(actor=coachee, session=world.session, title=f"topic {CANARY}")
    return {"world": world, "reflection": reflection, "action": action}


def test_canary_is_readable_through_the_app_but_nowhere_in_the_raw_database(engagement):
    made = _write_confidential_everywhere(engagement)
    # Positive control: the app reads it back, so the scan below would have found it in clear.
    assert PrivateNote.objects.get(session=made["world"].session).body == f"private {CANARY}"
    assert Reflection.objects.get(pk=made["reflection"].pk).what_i_learned == CANARY
    raw = _all_raw_text()
    assert "v1:" in raw
    assert CANARY not in raw
    assert base64.b64encode(CANARY.encode()).decode()[:16] not in raw


@pytest.mark.skipif(connection.vendor != "sqlite", reason="reads the SQLite file itself")
@pytest.mark.django_db(transaction=True)  # VACUUM INTO cannot run inside a transaction
def test_canary_is_not_in_the_sqlite_file_bytes(engagement):
    _write_confidential_everywhere(engagement)
    with tempfile.TemporaryDirectory() as folder:
        path = os.path.join(folder, "copy.sqlite3")
        with connection.cursor() as cursor:
            cursor.execute("VACUUM INTO %s", [path])
        data = open(path, "rb").read()  # noqa: SIM115
        assert b"v1:" in data
        assert CANARY.encode() not in data
        copy = sqlite3.connect(path)
        assert copy.execute("SELECT count(*) FROM action_items_reflection").fetchone()[0] == 2


def test_a_ciphertext_copied_into_another_row_does_not_open(engagement):
    session = plan_session(engagement)
    first = sessions.agenda_topic_add(actor=engagement.coachee, session=session, title="mine")
    second = sessions.agenda_topic_add(actor=engagement.coachee, session=session, title="other")
    token = AgendaTopic.objects.get(pk=first.pk).__dict__["title"]  # as stored, still sealed
    assert isinstance(token, Sealed)
    AgendaTopic.objects.filter(pk=second.pk).update(title=token)
    assert AgendaTopic.objects.get(pk=first.pk).title == "mine"
    with pytest.raises(crypto.DecryptionError):
        _ = AgendaTopic.objects.get(pk=second.pk).title


def test_encrypted_fields_refuse_to_be_filtered_on(engagement):
    with pytest.raises(TypeError, match="encrypted"):
        list(AgendaTopic.objects.filter(title="anything"))


def test_rotation_re_encrypts_with_the_new_key_and_old_key_can_then_go(engagement):
    old = "old:" + base64.b64encode(b"o" * 32).decode()
    new = "new:" + base64.b64encode(b"n" * 32).decode()
    with override_settings(ENCRYPTION_KEYS=old):
        made = _write_confidential_everywhere(engagement)
    assert "v1:old:" in _all_raw_text()
    with override_settings(ENCRYPTION_KEYS=f"{new},{old}"):
        call_command("rotate_encryption_key", stdout=open(os.devnull, "w"))  # noqa: SIM115
    raw = _all_raw_text()
    assert "v1:old:" not in raw
    assert "v1:new:" in raw
    with override_settings(ENCRYPTION_KEYS=new):
        assert Reflection.objects.get(pk=made["reflection"].pk).situation == CANARY
        note = PrivateNote.objects.get(session=made["world"].session)
        assert note.body == f"private {CANARY}"


def test_without_the_key_nothing_opens(engagement):
    made = _write_confidential_everywhere(engagement)
    other = "other:" + base64.b64encode(b"x" * 32).decode()
    with override_settings(ENCRYPTION_KEYS=other), pytest.raises(crypto.DecryptionError):
        _ = Reflection.objects.get(pk=made["reflection"].pk).situation


@pytest.mark.parametrize(
    "spec",
    ["nokeyid", "id:not-base64!!", "id:" + base64.b64encode(b"short").decode(), "a:x,a:x"],
)
def test_malformed_keys_are_refused_with_a_clear_message(spec):
    with pytest.raises(ImproperlyConfigured):
        crypto.parse_keys(spec)


def test_generate_prints_a_usable_key():
    key = crypto.generate_key()
    ring = crypto.parse_keys(key)
    token = crypto.seal("hello", aad=b"row")
    with override_settings(ENCRYPTION_KEYS=key):
        assert crypto.unseal(crypto.seal("hello", aad=b"row"), aad=b"row") == "hello"
    assert ring.active_id == key.split(":")[0]
    assert token.startswith("v1:")


def test_platform_staff_do_not_see_confidential_text_in_admin(engagement):
    made = _write_confidential_everywhere(engagement)
    staff = UserFactory.create(is_staff=True, is_superuser=True)
    with_totp(staff)  # Django admin requires MFA of staff
    client = Client()
    client.force_login(staff)
    for url in (
        f"/admin/action_items/reflection/{made['reflection'].pk}/change/",
        f"/admin/coaching_sessions/privatenote/{PrivateNote.objects.first().pk}/change/",
        f"/admin/coaching_sessions/agendatopic/{made['world'].topic.pk}/change/",
        "/admin/action_items/actionitem/",
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        assert CANARY not in response.content.decode(), url
