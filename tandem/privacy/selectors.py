from __future__ import annotations

import datetime as dt

from django.db.models import Count
from django.utils import timezone

from tandem.accounts.models import Organisation
from tandem.privacy.models import ReadRecord

COUNTS_OVER = dt.timedelta(days=30)


def read_counts(organisation: Organisation) -> list[tuple[str, int]]:
    """What a programme admin sees of the audit: how many reads of each kind in the last 30
    days across the organisation's engagements — counts only, never who or whose."""
    labels = dict(ReadRecord.Kind.choices)
    rows = (
        ReadRecord.objects.filter(
            engagement__organisation=organisation, at__gte=timezone.now() - COUNTS_OVER
        )
        .values("kind")
        .annotate(n=Count("id"))
        .order_by("kind")
    )
    return [(str(labels.get(r["kind"], r["kind"])), r["n"]) for r in rows]
