"""Engagements in the API: the list a person has a part in, and one engagement."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from ninja import Query, Router

from tandem.core.api import ERRORS, Page, PageQuery, paginate
from tandem.core.http import AuthedRequest
from tandem.engagements.schemas import EngagementOut
from tandem.engagements.selectors import (
    engagement_get_for,
    engagement_list_for,
    with_session_counts,
)

router = Router(tags=["engagements"])


@router.get(
    "/engagements", response={200: Page[EngagementOut], **ERRORS}, operation_id="engagement_list"
)
def engagement_list(request: AuthedRequest, query: Query[PageQuery]) -> Any:
    """Every engagement you have a part in (as coach, coachee, sponsor or programme admin)."""
    page = paginate(engagement_list_for(user=request.user), query)
    page["items"] = with_session_counts(list(page["items"]))  # one grouped count for the page
    return page


@router.get(
    "/engagements/{engagement_id}",
    response={200: EngagementOut, **ERRORS},
    operation_id="engagement_detail",
)
def engagement_detail(request: AuthedRequest, engagement_id: UUID) -> Any:
    engagement = engagement_get_for(user=request.user, pk=engagement_id)
    return with_session_counts([engagement])[0]
