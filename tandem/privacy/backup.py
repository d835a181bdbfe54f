"""Encrypted backups of the whole database, and restoring them.

The database's own tools make the copy: ``pg_dump --format=custom`` on PostgreSQL and
SQLite's online backup API (``sqlite3.Connection.backup``) on SQLite. Both copy a consistent
snapshot while the app keeps running, carry the schema, sequences and migration history with
the rows, and copy confidential columns exactly as stored — still sealed with
TANDEM_ENCRYPTION_KEYS — so a backup never needs those keys and never holds plaintext.
(django-dbbackup calls the same pg_dump; its encryption is GPG with a keyring to manage,
where we already have AES-GCM from ``cryptography``.)

The copy is then sealed with its own key, TANDEM_BACKUP_KEY (32 bytes, base64), in chunks of
AES-256-GCM. Each chunk's associated data is the file header, its index and whether it is the
last, so chunks cannot be reordered, dropped or the file cut short without ``restore``
refusing it.

Keep TANDEM_ENCRYPTION_KEYS (and TANDEM_BACKUP_KEY) apart from the backup files: with the
files alone nothing confidential can be read, and without the encryption keys a restored
database is rows of unreadable notes.
"""

from __future__ import annotations

import base64
import json
import os
import shutil
import sqlite3
import subprocess
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings
from django.db import connections
from django.utils import timezone

MAGIC = b"TANDEM-BACKUP-1\n"
CHUNK = 1024 * 1024
NONCE = 12


class BackupError(Exception):
    """Something a person can act on: a missing key, a wrong key, a damaged file."""


@dataclass(frozen=True)
class BackupInfo:
    path: Path
    engine: str
    created_at: str
    size: int


def generate_key() -> str:
    return base64.b64encode(AESGCM.generate_key(bit_length=256)).decode()


def _key() -> AESGCM:
    encoded = settings.BACKUP_KEY
    if not encoded:
        raise BackupError(
            "Set TANDEM_BACKUP_KEY: backups are encrypted with their own key. Generate one with "
            "`manage.py backup --generate-key` and keep it apart from the backups."
        )
    try:
        raw = base64.b64decode(encoded, validate=True)
    except ValueError as exc:
        raise BackupError("TANDEM_BACKUP_KEY is not valid base64.") from exc
    if len(raw) != 32:
        raise BackupError("TANDEM_BACKUP_KEY must be 32 bytes (AES-256), base64-encoded.")
    return AESGCM(raw)


def _engine(alias: str = "default") -> str:
    vendor = connections[alias].vendor
    if vendor not in {"sqlite", "postgresql"}:
        raise BackupError(f"Backups support SQLite and PostgreSQL, not {vendor}.")
    return vendor


# --- the encrypted container ------------------------------------------------------------


def _chunk_aad(header: bytes, index: int, last: bool) -> bytes:
    return header + index.to_bytes(8, "big") + (b"\x01" if last else b"\x00")


def encrypt_stream(source: BinaryIO, target: BinaryIO, *, meta: dict[str, str]) -> None:
    key = _key()
    header = json.dumps(meta, sort_keys=True).encode() + b"\n"
    target.write(MAGIC + header)
    index = 0
    chunk = source.read(CHUNK)
    while True:
        following = source.read(CHUNK)
        last = not following
        nonce = os.urandom(NONCE)
        sealed = key.encrypt(nonce, chunk, _chunk_aad(header, index, last))
        target.write(len(sealed).to_bytes(4, "big") + nonce + sealed)
        if last:
            return
        chunk, index = following, index + 1


def _read_header(source: BinaryIO) -> tuple[bytes, dict[str, str]]:
    if source.read(len(MAGIC)) != MAGIC:
        raise BackupError("This is not a Tandem backup file (or it is damaged at the start).")
    header = source.readline()
    try:
        meta = json.loads(header)
    except ValueError as exc:
        raise BackupError("The backup's header is damaged.") from exc
    return header, meta


def decrypt_stream(source: BinaryIO, target: BinaryIO) -> dict[str, str]:
    key = _key()
    header, meta = _read_header(source)
    index = 0
    while True:
        size_bytes = source.read(4)
        if len(size_bytes) < 4:
            raise BackupError("The backup is cut short: its last part is missing.")
        nonce = source.read(NONCE)
        sealed = source.read(int.from_bytes(size_bytes, "big"))
        plain, last = _open_chunk(key, header, index, nonce, sealed)
        target.write(plain)
        if last:
            if source.read(1):
                raise BackupError("The backup has data after its last part: it was altered.")
            return meta
        index += 1


def _open_chunk(
    key: AESGCM, header: bytes, index: int, nonce: bytes, sealed: bytes
) -> tuple[bytes, bool]:
    for last in (False, True):
        try:
            return key.decrypt(nonce, sealed, _chunk_aad(header, index, last)), last
        except InvalidTag:
            continue
    raise BackupError(
        "The backup does not open with TANDEM_BACKUP_KEY: a different key made it, or the "
        "file was altered."
    )


# --- making and restoring ---------------------------------------------------------------


def _pg_env(alias: str) -> dict[str, str]:
    s = connections[alias].settings_dict
    env = {**os.environ, "PGDATABASE": s["NAME"]}
    for key, var in (("HOST", "PGHOST"), ("PORT", "PGPORT"), ("USER", "PGUSER")):
        if s.get(key):
            env[var] = str(s[key])
    if s.get("PASSWORD"):
        env["PGPASSWORD"] = s["PASSWORD"]
    return env


def _tool(name: str) -> str:
    found = shutil.which(name)
    if not found:
        raise BackupError(f"{name} is not installed: apt-get install postgresql-client.")
    return found


def _dump(engine: str, alias: str, into: Path) -> None:
    if engine == "postgresql":
        subprocess.run(  # noqa: S603 - fixed arguments, no shell
            [_tool("pg_dump"), "--format=custom", "--no-owner", "--no-privileges", "-f", into],
            env=_pg_env(alias),
            check=True,
            capture_output=True,
        )
        return
    connection = connections[alias]
    if connection.in_atomic_block:
        # Its own open write transaction would block the copy (SQLite locks the database).
        raise BackupError("A backup runs on its own, outside a database transaction.")
    connection.ensure_connection()
    with sqlite3.connect(into) as copy:
        connection.connection.backup(copy)
    copy.close()


def _load(engine: str, alias: str, source: Path) -> None:
    if engine == "postgresql":
        # This process's connection goes, so it holds no lock or cached plan on the tables
        # being replaced (other processes should be stopped first: see docs/backups.md).
        connections[alias].close()
        result = subprocess.run(  # noqa: S603 - fixed arguments, no shell
            [
                _tool("pg_restore"),
                "--clean",
                "--if-exists",
                "--no-owner",
                "--no-privileges",
                "--single-transaction",
                "--exit-on-error",
                "-d",
                _pg_env(alias)["PGDATABASE"],
                source,
            ],
            env=_pg_env(alias),
            capture_output=True,
            text=True,
        )
        if result.returncode:
            raise BackupError(f"pg_restore refused the backup: {result.stderr.strip()}")
        return
    connection = connections[alias]
    connection.ensure_connection()
    with sqlite3.connect(source) as copy:
        copy.backup(connection.connection)
    copy.close()


def backup_create(*, output: Path | None = None, alias: str = "default") -> BackupInfo:
    """Copy the database, encrypted, to ``output`` (a file or a folder; default
    DATA_DIR/backups). Nothing is written there unless the copy succeeded."""
    _key()  # a missing or bad key fails before any work is done
    engine = _engine(alias)
    created = timezone.now()
    folder = Path(settings.DATA_DIR) / "backups" if output is None else output
    name = f"tandem-{created:%Y%m%d-%H%M%S}.tandem-backup"
    path = folder if folder.suffix else folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    meta = {"engine": engine, "created_at": created.isoformat(), "format": "1"}
    with tempfile.TemporaryDirectory() as work:
        plain = Path(work) / "dump"
        try:
            _dump(engine, alias, plain)
        except subprocess.CalledProcessError as exc:
            raise BackupError(f"pg_dump failed: {exc.stderr.decode().strip()}") from exc
        partial = path.with_name(path.name + ".partial")
        with plain.open("rb") as source, partial.open("wb") as target:
            os.chmod(partial, 0o600)
            encrypt_stream(source, target, meta=meta)
        partial.replace(path)
    size = path.stat().st_size
    return BackupInfo(path=path, engine=engine, created_at=meta["created_at"], size=size)


def backup_read_meta(path: Path) -> dict[str, str]:
    with path.open("rb") as source:
        return _read_header(source)[1]


def backup_restore(*, path: Path, alias: str = "default") -> dict[str, str]:
    """Replace the database's contents with the backup's. The whole file is decrypted and
    checked before the database is touched."""
    if not path.is_file():
        raise BackupError(f"There is no backup at {path}.")
    engine = _engine(alias)
    with tempfile.TemporaryDirectory() as work:
        plain = Path(work) / "dump"
        with path.open("rb") as source, plain.open("wb") as target:
            meta = decrypt_stream(source, target)
        if meta.get("engine") != engine:
            raise BackupError(
                f"This backup is of a {meta.get('engine')} database; this one is {engine}. "
                "Restore it into the same kind of database."
            )
        _load(engine, alias, plain)
    return meta


def backups_list(folder: Path | None = None) -> Iterator[Path]:
    folder = Path(settings.DATA_DIR) / "backups" if folder is None else folder
    if folder.is_dir():
        yield from sorted(folder.glob("*.tandem-backup"))
