"""What the API reads and writes about actions."""

from __future__ import annotations

import datetime as dt
from uuid import UUID

from ninja import Field, Schema

from tandem.engagements.schemas import PersonOut


class ActionOut(Schema):
    id: UUID
    engagement_id: UUID
    session_id: UUID | None
    topic_id: UUID | None
    title: str
    owner: PersonOut
    due_date: dt.date | None
    status: str
    evidence: str
    completed_at: dt.datetime | None
    version: int
    updated_at: dt.datetime


class ActionIn(Schema):
    title: str
    owner: int | None = Field(None, description="The coachee (default) or the coach, by id.")
    due_date: dt.date | None = None
    topic: UUID | None = Field(None, description="The agenda topic it comes from, if any.")


class ReflectionOut(Schema):
    id: UUID
    engagement_id: UUID
    target_id: UUID | None
    situation: str
    what_i_did: str
    what_happened: str
    what_i_learned: str
    shared_with_coach: bool
    created_at: dt.datetime
    updated_at: dt.datetime
