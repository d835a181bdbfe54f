"""``manage.py backup``: an encrypted copy of the database (see tandem/privacy/backup.py)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from tandem.privacy import backup

REMINDER = (
    "Keep TANDEM_ENCRYPTION_KEYS and TANDEM_BACKUP_KEY apart from this file (a password "
    "manager or a sealed envelope, not the same disk or bucket). The backup cannot be opened "
    "without TANDEM_BACKUP_KEY, and the notes inside cannot be read without "
    "TANDEM_ENCRYPTION_KEYS: losing those keys loses everything confidential."
)


class Command(BaseCommand):
    help = "Write an encrypted backup of the database (TANDEM_BACKUP_KEY)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--output",
            type=Path,
            help="A file, or a folder for a dated file (default: DATA_DIR/backups/).",
        )
        parser.add_argument(
            "--generate-key", action="store_true", help="Print a new TANDEM_BACKUP_KEY and stop."
        )

    def handle(self, *args: Any, output: Path | None, generate_key: bool, **opts: Any) -> None:
        if generate_key:
            self.stdout.write(backup.generate_key())
            return
        try:
            info = backup.backup_create(output=output)
        except backup.BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            self.style.SUCCESS(f"Backed up the {info.engine} database to {info.path} ")
            + f"({info.size:,} bytes, encrypted)."
        )
        self.stdout.write(REMINDER)
