"""``manage.py analyse_transcript PATH [PATH ...] [--coach NAME] [--format text|json|jsonl]``.

A thin wrapper: the logic lives in ``tandem.transcripts.analyser.cli`` so it is testable without
Django. Unreadable transcripts become a CommandError (non-zero exit) naming the file and line.
"""

from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from tandem.transcripts.analyser.cli import FORMATS, run
from tandem.transcripts.analyser.parsing import TranscriptError


class Command(BaseCommand):
    help = (
        "Analyse coaching conversation transcripts (WebVTT from Zoom/Teams, SRT, or 'Name: text' "
        "lines): how much was coaching (asking, reflecting) versus checking in and telling. With "
        "several files, --format json prints a JSON array and jsonl one object per line, in order."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("paths", nargs="+", metavar="PATH", help="transcript files")
        parser.add_argument(
            "--coach",
            help="the coach's speaker name; default: the speaker who asks the most questions",
        )
        parser.add_argument("--format", choices=FORMATS, default="text", dest="fmt")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            run(
                options["paths"],
                coach=options["coach"],
                fmt=options["fmt"],
                stdout=self.stdout,
                stderr=self.stderr,
            )
        except TranscriptError as exc:
            raise CommandError(str(exc)) from exc
