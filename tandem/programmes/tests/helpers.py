"""Fast builders for dashboard tests: many engagements with their figures in a few INSERTs
(the figures as ``figures_refresh`` would leave them; ``test_figures.py`` checks that it does)."""

from __future__ import annotations

import datetime as dt
import itertools
from typing import Any

from django.utils import timezone

from tandem.accounts.models import Membership, Organisation, Programme, User
from tandem.engagements.models import Engagement
from tandem.programmes.figures import programmes_changed
from tandem.programmes.models import CompetencyChange, EngagementArea, EngagementFigures

_serial = itertools.count()


def people(organisation: Organisation, count: int, role: str = "coachee") -> list[User]:
    """``count`` members of the organisation, named so a page shows whose row it is."""
    batch = next(_serial)
    users = User.objects.bulk_create(
        User(email=f"{role}{batch}-{i}@example.org", full_name=f"{role.title()} {batch}-{i}")
        for i in range(count)
    )
    Membership.objects.bulk_create(Membership(user=u, organisation=organisation) for u in users)
    return users


def engagements(
    programme: Programme,
    count: int,
    *,
    coach: User | None = None,
    coaches: list[User] | None = None,
    cohort: str = "",
    after_training: bool | None = None,
    status: str = Engagement.Status.ACTIVE,
    start: dt.date | None = None,
    figures: dict[str, Any] | None = None,
    areas: dict[str, int] | None = None,
    competencies: dict[str, tuple[float, float]] | None = None,
    recorded_from: dt.datetime | None = None,
) -> list[Engagement]:
    """``count`` engagements of ``programme``, each with its own coachee, with figures.

    ``figures`` sets fields of each one's figures row; outcome and feedback times are
    spaced a minute apart from ``recorded_from`` in creation order, so the stable order of
    the steps of five is the order created."""
    organisation = programme.organisation
    coachees = people(organisation, count)
    if coach is None and not coaches:
        coaches = people(organisation, 1, role="coach")
    pool: list[User] = coaches or ([coach] if coach else [])
    start = start or timezone.localdate() - dt.timedelta(days=10)
    made = Engagement.objects.bulk_create(
        Engagement(
            organisation=organisation,
            programme=programme,
            kind=Engagement.Kind.COACHING,
            title=f"Coaching {coachee.full_name}",
            coach=pool[i % len(pool)],
            coachee=coachee,
            cohort=cohort,
            after_training=after_training,
            status=status,
            start_date=start,
            end_date=start + dt.timedelta(days=120),
        )
        for i, coachee in enumerate(coachees)
    )
    base = recorded_from or timezone.now() - dt.timedelta(days=30)
    rows = []
    times = [base + dt.timedelta(minutes=next(_serial)) for _ in made]
    for engagement, at in zip(made, times, strict=True):
        values = dict(figures or {})
        if values.get("close_t_score") is not None:
            values.setdefault("close_reviewed_at", at)
        if values.get("targets_compared"):
            values.setdefault("change_released_at", at)
        if values.get("feedback_count"):
            values.setdefault("feedback_first_at", at)
        rows.append(EngagementFigures(engagement=engagement, programme=programme, **values))
    EngagementFigures.objects.bulk_create(rows)
    if areas:
        EngagementArea.objects.bulk_create(
            EngagementArea(engagement=e, area=area, targets=n)
            for e in made
            for area, n in areas.items()
        )
    if competencies:
        CompetencyChange.objects.bulk_create(
            CompetencyChange(
                engagement=e,
                competency=key,
                before=before,
                after=after,
                released_at=at,
            )
            for e, at in zip(made, times, strict=True)
            for key, (before, after) in competencies.items()
        )
    programmes_changed([programme.pk], snapshot=False)  # as figures_refresh does
    return made
