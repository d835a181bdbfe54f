"""The worker's side: a person's export is prepared in the background."""

from __future__ import annotations

from django_tasks import task

from tandem.privacy import export


@task()
def export_prepare(export_id: str) -> None:
    export.export_prepare_now(export_id)
