"""What the API says about an engagement: what every participant may see (DESIGN.md,
"Confidentiality": the engagement, its dates, status and sessions held)."""

from __future__ import annotations

import datetime as dt
from uuid import UUID

from ninja import Schema


class PersonOut(Schema):
    id: int
    name: str

    @staticmethod
    def resolve_name(obj: object) -> str:
        return str(obj)


class EngagementOut(Schema):
    id: UUID
    kind: str
    status: str
    title: str
    organisation_id: UUID
    programme_id: UUID | None
    coach: PersonOut
    coachee: PersonOut
    sponsor: PersonOut | None
    start_date: dt.date
    end_date: dt.date | None
    cadence_days: int
    session_minutes: int
    planned_sessions: int
    sessions_held: int
    version: int
    updated_at: dt.datetime
