"""Programme pages for its admins — list, set up, overview, coach matching — and the page
where a coachee chooses a coach."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from tandem.accounts.models import User
from tandem.core.forms import run_service, run_service_or_flash
from tandem.core.http import AuthedRequest
from tandem.core.policy import admin_organisation_ids
from tandem.engagements.selectors import organisations_administered_by
from tandem.programmes import matching, services
from tandem.programmes.forms import (
    AssignForm,
    MatchFilterForm,
    ProgrammeForm,
    ProposeForm,
    StartForm,
)
from tandem.programmes.models import MatchProposal
from tandem.programmes.selectors import (
    programme_get_for,
    programme_get_for_starting,
    programmes_run_by,
)


@login_required
def programme_list(request: AuthedRequest) -> HttpResponse:
    return render(
        request,
        "programmes/programme_list.html",
        {
            "programmes": programmes_run_by(user=request.user).order_by(
                "archived_at", "organisation__name", "name"
            ),
            "can_create": organisations_administered_by(user=request.user).exists(),
        },
    )


@login_required
def programme_new(request: AuthedRequest) -> HttpResponse:
    organisations = organisations_administered_by(user=request.user)
    if not organisations.exists():
        raise PermissionDenied("Programme admins set up programmes; you are not one.")
    form = ProgrammeForm(request.POST or None, organisations=organisations)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        organisation = data.pop("organisation")
        programme = run_service(
            form,
            lambda: services.programme_create(
                actor=request.user, organisation=organisation, **data
            ),
        )
        if programme is not None:
            messages.success(
                request, f"{programme} set up. Next: add its coaches and coachees (People)."
            )
            return redirect("programme_detail", pk=programme.pk)
    return render(
        request,
        "programmes/programme_form.html",
        {"form": form, "creating": True},
        status=422 if form.errors else 200,
    )


@login_required
def programme_detail(request: AuthedRequest, pk: str) -> HttpResponse:
    programme = programme_get_for(user=request.user, pk=pk)
    pool = matching.pool_of(programme)
    return render(
        request,
        "programmes/programme_detail.html",
        {
            "programme": programme,
            "pool": pool,
            "with_room": sum(1 for o in pool if o.free > 0),
            "waiting": matching.waiting_for_a_coach(programme),
            "proposals": MatchProposal.objects.filter(
                programme=programme, state=MatchProposal.State.OPEN
            )
            .select_related("coachee")
            .prefetch_related("coaches"),
            "engagement_count": programme.engagements.count(),
        },
    )


@login_required
def programme_edit(request: AuthedRequest, pk: str) -> HttpResponse:
    programme = programme_get_for(user=request.user, pk=pk)
    form = ProgrammeForm(request.POST or None, instance=programme)
    if request.method == "POST" and form.is_valid():
        saved = run_service(
            form,
            lambda: services.programme_update(
                actor=request.user, programme=programme, **form.cleaned_data
            ),
        )
        if saved is not None:
            messages.success(request, "Programme saved. New engagements take its new shape.")
            return redirect("programme_detail", pk=programme.pk)
    return render(
        request,
        "programmes/programme_form.html",
        {"form": form, "programme": programme},
        status=422 if form.errors else 200,
    )


@login_required
@require_POST
def programme_archive(request: AuthedRequest, pk: str) -> HttpResponse:
    programme = programme_get_for(user=request.user, pk=pk)
    archive = request.POST.get("archived") == "1"
    services.programme_archive(actor=request.user, programme=programme, archived=archive)
    messages.success(
        request,
        "Archived: it keeps its engagements and figures, and takes no new ones."
        if archive
        else "Back in use.",
    )
    return redirect("programme_detail", pk=programme.pk)


# --- matching ---------------------------------------------------------------------------


@login_required
def programme_match(request: AuthedRequest, pk: str, member_pk: str) -> HttpResponse:
    """Propose two or three coaches to one coachee, or assign one directly."""
    programme = programme_get_for(user=request.user, pk=pk)
    place = matching.coachee_place(programme, member_pk)
    filters = MatchFilterForm(request.GET or None)
    area = language = ""
    if filters.is_valid():
        area, language = filters.cleaned_data["area"], filters.cleaned_data["language"]
    options = matching.coaches_available(programme, area=area, language=language)
    options = [o for o in options if o.coach.pk != place.user_id]
    candidates = User.objects.filter(pk__in=[o.coach.pk for o in options])
    action = request.POST.get("action")
    propose = ProposeForm(
        request.POST if action == "propose" else None, coaches=candidates, prefix="p"
    )
    assign = AssignForm(
        request.POST if action == "assign" else None, coaches=candidates, prefix="a"
    )
    if action == "propose" and propose.is_valid():
        proposal = run_service(
            propose,
            lambda: matching.proposal_create(
                actor=request.user,
                programme=programme,
                place=place,
                coaches=list(propose.cleaned_data["coaches"]),
                note=propose.cleaned_data["note"],
            ),
        )
        if proposal is not None:
            messages.success(
                request,
                f"{place.user} was emailed to choose between "
                f"{', '.join(c.full_name for c in propose.cleaned_data['coaches'])}.",
            )
            return redirect("programme_detail", pk=programme.pk)
    if action == "assign" and assign.is_valid():
        engagement = run_service(
            assign,
            lambda: matching.coach_assign(
                actor=request.user,
                programme=programme,
                place=place,
                coach=assign.cleaned_data["coach"],
                start_date=assign.cleaned_data["start_date"],
            ),
        )
        if engagement is not None:
            messages.success(
                request,
                f"{engagement.coach} coaches {place.user}; both were told. The coach plans "
                "the sessions next.",
            )
            return redirect("engagement_detail", pk=engagement.pk)
    return render(
        request,
        "programmes/match.html",
        {
            "programme": programme,
            "place": place,
            "filters": filters,
            "options": options,
            "full": [o for o in matching.pool_of(programme) if o.free <= 0],
            "with_room": len(matching.coaches_available(programme)),
            "propose": propose,
            "selected": [str(v) for v in request.POST.getlist("p-coaches")],
            "assign": assign,
        },
        status=422 if propose.errors or assign.errors else 200,
    )


@login_required
def proposal_detail(request: AuthedRequest, pk: str) -> HttpResponse:
    proposal = matching.proposal_get_for(user=request.user, pk=pk)
    options = {o.coach.pk: o for o in matching.pool_of(proposal.programme)}
    coaches = [
        (coach, options.get(coach.pk))
        for coach in proposal.coaches.select_related("coach_profile").order_by("full_name")
    ]
    return render(
        request,
        "programmes/proposal.html",
        {
            "proposal": proposal,
            "coaches": coaches,
            "is_coachee": proposal.coachee_id == request.user.pk,
        },
    )


@login_required
@require_POST
def proposal_choose(request: AuthedRequest, pk: str) -> HttpResponse:
    proposal = matching.proposal_get_for(user=request.user, pk=pk)
    chosen = request.POST.get("coach", "")
    # A person's id is a number; anything else (a NUL byte, a made-up value) matches nobody.
    coach = proposal.coaches.filter(pk=int(chosen)).first() if chosen.isdigit() else None
    if coach is None:
        messages.error(request, "Choose one of the coaches proposed to you.")
        return redirect("proposal_detail", pk=proposal.pk)
    engagement = run_service_or_flash(
        request,
        lambda: matching.proposal_choose(actor=request.user, proposal=proposal, coach=coach),
    )
    if engagement is None:
        return redirect("proposal_detail", pk=proposal.pk)
    messages.success(
        request,
        f"{coach} is your coach. They were told, and will plan your first session with you.",
    )
    return redirect("engagement_detail", pk=engagement.pk)


@login_required
@require_POST
def proposal_withdraw(request: AuthedRequest, pk: str) -> HttpResponse:
    proposal = matching.proposal_get_for(user=request.user, pk=pk)
    if run_service_or_flash(
        request, lambda: matching.proposal_withdraw(actor=request.user, proposal=proposal)
    ):
        messages.success(request, "Proposal withdrawn: the coachee can no longer choose from it.")
    return redirect("programme_detail", pk=proposal.programme_id)


@login_required
def programme_start(request: AuthedRequest, pk: str) -> HttpResponse:
    """Start a coaching engagement in the programme, shaped by its defaults: its admins
    for any coach of the pool (inviting a new coachee if need be), a pool coach for
    themselves where the programme allows it."""
    programme = programme_get_for_starting(user=request.user, pk=pk)
    is_admin = programme.organisation_id in admin_organisation_ids(request.user)
    people = User.objects.filter(
        is_active=True,
        memberships__organisation=programme.organisation,
        memberships__is_active=True,
    ).order_by("full_name")
    coaches = (
        User.objects.filter(pk__in=[o.coach.pk for o in matching.coaches_available(programme)])
        if is_admin
        else User.objects.filter(pk=request.user.pk)
    )
    today = timezone.localdate()
    form = StartForm(
        request.POST or None,
        people=people,
        coaches=coaches,
        can_invite=is_admin,
        initial={
            # Yourself when you coach in it (an independent coach's practice), the only coach
            # when there is one.
            "coach": request.user.pk
            if coaches.filter(pk=request.user.pk).exists()
            else (coaches.get().pk if coaches.count() == 1 else None),
            "start_date": today,
            "end_date": today + dt.timedelta(days=programme.default_length_days),
            "planned_sessions": programme.default_planned_sessions,
            "cadence_days": programme.default_cadence_days,
            "session_minutes": programme.default_session_minutes,
        },
    )
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        engagement = run_service(
            form,
            lambda: services.engagement_start(
                actor=request.user,
                programme=programme,
                base_url=request.build_absolute_uri("/"),
                **data,
            ),
        )
        if engagement is not None:
            invited = ""
            if not data["coachee"]:
                invited = (
                    " They were emailed a link to choose a password."
                    if not engagement.coachee.has_usable_password()
                    else " They were told by email."
                )
            messages.success(
                request,
                f"Engagement started for {engagement.coachee}, in draft.{invited} "
                + (
                    "Next: plan its sessions."
                    if engagement.coach_id == request.user.pk
                    else f"Next: {engagement.coach.get_short_name()} plans its sessions."
                ),
            )
            return redirect("engagement_detail", pk=engagement.pk)
    return render(
        request,
        "programmes/start.html",
        {"programme": programme, "form": form, "is_admin": is_admin, "pool_empty": not coaches},
        status=422 if form.errors else 200,
    )
