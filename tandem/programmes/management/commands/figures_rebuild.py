"""Recompute every engagement's dashboard figures from the source tables.

Run it once after deploying the programme dashboard (engagements that existed before have no
figures yet), and whenever figures may have missed a change (restored backup, data fixed by
hand). It is idempotent: running it again gives the same rows."""

from __future__ import annotations

import time
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from tandem.engagements.models import Engagement
from tandem.programmes.figures import figures_rebuild


class Command(BaseCommand):
    help = "Recompute the programme dashboard's figures for every engagement (or one programme)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--programme", help="Only the engagements of this programme (its id)", default=None
        )

    def handle(self, *args: Any, **options: Any) -> None:
        engagements = Engagement.objects.order_by("pk")
        if options["programme"]:
            try:
                engagements = engagements.filter(programme_id=options["programme"])
            except ValidationError as exc:
                raise CommandError(f"“{options['programme']}” is not a programme id.") from exc
            if not engagements.exists():
                raise CommandError(
                    f"No engagements in programme {options['programme']}: check the id."
                )
        started = time.perf_counter()
        ids = list(engagements.values_list("pk", flat=True))
        done = figures_rebuild(ids)
        seconds = time.perf_counter() - started
        self.stdout.write(f"Figures rebuilt for {done} engagement(s) in {seconds:.1f} s.")
