"""Background work for programmes, through the django-tasks API (at once in development)."""

from __future__ import annotations

from django_tasks import task


@task()
def refresh_figures(engagement_id: str) -> None:
    """Recompute one engagement's dashboard figures (``figures.figures_refresh``)."""
    from tandem.programmes.figures import figures_refresh

    figures_refresh(engagement_id)


@task()
def refresh_snapshot(programme_id: str) -> None:
    """Recompute a programme's dashboard snapshot (``dashboard.snapshot_refresh``)."""
    from tandem.programmes.snapshots import snapshot_refresh

    snapshot_refresh(programme_id)
