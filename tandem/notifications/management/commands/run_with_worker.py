"""Development: the web server, the worker and the scheduler in one command (``make run``).

Each runs as its own process; when one stops, or on Ctrl-C, the others are stopped too."""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

MANAGE = str(Path(settings.BASE_DIR) / "manage.py")


class Command(BaseCommand):
    help = "Run runserver, db_worker and rhythm_tick --every 60 together (development)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("addrport", nargs="?", default="127.0.0.1:8000")
        parser.add_argument("--tick-every", type=int, default=60)

    def handle(self, *args: Any, addrport: str, tick_every: int, **options: Any) -> None:
        backend = settings.TASKS["default"]["BACKEND"]
        if not backend.startswith("django_tasks_db"):
            raise CommandError(
                "Set TASKS_BACKEND=django_tasks_db.DatabaseBackend: with the immediate backend "
                "there is no queue for a worker to read."
            )
        commands = {
            "worker": [sys.executable, MANAGE, "db_worker", "--interval", "2"],
            "scheduler": [sys.executable, MANAGE, "rhythm_tick", "--every", str(tick_every)],
            "web": [sys.executable, MANAGE, "runserver", addrport],
        }
        children: dict[str, subprocess.Popen[bytes]] = {}
        # Ctrl-C reaches every process of the terminal's group; SIGTERM only this one.
        signal.signal(signal.SIGTERM, _interrupt)
        try:
            for name, command in commands.items():
                children[name] = subprocess.Popen(command)  # noqa: S603 - our own manage.py
                self.stdout.write(f"Started the {name} (pid {children[name].pid}).")
            while all(child.poll() is None for child in children.values()):
                time.sleep(0.5)
            stopped = next(name for name, child in children.items() if child.poll() is not None)
            self.stderr.write(f"The {stopped} stopped; stopping the others.")
        except KeyboardInterrupt:
            self.stdout.write("\nStopping…")
        finally:
            _stop(list(children.values()))


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def _stop(children: list[subprocess.Popen[bytes]]) -> None:
    for child in children:
        if child.poll() is None:
            child.terminate()
    deadline = time.monotonic() + 10
    for child in children:
        try:
            child.wait(timeout=max(deadline - time.monotonic(), 0.1))
        except subprocess.TimeoutExpired:
            child.kill()
