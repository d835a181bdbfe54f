"""``manage.py restore FILE``: replace the database's contents with an encrypted backup."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from tandem.privacy import backup


class Command(BaseCommand):
    help = "Restore an encrypted backup made by `manage.py backup` (replaces every row)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", type=Path, help="The .tandem-backup file.")
        parser.add_argument(
            "--yes", action="store_true", help="Do not ask: replace the database's contents."
        )

    def handle(self, *args: Any, path: Path, yes: bool, **opts: Any) -> None:
        try:
            meta = backup.backup_read_meta(path)
        except (OSError, backup.BackupError) as exc:
            raise CommandError(str(exc)) from exc
        if not yes:
            answer = input(
                f"Replace everything in this database with the backup of {meta['created_at']}? "
                "Type 'restore' to go on: "
            )
            if answer.strip() != "restore":
                raise CommandError("Nothing restored.")
        try:
            backup.backup_restore(path=path)
        except backup.BackupError as exc:
            raise CommandError(f"Nothing restored: {exc}") from exc
        self.stdout.write(
            self.style.SUCCESS(f"Restored the backup of {meta['created_at']} from {path}.")
        )
        self.stdout.write(
            "Confidential text opens only with the TANDEM_ENCRYPTION_KEYS in use when it was "
            "written: set them before starting the app."
        )
