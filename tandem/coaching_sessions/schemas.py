"""What the API reads and writes about sessions, their agenda and GROW notes."""

from __future__ import annotations

import datetime as dt
from typing import Any
from uuid import UUID

from ninja import Field, Schema
from pydantic import field_validator

from tandem.coaching_sessions.grow_merge import notes_digest
from tandem.coaching_sessions.services import GrowClash
from tandem.core.api import sane_datetime


class SessionOut(Schema):
    """Dates and status: every participant of the engagement may see these."""

    id: UUID
    engagement_id: UUID
    scheduled_at: dt.datetime
    duration_minutes: int
    status: str
    version: int
    updated_at: dt.datetime


class OptionOut(Schema):
    id: UUID
    description: str
    pros: str
    cons: str
    chosen: bool


class TopicOut(Schema):
    id: UUID
    title: str
    status: str
    goal: str
    reality: str
    will: str
    commitment: int | None
    options: list[OptionOut]
    version: int
    basis: str = Field(
        description="Send it back with your GROW notes: notes you did not change then never "
        "overwrite what the other person saved meanwhile."
    )
    updated_at: dt.datetime

    @staticmethod
    def resolve_basis(obj: Any) -> str:
        return notes_digest(obj.goal, obj.reality, obj.will)

    @staticmethod
    def resolve_options(obj: Any) -> list[Any]:
        return list(obj.options.all())


class SessionDetailOut(SessionOut):
    """The session with its content: coach and coachee only."""

    summary: str
    no_action: bool
    no_action_reason: str
    closed_at: dt.datetime | None
    topics: list[TopicOut]

    @staticmethod
    def resolve_topics(obj: Any) -> list[Any]:
        return obj.topics_list  # loaded by the endpoint, options and all, in 3 queries


class PlanIn(Schema):
    first_at: dt.datetime
    count: int
    cadence_days: int | None = Field(None, description="Default: the engagement's cadence.")
    duration_minutes: int | None = Field(None, description="Default: the engagement's length.")
    allow_overlap: bool = Field(
        False, description="Plan even where the coach has another session at that time."
    )

    _first_at = field_validator("first_at")(sane_datetime)


class RescheduleIn(Schema):
    scheduled_at: dt.datetime
    duration_minutes: int
    version: int | None = Field(None, description="The version you read: 409 if it changed.")
    allow_overlap: bool = False

    _scheduled_at = field_validator("scheduled_at")(sane_datetime)


class TopicIn(Schema):
    title: str


class GrowIn(Schema):
    """Only the notes you send change; leave one out to keep it as it is."""

    goal: str | None = None
    reality: str | None = None
    will: str | None = None
    version: int | None = Field(None, description="The topic's version you read.")
    basis: str | None = Field(
        None,
        description="The topic's basis as you read it. With it, notes changed by someone "
        "else meanwhile merge with yours and only a note both changed is a clash (409); "
        "without it, any change since ``version`` is a clash.",
    )


class CloseIn(Schema):
    summary: str = ""
    no_action: bool = False
    no_action_reason: str = ""
    version: int | None = None


class GrowNotesOut(Schema):
    goal: str
    reality: str
    will: str


class GrowClashOut(Schema):
    detail: str
    clashes: list[str]
    theirs: GrowNotesOut
    version: int
    basis: str


def grow_clash_body(clash: GrowClash) -> dict[str, Any]:
    topic = clash.topic
    return {
        "detail": "The other person saved these notes meanwhile: nothing of yours was saved. "
        "Merge their version with yours, then send again with this version and basis.",
        "clashes": list(clash.clashes),
        "theirs": {"goal": topic.goal, "reality": topic.reality, "will": topic.will},
        "version": topic.version,
        "basis": notes_digest(topic.goal, topic.reality, topic.will),
    }
