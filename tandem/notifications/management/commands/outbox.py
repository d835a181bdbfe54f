"""List the emails the development file backend wrote (``make run`` sends them there)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from tandem.notifications.outbox import outbox_dir, outbox_email, outbox_emails


class Command(BaseCommand):
    help = "List the emails in the development outbox (EMAIL_FILE_PATH), or show one."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--limit", type=int, default=30, help="How many to list (newest).")
        parser.add_argument(
            "--show", metavar="REF", help="Show one email in full, by its REF (file:index)."
        )
        parser.add_argument(
            "--ics", action="store_true", help="With --show: print only its calendar object."
        )

    def handle(self, *args: Any, limit: int, show: str | None, ics: bool, **options: Any) -> None:
        folder = outbox_dir()
        if folder is None:
            raise CommandError(
                "No outbox: set EMAIL_BACKEND=django.core.mail.backends.filebased.EmailBackend "
                "and EMAIL_FILE_PATH (make run does)."
            )
        if show:
            self._show(show, ics)
            return
        emails = outbox_emails(limit)
        if not emails:
            self.stdout.write(f"No emails in {folder} yet.")
            return
        for sent in emails:
            when = timezone.localtime(sent.written).strftime("%d %b %H:%M")
            mark = f" [.ics {sent.calendar_method}]" if sent.calendar else ""
            self.stdout.write(f"{sent.ref:<40} {when}  {sent.to:<32} {sent.subject}{mark}")
        self.stdout.write(f"\n{len(emails)} shown. Read one: manage.py outbox --show REF")

    def _show(self, ref: str, ics: bool) -> None:
        file, _, index = ref.rpartition(":")
        found = outbox_email(file, int(index)) if index.isdigit() else None
        if found is None:
            raise CommandError(f"No email {ref!r} in the outbox: list them without --show.")
        if ics:
            if found.calendar is None:
                raise CommandError("That email carries no calendar invitation.")
            self.stdout.write(found.calendar)
            return
        self.stdout.write(f"To: {found.to}\nSubject: {found.subject}\n\n{found.text}")
        if found.calendar:
            self.stdout.write(f"\n[invite.ics, METHOD {found.calendar_method}]\n{found.calendar}")
