from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from tandem.accounts.models import User
from tandem.coaching_sessions.selectors import current_session, engagement_progress, sessions_for
from tandem.core.forms import run_service, run_service_or_flash
from tandem.core.http import AuthedRequest, render_block
from tandem.core.policy import Perm, admin_organisation_ids, engagement_can
from tandem.core.svg import line_chart
from tandem.engagements import services
from tandem.engagements.forms import (
    EngagementCreateForm,
    EngagementEditForm,
    StatusForm,
    TargetForm,
)
from tandem.engagements.models import Engagement
from tandem.engagements.reviews import sponsor_summaries_for
from tandem.engagements.selectors import (
    engagement_get_for,
    organisations_administered_by,
    organisations_of,
    target_get_for,
    targets_for,
)
from tandem.feedback.selectors import cycle_running, cycles_for
from tandem.privacy.audit import Kind as ReadKind
from tandem.privacy.audit import record_read


def _perms(request: AuthedRequest, engagement: object) -> dict[str, bool]:
    return {p.value: engagement_can(request.user, p, engagement) for p in Perm}  # type: ignore[arg-type]


@login_required
def engagement_new(request: AuthedRequest) -> HttpResponse:
    admin_orgs = organisations_administered_by(user=request.user)
    organisations = admin_orgs if admin_orgs.exists() else organisations_of(user=request.user)
    if not organisations.exists():
        raise PermissionDenied("You are not a member of any organisation.")
    form = EngagementCreateForm(request.POST or None, organisations=organisations)
    manager_only = not admin_orgs.exists()
    if manager_only:
        # A manager starts a 1:1 series with a report, as its coach; nothing else to choose.
        form.fields["kind"].choices = [("one_on_one", "Manager 1:1 series")]  # type: ignore[attr-defined]
        form.fields["coach"].queryset = User.objects.filter(pk=request.user.pk)  # type: ignore[attr-defined]
        form.fields["coach"].initial = request.user.pk
        form.fields["coach"].label = "Manager (you)"
        form.fields["coachee"].label = "Your report"
        form.fields["coachee"].queryset = form.fields["coachee"].queryset.exclude(  # type: ignore[attr-defined]
            pk=request.user.pk
        )
        for name in ("sponsor", "programme"):
            del form.fields[name]
        form.fields["end_date"].help_text = "Leave empty for an ongoing series."
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        engagement = run_service(
            form,
            lambda: services.engagement_create(actor=request.user, **data),
        )
        if engagement is not None:
            created = "1:1 series" if engagement.is_one_on_one else "Engagement"
            who = (
                "plan its sessions"
                if engagement.coach_id == request.user.pk
                else f"{engagement.coach.get_short_name()} plans its sessions"
            )
            messages.success(request, f"{created} created. Next: {who}.")
            return redirect("engagement_detail", pk=engagement.pk)
    return render(
        request,
        "engagements/engagement_form.html",
        {"form": form, "creating": True, "manager_only": manager_only},
    )


def _numbered(sessions: Iterable[Any]) -> list[Any]:
    """Number the sessions as their own pages do: cancelled ones do not count."""
    numbered, n = [], 0
    for session in sessions:
        if session.status != "cancelled":
            n += 1
        session.number = n if session.status != "cancelled" else None
        numbered.append(session)
    return numbered


@login_required
def engagement_detail(request: AuthedRequest, pk: str) -> HttpResponse:
    engagement = engagement_get_for(user=request.user, pk=pk)
    context = _detail_context(request.user, engagement)
    for summary in context["sponsor_summaries"]:
        record_read(
            reader=request.user,
            kind=ReadKind.SPONSOR_SUMMARY,
            engagement=engagement,
            object_id=summary.pk,
        )
    return render(request, "engagements/engagement_detail.html", context)


def _detail_context(viewer: User, engagement: Engagement) -> dict[str, Any]:
    """The engagement page as ``viewer`` may see it: every read goes through the policy
    with ``viewer``, so the same code renders "what my sponsor sees" for the sponsor."""
    perms = {p.value: engagement_can(viewer, p, engagement) for p in Perm}
    progress = engagement_progress(user=viewer, engagement=engagement)
    targets = targets_for(user=viewer, engagement=engagement) if perms["view_targets"] else []
    current = current_session(engagement) if perms["view_session_content"] else None
    chart = line_chart(
        progress.commitment_by_session,
        y_min=1,
        y_max=10,
        threshold=8,
        label="Commitment by session",
    )
    return {
        "engagement": engagement,
        "perms": perms,
        "progress": progress,
        "chart": chart,
        "targets": targets,
        "sessions": _numbered(sessions_for(user=viewer, engagement=engagement)),
        "current": current,
        "current_due": current is not None and current.scheduled_at <= timezone.now(),
        "next_statuses": services.engagement_next_statuses(engagement)
        if perms["manage_engagement"]
        else [],
        "status_labels": dict(engagement.Status.choices),
        "sponsor_summaries": sponsor_summaries_for(user=viewer, engagement=engagement)
        if perms["read_sponsor_summary"]
        else [],
        "cycles": cycles_for(user=viewer, engagement=engagement)
        if perms["view_360_progress"]
        else [],
        **_people_context(viewer, engagement),
    }


@login_required
def engagement_as_sponsor(request: AuthedRequest, pk: str) -> HttpResponse:
    """ "What my sponsor sees": the coachee and the coach open the engagement page exactly as
    the sponsor's renders — the same view code and template, run with the sponsor as the
    viewer — shown inert inside their own page, so consent to share is informed."""
    engagement = engagement_get_for(user=request.user, pk=pk, perm=Perm.PREVIEW_AS_SPONSOR)
    sponsor = engagement.sponsor
    if sponsor is None:
        raise Http404("This engagement has no sponsor.")
    sponsor_page = render_block(
        request,
        "engagements/engagement_detail.html",
        "content",
        {**_detail_context(sponsor, engagement), "user": sponsor},
    )
    return render(
        request,
        "engagements/as_sponsor.html",
        {"engagement": engagement, "sponsor": sponsor, "sponsor_page": sponsor_page},
    )


def _people_context(viewer: User, engagement: Engagement) -> dict[str, Any]:
    """Who is in it and how that changed: handovers, a sponsor change waiting."""
    return {
        "is_org_admin": engagement.organisation_id in admin_organisation_ids(viewer),
        "handovers": engagement.handovers.select_related("from_coach", "to_coach"),
        "sponsor_change": engagement.sponsor_changes.filter(state="proposed")
        .select_related("to_sponsor", "proposed_by")
        .first(),
    }


@login_required
def engagement_edit(request: AuthedRequest, pk: str) -> HttpResponse:
    engagement = engagement_get_for(user=request.user, pk=pk, perm=Perm.MANAGE_ENGAGEMENT)
    form = EngagementEditForm(request.POST or None, instance=engagement)
    if request.method == "POST" and form.is_valid():
        changes = {k: v for k, v in form.cleaned_data.items() if k != "version"}
        saved = run_service(
            form,
            lambda: services.engagement_update(
                actor=request.user,
                engagement=engagement,
                expected_version=form.cleaned_data["version"],
                **changes,
            ),
        )
        if saved is not None:
            messages.success(request, "Engagement updated.")
            return redirect("engagement_detail", pk=engagement.pk)
    return render(
        request, "engagements/engagement_form.html", {"form": form, "engagement": engagement}
    )


@login_required
@require_POST
def engagement_status(request: AuthedRequest, pk: str) -> HttpResponse:
    engagement = engagement_get_for(user=request.user, pk=pk, perm=Perm.MANAGE_ENGAGEMENT)
    form = StatusForm(request.POST)
    planned = engagement.sessions.filter(status="planned").count()
    if form.is_valid():
        done = run_service(
            form,
            lambda: services.engagement_set_status(
                actor=request.user, engagement=engagement, status=form.cleaned_data["status"]
            ),
        )
        if done is not None:
            called_off = ""
            if done.status in {"cancelled", "completed"} and planned:
                called_off = f" {planned} session(s) still planned were called off."
            messages.success(
                request, f"Status is now {done.get_status_display().lower()}.{called_off}"
            )
            return redirect("engagement_detail", pk=engagement.pk)
    for error in form.errors.values():
        messages.error(request, " ".join(str(e) for e in error))
    return redirect("engagement_detail", pk=engagement.pk)


# --- targets ------------------------------------------------------------------------------


@login_required
def target_new(request: AuthedRequest, pk: str) -> HttpResponse:
    engagement = engagement_get_for(user=request.user, pk=pk, perm=Perm.EDIT_TARGETS)
    form = TargetForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        target = run_service(
            form,
            lambda: services.target_create(
                actor=request.user,
                engagement=engagement,
                **{k: v for k, v in form.cleaned_data.items() if k != "version"},
            ),
        )
        if target is not None:
            messages.success(request, "Target added to the contract." + _frozen_note(engagement))
            return redirect("engagement_detail", pk=engagement.pk)
    return render(
        request,
        "engagements/target_form.html",
        {"form": form, "engagement": engagement, "running": cycle_running(engagement)},
    )


def _frozen_note(engagement: Engagement) -> str:
    running = cycle_running(engagement)
    if running is None:
        return ""
    return (
        f" The {running.get_kind_display()} that is open keeps the questions its raters were "
        "sent; the change shows from the next round."
    )


@login_required
def target_edit(request: AuthedRequest, pk: str) -> HttpResponse:
    target = target_get_for(user=request.user, pk=pk, perm=Perm.EDIT_TARGETS)
    form = TargetForm(request.POST or None, instance=target)
    if request.method == "POST" and form.is_valid():
        saved = run_service(
            form,
            lambda: services.target_update(
                actor=request.user,
                target=target,
                expected_version=form.cleaned_data["version"],
                **{k: v for k, v in form.cleaned_data.items() if k != "version"},
            ),
        )
        if saved is not None:
            messages.success(request, "Target updated." + _frozen_note(target.engagement))
            return redirect("engagement_detail", pk=target.engagement_id)
    return render(
        request,
        "engagements/target_form.html",
        {
            "form": form,
            "engagement": target.engagement,
            "target": target,
            "running": cycle_running(target.engagement),
        },
    )


@login_required
@require_POST
def target_delete(request: AuthedRequest, pk: str) -> HttpResponse:
    target = target_get_for(user=request.user, pk=pk, perm=Perm.EDIT_TARGETS)
    services.target_delete(actor=request.user, target=target)
    messages.success(request, "Target removed.")
    return redirect("engagement_detail", pk=target.engagement_id)


def _submitted_at(request: AuthedRequest) -> dt.datetime | None:
    """The submission the sponsor read, from the form he answers with."""
    raw = request.POST.get("submitted_at", "")
    try:
        return dt.datetime.fromisoformat(raw) if raw else None
    except ValueError:
        return None


def _contract_step(
    request: AuthedRequest,
    pk: str,
    perm: Perm,
    step: Callable[[Engagement], object],
    done: Callable[[Engagement], str],
) -> HttpResponse:
    """A button on the contract: run the step, say what happened, back to the contract."""
    engagement = engagement_get_for(user=request.user, pk=pk, perm=perm)
    if run_service_or_flash(request, lambda: step(engagement)):
        messages.success(request, done(engagement))
    return redirect(reverse("engagement_detail", args=[engagement.pk]) + "#contract")


def _with_sponsor(engagement: Engagement) -> str:
    sponsor = engagement.sponsor
    name = sponsor.get_short_name() if sponsor else "the sponsor"
    return (
        f"The targets are with {sponsor or name} for sign-off. They stay as they are until "
        f"{name} answers, or you take them back."
    )


@login_required
@require_POST
def targets_submit(request: AuthedRequest, pk: str) -> HttpResponse:
    return _contract_step(
        request,
        pk,
        Perm.SUBMIT_TARGETS,
        lambda e: services.targets_submit(actor=request.user, engagement=e),
        _with_sponsor,
    )


@login_required
@require_POST
def targets_withdraw(request: AuthedRequest, pk: str) -> HttpResponse:
    return _contract_step(
        request,
        pk,
        Perm.SUBMIT_TARGETS,
        lambda e: services.targets_withdraw(actor=request.user, engagement=e),
        lambda e: "You took the targets back: edit them, then submit again.",
    )


@login_required
@require_POST
def targets_sign_off(request: AuthedRequest, pk: str) -> HttpResponse:
    return _contract_step(
        request,
        pk,
        Perm.SIGN_OFF_TARGETS,
        lambda e: services.targets_sign_off(
            actor=request.user, engagement=e, submitted_at=_submitted_at(request)
        ),
        lambda e: "You signed off the targets.",
    )


@login_required
@require_POST
def targets_request_changes(request: AuthedRequest, pk: str) -> HttpResponse:
    return _contract_step(
        request,
        pk,
        Perm.SIGN_OFF_TARGETS,
        lambda e: services.targets_request_changes(
            actor=request.user,
            engagement=e,
            note=request.POST.get("note", ""),
            submitted_at=_submitted_at(request),
        ),
        lambda e: "You sent the targets back with your note. You will see them again.",
    )


@login_required
@require_POST
def targets_reopen(request: AuthedRequest, pk: str) -> HttpResponse:
    return _contract_step(
        request,
        pk,
        Perm.REOPEN_TARGETS,
        lambda e: services.targets_reopen(actor=request.user, engagement=e),
        lambda e: "The contract is open for changes; the sponsor signs off again.",
    )
