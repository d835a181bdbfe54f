"""Sessions in the API: plan, move, cancel, the agenda, GROW notes and closing.

The same services and selectors as the pages; request bodies are checked by the pages' own
forms, so a 422 carries the words a person would see beside the field.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from ninja import Query, Router, Status

from tandem.coaching_sessions import services
from tandem.coaching_sessions.forms import (
    CloseForm,
    GrowForm,
    PlanSessionsForm,
    RescheduleForm,
    TopicForm,
)
from tandem.coaching_sessions.grow_merge import NOTES, basis_parse, note_digest
from tandem.coaching_sessions.schemas import (
    CloseIn,
    GrowClashOut,
    GrowIn,
    PlanIn,
    RescheduleIn,
    SessionDetailOut,
    SessionOut,
    TopicIn,
    TopicOut,
)
from tandem.coaching_sessions.selectors import (
    session_get_for,
    session_topics,
    sessions_for,
    topic_get_for,
)
from tandem.core.api import ERRORS, ErrorOut, Page, PageQuery, form_input, paginate
from tandem.core.http import AuthedRequest
from tandem.core.policy import Perm
from tandem.engagements.selectors import engagement_get_for

router = Router(tags=["sessions"])
STALE = {409: ErrorOut}


def _detail(session: Any) -> Any:
    session.topics_list = list(session_topics(session))
    return session


@router.get(
    "/engagements/{engagement_id}/sessions",
    response={200: Page[SessionOut], **ERRORS},
    operation_id="session_list",
)
def session_list(request: AuthedRequest, engagement_id: UUID, query: Query[PageQuery]) -> Any:
    """The engagement's sessions: dates and status, which every participant may see."""
    engagement = engagement_get_for(user=request.user, pk=engagement_id)
    return paginate(sessions_for(user=request.user, engagement=engagement), query)


@router.post(
    "/engagements/{engagement_id}/sessions",
    response={201: list[SessionOut], **ERRORS},
    operation_id="sessions_plan",
)
def sessions_plan(request: AuthedRequest, engagement_id: UUID, body: PlanIn) -> Any:
    """Plan ``count`` sessions from ``first_at`` on the cadence (the coach). Coach and coachee
    are sent calendar invitations."""
    engagement = engagement_get_for(
        user=request.user, pk=engagement_id, perm=Perm.SCHEDULE_SESSIONS
    )
    data = body.dict()
    data["cadence_days"] = data["cadence_days"] or engagement.cadence_days
    data["duration_minutes"] = data["duration_minutes"] or engagement.session_minutes
    cleaned = form_input(PlanSessionsForm, data).cleaned_data
    return Status(201, services.sessions_plan(actor=request.user, engagement=engagement, **cleaned))


@router.get(
    "/sessions/{session_id}",
    response={200: SessionDetailOut, **ERRORS},
    operation_id="session_detail",
)
def session_detail(request: AuthedRequest, session_id: UUID) -> Any:
    """The session with its agenda, GROW notes and summary (coach and coachee)."""
    return _detail(session_get_for(user=request.user, pk=session_id))


@router.post(
    "/sessions/{session_id}/reschedule",
    response={200: SessionOut, **ERRORS, **STALE},
    operation_id="session_reschedule",
)
def session_reschedule(request: AuthedRequest, session_id: UUID, body: RescheduleIn) -> Any:
    session = session_get_for(user=request.user, pk=session_id, perm=Perm.SCHEDULE_SESSIONS)
    cleaned = form_input(RescheduleForm, body.dict()).cleaned_data
    return services.session_reschedule(
        actor=request.user,
        session=session,
        scheduled_at=cleaned["scheduled_at"],
        duration_minutes=cleaned["duration_minutes"],
        expected_version=cleaned["version"],
        allow_overlap=cleaned["allow_overlap"],
    )


@router.post(
    "/sessions/{session_id}/cancel",
    response={200: SessionOut, **ERRORS},
    operation_id="session_cancel",
)
def session_cancel(request: AuthedRequest, session_id: UUID) -> Any:
    """Cancel a planned session (the coach); its open topics move to the next session."""
    session = session_get_for(user=request.user, pk=session_id, perm=Perm.SCHEDULE_SESSIONS)
    return services.session_mark(
        actor=request.user, session=session, status=session.Status.CANCELLED
    )


@router.get(
    "/sessions/{session_id}/topics",
    response={200: list[TopicOut], **ERRORS},
    operation_id="topic_list",
)
def topic_list(request: AuthedRequest, session_id: UUID) -> Any:
    """The agenda, in order, each topic with its GROW notes (at most a few per session)."""
    return list(session_topics(session_get_for(user=request.user, pk=session_id)))


@router.post(
    "/sessions/{session_id}/topics",
    response={201: TopicOut, **ERRORS},
    operation_id="topic_add",
)
def topic_add(request: AuthedRequest, session_id: UUID, body: TopicIn) -> Any:
    """Add a topic to the agenda (the coachee first: the leader drives the agenda)."""
    session = session_get_for(user=request.user, pk=session_id, perm=Perm.EDIT_SESSION_CONTENT)
    cleaned = form_input(TopicForm, body.dict()).cleaned_data
    topic = services.agenda_topic_add(actor=request.user, session=session, title=cleaned["title"])
    return Status(201, session_topics(session).get(pk=topic.pk))


@router.put(
    "/topics/{topic_id}/grow",
    response={200: TopicOut, 409: GrowClashOut, **ERRORS},
    operation_id="topic_grow",
)
def topic_grow(request: AuthedRequest, topic_id: UUID, body: GrowIn) -> Any:
    """Save GROW notes. Two people may write at once: send the ``version`` and ``basis`` you
    read; notes only you changed are saved, notes only the other changed stay theirs, and a
    note both changed differently is a 409 with their version — nothing saved."""
    topic = topic_get_for(user=request.user, pk=topic_id)
    current = {note: getattr(topic, note) for note in NOTES}
    sent = body.dict()
    cleaned = form_input(
        GrowForm, {**current, **{k: v for k, v in sent.items() if v is not None}}
    ).cleaned_data
    basis = basis_parse(cleaned["basis"] or "")
    if basis:  # a note left out is one this writer did not touch
        basis.update({n: note_digest(current[n]) for n in NOTES if sent[n] is None})
    saved = services.grow_notes_save(
        actor=request.user,
        topic=topic,
        mine={note: cleaned[note] for note in NOTES},
        basis=basis,
        expected_version=cleaned["version"],
    )
    return session_topics(saved.session).get(pk=saved.pk)


@router.post(
    "/sessions/{session_id}/close",
    response={200: SessionDetailOut, **ERRORS, **STALE},
    operation_id="session_close",
)
def session_close(request: AuthedRequest, session_id: UUID, body: CloseIn) -> Any:
    """Mark the session held (the coach): accountability for every earlier open action, and
    at least one new action or ``no_action`` with a reason."""
    session = session_get_for(user=request.user, pk=session_id, perm=Perm.SCHEDULE_SESSIONS)
    cleaned = form_input(CloseForm, body.dict()).cleaned_data
    closed = services.session_close(
        actor=request.user,
        session=session,
        summary=cleaned["summary"],
        no_action=cleaned["no_action"],
        no_action_reason=cleaned["no_action_reason"],
        expected_version=cleaned["version"],
    )
    return _detail(session_get_for(user=request.user, pk=closed.pk))
