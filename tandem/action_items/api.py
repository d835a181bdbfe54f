"""Actions and reflections in the API."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from ninja import Query, Router, Status

from tandem.action_items import services
from tandem.action_items.forms import ActionForm
from tandem.action_items.schemas import ActionIn, ActionOut, ReflectionOut
from tandem.action_items.selectors import actions_for, reflections_for
from tandem.coaching_sessions.selectors import session_get_for, topic_get_for
from tandem.core.api import ERRORS, Page, PageQuery, form_input, paginate
from tandem.core.http import AuthedRequest
from tandem.core.policy import Perm
from tandem.engagements.selectors import engagement_get_for

router = Router(tags=["actions"])


@router.get(
    "/engagements/{engagement_id}/actions",
    response={200: Page[ActionOut], **ERRORS},
    operation_id="action_list",
)
def action_list(request: AuthedRequest, engagement_id: UUID, query: Query[PageQuery]) -> Any:
    """The engagement's actions, open and resolved (coach and coachee)."""
    engagement = engagement_get_for(user=request.user, pk=engagement_id)
    actions = actions_for(user=request.user, engagement=engagement).order_by("created_at", "id")
    return paginate(actions, query)


@router.post(
    "/sessions/{session_id}/actions",
    response={201: ActionOut, **ERRORS},
    operation_id="session_action_add",
)
def session_action_add(request: AuthedRequest, session_id: UUID, body: ActionIn) -> Any:
    """An action agreed in the session, from one of its topics' Will or on its own."""
    session = session_get_for(user=request.user, pk=session_id, perm=Perm.EDIT_SESSION_CONTENT)
    engagement = session.engagement
    topic = topic_get_for(user=request.user, pk=body.topic) if body.topic else None
    data = body.dict()
    data["owner"] = str(data["owner"] or engagement.coachee_id)
    data.pop("topic")
    form = form_input(ActionForm, data, engagement=engagement)
    action = services.action_create(
        actor=request.user,
        engagement=engagement,
        session=session,
        topic=topic,
        title=form.cleaned_data["title"],
        owner=form.owner_user(),
        due_date=form.cleaned_data["due_date"],
    )
    return Status(201, action)


@router.get(
    "/engagements/{engagement_id}/reflections",
    response={200: Page[ReflectionOut], **ERRORS},
    operation_id="reflection_list",
)
def reflection_list(request: AuthedRequest, engagement_id: UUID, query: Query[PageQuery]) -> Any:
    """Your own reflections; for the coach, those the coachee shared."""
    engagement = engagement_get_for(user=request.user, pk=engagement_id)
    return paginate(reflections_for(user=request.user, engagement=engagement), query)
