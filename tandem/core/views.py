from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from tandem.action_items.models import ActionItem
from tandem.coaching_sessions.selectors import sessions_planned_in
from tandem.core.http import AuthedRequest
from tandem.core.policy import Role, engagement_roles
from tandem.engagements.selectors import engagement_list_for, organisations_administered_by

ROLE_LABELS = {
    Role.COACH: "Coach",
    Role.COACHEE: "Coachee",
    Role.SPONSOR: "Sponsor",
    Role.PROGRAMME_ADMIN: "Programme admin",
}


@login_required
def home(request: AuthedRequest) -> HttpResponse:
    """Everything the person has a part in, grouped by the role they play."""
    engagements = list(engagement_list_for(user=request.user))
    rows = [(e, sorted(engagement_roles(request.user, e))) for e in engagements]
    mine = [e.pk for e, roles in rows if {Role.COACH, Role.COACHEE} & set(roles)]
    upcoming = sessions_planned_in(mine, overdue=False)
    to_record = sessions_planned_in(mine, overdue=True)
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
            "rows": [(e, [ROLE_LABELS[r] for r in roles]) for e, roles in rows],
            "today": timezone.localdate(),
            "admin_orgs": organisations_administered_by(user=request.user),
            "upcoming": upcoming,
            "to_record": to_record,
            "my_actions": my_actions,
        },
    )


@require_GET
def healthz(request: HttpRequest) -> HttpResponse:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})
