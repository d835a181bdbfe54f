"""What the dashboard keeps between requests: the whole programme as a snapshot computed in
the background after its figures change (``DashboardSnapshot``), filtered views and the
filter options in the cache — all under the programme's figures stamp, so a change shows on
the next request."""

from __future__ import annotations

import datetime as dt
from uuid import UUID

from django.core.cache import cache
from django.utils import timezone

from tandem.accounts.models import Programme
from tandem.programmes.dashboard import filter_options, programme_dashboard
from tandem.programmes.dashboard_types import Dashboard, FilterOptions, Filters

# --- kept between requests ---------------------------------------------------------------

# Time alone changes the stalls (four weeks pass) and the day: what is kept is computed
# afresh at least this often, even if nothing changed.
FRESH_FOR = dt.timedelta(minutes=15)


class ProgrammeFigures:
    """The dashboard's reads of one programme, kept between requests under its figures stamp
    (``ProgrammeStamp``, raised by every refresh of an engagement's figures) and the
    programme's own last change, so a change shows on the next request:

    * the whole programme: the snapshot the background task computed after the last change
      (``DashboardSnapshot``) — one row, whatever the programme's size; computed here only
      if none is current (the task has not run yet, or ``FRESH_FOR`` has passed);
    * a filtered view and the filter options: computed on first request, then kept in the
      cache until the stamp moves.
    """

    def __init__(self, programme: Programme, now: dt.datetime | None = None) -> None:
        from tandem.programmes.models import ProgrammeStamp

        self.programme = programme
        self.now = now or timezone.now()
        self.version = (
            ProgrammeStamp.objects.filter(programme=programme)
            .values_list("version", flat=True)
            .first()
        ) or 0
        bucket = int(self.now.timestamp() // FRESH_FOR.total_seconds())
        changed = programme.updated_at.timestamp() if programme.updated_at else 0
        self.prefix = f"tandem:dashboard:{programme.pk}:{changed}:{self.version}:{bucket}"

    def options(self) -> FilterOptions:
        key = f"{self.prefix}:options"
        kept = cache.get(key)
        if isinstance(kept, FilterOptions):
            return kept
        options = filter_options(self.programme)
        cache.set(key, options, KEEP_SECONDS)
        return options

    def dashboard(self, filters: Filters) -> Dashboard:
        if not filters.active:
            return self._whole()
        key = f"{self.prefix}:{filters.query()}"
        kept = cache.get(key)
        if isinstance(kept, Dashboard):
            return kept
        dashboard = programme_dashboard(programme=self.programme, filters=filters, now=self.now)
        cache.set(key, dashboard, KEEP_SECONDS)
        return dashboard

    def _whole(self) -> Dashboard:
        from tandem.programmes.models import DashboardSnapshot

        snapshot = DashboardSnapshot.objects.filter(programme=self.programme).first()
        if (
            snapshot is not None
            and snapshot.version == self.version
            and snapshot.computed_at > self.now - FRESH_FOR
            and snapshot.computed_at >= self.programme.updated_at
        ):
            return Dashboard.from_data(snapshot.data, self.programme, Filters())
        return _snapshot_store(self.programme, self.version, self.now)


def snapshot_refresh(programme_id: UUID | str) -> None:
    """Compute and store the programme's dashboard snapshot (the background task after its
    figures change). Changes from now on ask for another."""
    from tandem.programmes.models import ProgrammeStamp

    ProgrammeStamp.objects.filter(programme_id=programme_id).update(snapshot_asked_at=None)
    programme = Programme.objects.filter(pk=programme_id).first()
    if programme is None:
        return
    version = (
        ProgrammeStamp.objects.filter(programme=programme).values_list("version", flat=True).first()
    ) or 0
    _snapshot_store(programme, version, timezone.now())


def _snapshot_store(programme: Programme, version: int, now: dt.datetime) -> Dashboard:
    from tandem.programmes.models import DashboardSnapshot

    dashboard = programme_dashboard(programme=programme, filters=Filters(), now=now)
    DashboardSnapshot.objects.bulk_create(  # one INSERT … ON CONFLICT UPDATE
        [
            DashboardSnapshot(
                programme=programme, version=version, computed_at=now, data=dashboard.to_data()
            )
        ],
        update_conflicts=True,
        unique_fields=["programme"],
        update_fields=["version", "computed_at", "data"],
    )
    return dashboard


KEEP_SECONDS = int(FRESH_FOR.total_seconds()) * 2
