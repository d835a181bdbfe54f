"""Re-encrypt all confidential text with the first key in TANDEM_ENCRYPTION_KEYS.

Rotation: put a new key in front (``newid:..., oldid:...``), restart, run this command,
then remove the old key. ``--generate`` prints a fresh key to add.
"""

from __future__ import annotations

from typing import Any

from django.apps import apps
from django.core.management.base import BaseCommand, CommandParser
from django.db import transaction

from tandem.core import crypto
from tandem.core.fields import EncryptedTextField, Sealed


class Command(BaseCommand):
    help = "Re-encrypt confidential text with the active key (the first in the key ring)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--generate", action="store_true", help="Print a new key and stop.")
        parser.add_argument("--batch-size", type=int, default=500)

    def handle(self, *args: Any, generate: bool, batch_size: int, **options: Any) -> None:
        if generate:
            self.stdout.write(crypto.generate_key())
            return
        active = crypto.keyring().active_id
        total = 0
        for model in apps.get_models():
            fields = [f for f in model._meta.fields if isinstance(f, EncryptedTextField)]
            if not fields:
                continue
            names = [f.attname for f in fields]
            rewritten = 0
            queryset = model._default_manager.order_by("pk")
            for row in queryset.iterator(chunk_size=batch_size):
                raw = [row.__dict__.get(name) for name in names]
                stale = [isinstance(v, Sealed) and crypto.token_key_id(v) != active for v in raw]
                if not any(stale):
                    continue
                for name in names:
                    getattr(row, name)  # open with the old key while it is still in the ring
                with transaction.atomic():
                    # save() seals every encrypted field again with the active key;
                    # update_fields keeps timestamps and other columns untouched.
                    row.save(update_fields=names)
                rewritten += 1
            if rewritten:
                self.stdout.write(f"{model._meta.label}: {rewritten} row(s) re-encrypted")
            total += rewritten
        self.stdout.write(self.style.SUCCESS(f"Done: {total} row(s) now use key {active!r}."))
