"""The home page: everything a person has a part in, across every app.

It reads from most domain apps (engagements, sessions, actions, programmes), so it lives
above them rather than in ``core``, which imports none of them.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone

from tandem.action_items.models import ActionItem
from tandem.coaching_sessions.selectors import sessions_planned_in
from tandem.core.http import AuthedRequest
from tandem.core.policy import Role, engagement_roles
from tandem.engagements.models import Engagement, SponsorChange
from tandem.engagements.selectors import (
    engagement_list_for,
    organisations_administered_by,
    organisations_of,
)
from tandem.programmes.coach_feedback import coach_feedback_summary
from tandem.programmes.matching import proposals_open_for
from tandem.programmes.people.selectors import engagements_needing_a_coach
from tandem.programmes.selectors import programmes_startable_by

ROLE_LABELS = {
    Role.COACH: "Coach",
    Role.COACHEE: "Coachee",
    Role.SPONSOR: "Sponsor",
    Role.PROGRAMME_ADMIN: "Programme admin",
}
# In a manager's 1:1 series the same seats are called by their names at work.
ONE_ON_ONE_LABELS = {**ROLE_LABELS, Role.COACH: "Manager", Role.COACHEE: "Report"}


def role_labels(engagement: Engagement, roles: Iterable[Role]) -> list[str]:
    labels = ONE_ON_ONE_LABELS if engagement.is_one_on_one else ROLE_LABELS
    return [labels[r] for r in sorted(roles)]


@login_required
def home(request: AuthedRequest) -> HttpResponse:
    """Everything the person has a part in, grouped by the role they play."""
    engagements = list(engagement_list_for(user=request.user))
    rows = [(e, engagement_roles(request.user, e)) for e in engagements]
    mine = [e.pk for e, roles in rows if {Role.COACH, Role.COACHEE} & roles]
    coaching = [e.pk for e, roles in rows if Role.COACH in roles]  # who marks sessions held
    my_actions = (
        ActionItem.objects.filter(
            engagement_id__in=mine, owner=request.user, status=ActionItem.Status.OPEN
        )
        .select_related("engagement__coachee")
        .order_by("due_date")[:10]
    )
    return render(
        request,
        "core/home.html",
        {
            "rows": [(e, role_labels(e, roles)) for e, roles in rows],
            "to_sign_off": [
                e for e, roles in rows if Role.SPONSOR in roles and e.targets_awaiting_sign_off
            ],
            "today": timezone.localdate(),
            # Sessions and actions are coach's and coachee's: sponsors and HR see no such lists.
            "in_sessions": bool(mine),
            "admin_orgs": [
                (org, list(engagements_needing_a_coach(organisation=org)))
                for org in organisations_administered_by(user=request.user)
            ],
            "can_start": organisations_of(user=request.user).exists(),
            "upcoming": sessions_planned_in(mine, overdue=False),
            "to_record": sessions_planned_in(coaching, overdue=True),
            "my_actions": my_actions,
            "proposals": proposals_open_for(user=request.user),
            "sponsor_requests": SponsorChange.objects.filter(
                engagement__coachee=request.user,
                engagement__in=[e.pk for e, roles in rows if Role.COACHEE in roles],
                state=SponsorChange.State.PROPOSED,
            ).select_related("engagement", "to_sponsor"),
            # Only the coach's own average, over enough ratings that nobody's shows.
            "coaches": any(e.is_coaching for e, roles in rows if Role.COACH in roles),
            "my_feedback": coach_feedback_summary(request.user)
            if any(e.is_coaching for e, roles in rows if Role.COACH in roles)
            else None,
            "startable": programmes_startable_by(user=request.user),
        },
    )
