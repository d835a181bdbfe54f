"""Scheduling sessions: plan a series, move one, mark one cancelled or a no-show (the coach)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from tandem.coaching_sessions import services
from tandem.coaching_sessions.forms import MarkForm, PlanSessionsForm, RescheduleForm
from tandem.coaching_sessions.selectors import session_get_for
from tandem.core.forms import run_service, service_ok
from tandem.core.http import AuthedRequest
from tandem.core.policy import Perm
from tandem.engagements.selectors import engagement_get_for


@login_required
def sessions_plan(request: AuthedRequest, pk: str) -> HttpResponse:
    engagement = engagement_get_for(user=request.user, pk=pk, perm=Perm.SCHEDULE_SESSIONS)
    live = engagement.sessions.exclude(status="cancelled").count()
    default_count = max(min(engagement.planned_sessions - live, 12), 1)
    form = PlanSessionsForm(
        request.POST or None,
        initial={
            "count": default_count,
            "cadence_days": engagement.cadence_days,
            "duration_minutes": engagement.session_minutes,
        },
    )
    if request.method == "POST" and form.is_valid():
        planned = run_service(
            form,
            lambda: services.sessions_plan(
                actor=request.user, engagement=engagement, **form.cleaned_data
            ),
        )
        if planned is not None:
            messages.success(
                request,
                f"{len(planned)} session(s) planned; invitations are on their way to "
                f"{engagement.coachee.get_short_name()} and you.",
            )
            return redirect("engagement_detail", pk=engagement.pk)
    return render(request, "coaching_sessions/plan.html", {"engagement": engagement, "form": form})


@login_required
def session_schedule(request: AuthedRequest, pk: str) -> HttpResponse:
    session = session_get_for(user=request.user, pk=pk, perm=Perm.SCHEDULE_SESSIONS)
    local = timezone.localtime(session.scheduled_at)
    form = RescheduleForm(
        request.POST or None,
        initial={
            "scheduled_at": local.strftime("%Y-%m-%dT%H:%M"),
            "duration_minutes": session.duration_minutes,
            "version": session.version,
        },
    )
    mark_form = MarkForm()
    if request.method == "POST" and form.is_valid():
        saved = run_service(
            form,
            lambda: services.session_reschedule(
                actor=request.user,
                session=session,
                scheduled_at=form.cleaned_data["scheduled_at"],
                duration_minutes=form.cleaned_data["duration_minutes"],
                expected_version=form.cleaned_data["version"],
                allow_overlap=form.cleaned_data["allow_overlap"],
            ),
        )
        if saved is not None:
            messages.success(request, "Session rescheduled; both calendars get the new time.")
            return redirect("engagement_detail", pk=session.engagement_id)
    return render(
        request,
        "coaching_sessions/schedule.html",
        {
            "session": session,
            "engagement": session.engagement,
            "form": form,
            "mark_form": mark_form,
        },
    )


@login_required
@require_POST
def session_mark(request: AuthedRequest, pk: str) -> HttpResponse:
    session = session_get_for(user=request.user, pk=pk, perm=Perm.SCHEDULE_SESSIONS)
    form = MarkForm(request.POST)
    if form.is_valid() and service_ok(
        form,
        lambda: services.session_mark(
            actor=request.user, session=session, status=form.cleaned_data["status"]
        ),
    ):
        messages.success(request, "Session updated; its open topics move to the next session.")
        return redirect("engagement_detail", pk=session.engagement_id)
    return render(
        request,
        "coaching_sessions/schedule.html",
        {
            "session": session,
            "engagement": session.engagement,
            "form": RescheduleForm(initial={"version": session.version}),
            "mark_form": form,
        },
        status=422,
    )
