"""The derived rows one benchmark engagement carries (its figures, competency change and
coaching areas), shared by the dashboard and the web benchmarks so both seed the same shape.
Call after django.setup()."""

from __future__ import annotations

import datetime as dt
import random
import uuid
from typing import Any

COMPETENCIES = ["delegation", "candour", "feedback", "direction"]
AREAS = ["delegation", "conflict", "feedback", "direction", "influence", "resilience", "priorities"]


def derived_rows(
    e: Any, i: int, rng: random.Random, now: dt.datetime
) -> tuple[int, Any, list[Any], list[Any]]:
    """(sessions held, EngagementFigures, CompetencyChanges, EngagementAreas) for engagement
    ``e``, the ``i``-th seeded."""
    from tandem.programmes.models import CompetencyChange, EngagementArea, EngagementFigures

    done = e.status == "completed"
    held = 8 if done else rng.randint(0, 8)
    last = now - dt.timedelta(days=rng.randint(1, 60)) if held else None
    recorded = now - dt.timedelta(days=rng.randint(1, 600), seconds=i)
    figures = EngagementFigures(
        engagement=e,
        sessions_held=held,
        sessions_live=held + (0 if done else rng.randint(0, 4)),
        sessions_with_action=max(held - rng.randint(0, 2), 0),
        last_held_at=last,
        last_held_session=uuid.uuid4() if held else None,
        feedback_count=held,
        feedback_sum=sum(rng.randint(3, 5) for _ in range(held)),
        feedback_first_at=recorded if held else None,
        raters_asked=rng.randint(6, 12) if held > 1 else 0,
        raters_answered=rng.randint(4, 6) if held > 1 else 0,
        targets=3,
        close_t_score=round(rng.gauss(55, 8), 2) if done else None,
        close_reviewed_at=recorded if done else None,
        targets_compared=3 if done else 0,
        targets_reliable=rng.randint(0, 3) if done else 0,
        change_released_at=recorded if done else None,
    )
    changes = (
        [
            CompetencyChange(
                engagement=e,
                competency=key,
                before=round(rng.uniform(2.5, 3.5), 2),
                after=round(rng.uniform(3.0, 4.2), 2),
                released_at=recorded,
            )
            for key in COMPETENCIES
        ]
        if done
        else []
    )
    areas = [
        EngagementArea(engagement=e, area=area, targets=rng.randint(1, 2))
        for area in rng.sample(AREAS, rng.randint(1, 3))
    ]
    return held, figures, changes, areas
