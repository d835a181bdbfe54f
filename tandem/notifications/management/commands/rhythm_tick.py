"""One pass of the scheduler, or one a minute with ``--every 60`` (see ``schedule.py``)."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import close_old_connections

from tandem.notifications.schedule import tick


class Command(BaseCommand):
    help = (
        "Find the reminders and nudges that have come due, close 360 rounds past their "
        "deadline, make the weekly digests and hand what is due to the worker. Run it every "
        "minute (cron, a systemd timer), or let it loop with --every 60."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--every",
            type=int,
            default=0,
            metavar="SECONDS",
            help="Keep running, one pass every SECONDS (at least 10). Without it: one pass.",
        )

    def handle(self, *args: Any, every: int, **options: Any) -> None:
        if every and every < 10:
            raise CommandError("--every takes at least 10 seconds: once a minute is plenty.")
        if not every:
            report = tick()
            self._say(str(report), options["verbosity"])
            if report.failed:
                raise CommandError(f"These steps failed (see the log): {', '.join(report.failed)}")
            return
        self._say(f"Running a pass every {every} seconds; Ctrl-C stops.", options["verbosity"])
        try:
            while True:
                started = time.monotonic()
                close_old_connections()
                report = tick()
                if report.failed or any(report.counts.values()) or options["verbosity"] > 1:
                    self._say(f"{time.strftime('%H:%M:%S')} {report}", options["verbosity"])
                time.sleep(max(every - (time.monotonic() - started), 1))
        except KeyboardInterrupt:
            self._say("Stopped.", options["verbosity"])

    def _say(self, text: str, verbosity: int) -> None:
        if verbosity >= 1:
            self.stdout.write(text)
