"""The backup drill: back up, destroy, restore — every row and every decrypted field is back.

Runs on whichever database the suite runs on (SQLite by default; CI runs it again on
PostgreSQL, where pg_dump and pg_restore do the work)."""

from __future__ import annotations

import base64

import pytest
from django.apps import apps
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.test import override_settings

from tandem.core.fields import EncryptedTextField
from tandem.core.tests.world import build_world
from tandem.privacy import backup

BACKUP_KEY = base64.b64encode(b"b" * 32).decode()
OTHER_KEY = base64.b64encode(b"o" * 32).decode()


def everything() -> dict[str, list[tuple[object, ...]]]:
    """Every row of every model, with encrypted fields opened (so a restore that brought back
    the rows but not readable text fails)."""
    rows: dict[str, list[tuple[object, ...]]] = {}
    for model in apps.get_models():
        names = [f.attname for f in model._meta.concrete_fields]
        rows[model._meta.label] = sorted(
            (tuple(str(getattr(obj, n)) for n in names) for obj in model._default_manager.all()),
        )
    return rows


def encrypted_values() -> list[str]:
    values = []
    for model in apps.get_models():
        fields = [f for f in model._meta.fields if isinstance(f, EncryptedTextField)]
        for obj in model._default_manager.all():
            values += [getattr(obj, f.attname) for f in fields if getattr(obj, f.attname)]
    return values


@pytest.fixture
def lived_in(transactional_db, engagement):
    build_world(engagement)
    return engagement


@override_settings(BACKUP_KEY=BACKUP_KEY)
def test_backup_destroy_restore_brings_back_every_row_and_every_note(lived_in, tmp_path):
    before = everything()
    notes = encrypted_values()
    assert "Seems tired." in notes and "Questions open doors" in notes

    out = tmp_path / "nightly.tandem-backup"
    call_command("backup", output=out, stdout=(log := _Buffer()))
    assert out.exists()
    assert "TANDEM_ENCRYPTION_KEYS" in log.text  # the reminder to keep the keys apart
    raw = out.read_bytes()
    assert b"Seems tired." not in raw and b"Casey Coach" not in raw  # the file is sealed

    call_command("flush", interactive=False, verbosity=0)  # disaster
    assert everything() != before and encrypted_values() == []

    call_command("restore", str(out), yes=True, stdout=_Buffer())
    assert everything() == before
    assert sorted(encrypted_values()) == sorted(notes)


@override_settings(BACKUP_KEY=BACKUP_KEY)
def test_a_backup_does_not_open_with_another_key_and_nothing_is_touched(lived_in, tmp_path):
    out = backup.backup_create(output=tmp_path / "b.tandem-backup").path
    before = everything()
    refused = pytest.raises(CommandError, match="different key")
    with override_settings(BACKUP_KEY=OTHER_KEY), refused:
        call_command("restore", str(out), yes=True)
    assert everything() == before


@override_settings(BACKUP_KEY=BACKUP_KEY)
def test_a_cut_or_altered_backup_is_refused(lived_in, tmp_path):
    out = backup.backup_create(output=tmp_path / "b.tandem-backup").path
    data = out.read_bytes()
    cut = tmp_path / "cut.tandem-backup"
    cut.write_bytes(data[: len(data) // 2])
    with pytest.raises(CommandError, match=r"cut short|different key"):
        call_command("restore", str(cut), yes=True)
    flipped = bytearray(data)
    flipped[-5] ^= 0xFF
    altered = tmp_path / "altered.tandem-backup"
    altered.write_bytes(bytes(flipped))
    with pytest.raises(CommandError, match="altered"):
        call_command("restore", str(altered), yes=True)


def test_without_a_backup_key_the_command_says_how_to_make_one(db, tmp_path):
    with override_settings(BACKUP_KEY=""), pytest.raises(CommandError, match="--generate-key"):
        call_command("backup", output=tmp_path)
    assert not list(tmp_path.iterdir())  # nothing half-written


@override_settings(BACKUP_KEY=BACKUP_KEY)
def test_a_folder_gets_a_dated_file_that_only_its_owner_reads(transactional_db, tmp_path):
    info = backup.backup_create(output=tmp_path)
    assert info.path.parent == tmp_path and info.path.name.endswith(".tandem-backup")
    assert info.path.stat().st_mode & 0o077 == 0
    assert backup.backup_read_meta(info.path)["engine"] == connection.vendor


def test_generate_key_prints_a_usable_key(capsys):
    call_command("backup", generate_key=True)
    key = capsys.readouterr().out.strip()
    assert len(base64.b64decode(key)) == 32


class _Buffer:
    def __init__(self) -> None:
        self.text = ""

    def write(self, s: str) -> None:
        self.text += s

    def flush(self) -> None:
        pass
