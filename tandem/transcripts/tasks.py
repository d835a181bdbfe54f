"""The worker's side: large uploads are analysed here, not inside the upload request."""

from __future__ import annotations

from django_tasks import task

from tandem.transcripts import services


@task()
def analyse_queued(analysis_id: str) -> None:
    services.transcript_analyse_queued(pk=analysis_id)
