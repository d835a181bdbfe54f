"""``manage.py privacy_records``: print docs/privacy-records.md from the table in code."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from tandem.privacy.records import records_markdown


class Command(BaseCommand):
    help = "Print the records of processing (Art. 30) as Markdown."

    def handle(self, *args: Any, **options: Any) -> None:
        self.stdout.write(records_markdown(), ending="")
