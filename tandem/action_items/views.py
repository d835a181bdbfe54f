from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect, render

from tandem.action_items import services
from tandem.action_items.forms import ActionForm, ActionUpdateForm, ReflectionForm
from tandem.action_items.models import ActionItem
from tandem.action_items.selectors import (
    action_get_for,
    actions_for,
    checkins_of,
    reflection_get_for,
    reflections_for,
)
from tandem.core.forms import run_service
from tandem.core.http import AuthedRequest
from tandem.core.policy import Perm, engagement_can
from tandem.engagements.selectors import engagement_get_for
from tandem.privacy.audit import Kind as ReadKind
from tandem.privacy.audit import record_read


@login_required
def action_list(request: AuthedRequest, pk: str) -> HttpResponse:
    """Every action of the engagement; the coachee can add one between sessions."""
    engagement = engagement_get_for(user=request.user, pk=pk, perm=Perm.VIEW_SESSION_CONTENT)
    form = ActionForm(request.POST or None, engagement=engagement)
    if request.method == "POST" and form.is_valid():
        created = run_service(
            form,
            lambda: services.action_create(
                actor=request.user,
                engagement=engagement,
                title=form.cleaned_data["title"],
                owner=form.owner_user(),
                due_date=form.cleaned_data["due_date"],
            ),
        )
        if created is not None:
            messages.success(request, "Action added; it comes up at the next session.")
            return redirect("action_list", pk=engagement.pk)
    actions = list(actions_for(user=request.user, engagement=engagement))
    groups = [
        (label, [a for a in actions if a.status == value])
        for value, label in ActionItem.Status.choices
    ]
    return render(
        request,
        "action_items/action_list.html",
        {
            "engagement": engagement,
            "groups": groups,
            "form": form,
            "can_add": engagement_can(request.user, Perm.EDIT_SESSION_CONTENT, engagement),
        },
        status=422 if form.errors else 200,
    )


@login_required
def action_edit(request: AuthedRequest, pk: str) -> HttpResponse:
    action = action_get_for(user=request.user, pk=pk)
    form = ActionUpdateForm(
        request.POST or None,
        initial={
            "title": action.title,
            "due_date": action.due_date,
            "evidence": action.evidence,
            "status": action.status,
            "version": action.version,
        },
    )
    if request.method == "POST" and form.is_valid():
        saved = run_service(
            form,
            lambda: services.action_update(
                actor=request.user,
                action=action,
                title=form.cleaned_data["title"],
                due_date=form.cleaned_data["due_date"],
                keep_due_date=False,
                evidence=form.cleaned_data["evidence"],
                status=form.cleaned_data["status"],
                expected_version=form.cleaned_data["version"],
            ),
        )
        if saved is not None:
            messages.success(request, "Action updated.")
            return redirect("action_list", pk=action.engagement_id)
    return render(
        request,
        "action_items/action_edit.html",
        {
            "action": action,
            "engagement": action.engagement,
            "form": form,
            "checkins": checkins_of(action),
        },
    )


@login_required
def reflection_list(request: AuthedRequest, pk: str) -> HttpResponse:
    engagement = engagement_get_for(user=request.user, pk=pk)
    can_write = engagement_can(request.user, Perm.WRITE_REFLECTIONS, engagement)
    can_read_shared = engagement_can(request.user, Perm.READ_SHARED_REFLECTIONS, engagement)
    # The coachee keeps reading their own journal once the engagement has ended.
    own = request.user.pk == engagement.coachee_id
    if not (can_write or can_read_shared or own):
        raise PermissionDenied("Reflections belong to the coachee.")
    form = ReflectionForm(request.POST or None, engagement=engagement) if can_write else None
    if form is not None and request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        created = run_service(
            form,
            lambda: services.reflection_create(
                actor=request.user,
                engagement=engagement,
                target=data.get("target"),
                situation=data["situation"],
                what_i_did=data["what_i_did"],
                what_happened=data["what_happened"],
                what_i_learned=data["what_i_learned"],
                share_with_coach=data["share_with_coach"],
                form_token=data.get("form_token"),
            ),
        )
        if created is not None:
            messages.success(
                request,
                "Reflection saved and shared with your coach."
                if created.shared_with_coach
                else "Reflection saved. Only you can read it.",
            )
            return redirect("reflection_list", pk=engagement.pk)
    reflections = reflections_for(user=request.user, engagement=engagement)
    if request.method == "GET":
        for reflection in reflections:
            record_read(
                reader=request.user,
                kind=ReadKind.REFLECTION,
                engagement=engagement,
                owner=reflection.author_id,
                object_id=reflection.pk,
            )
    return render(
        request,
        "action_items/reflection_list.html",
        {
            "engagement": engagement,
            "reflections": reflections,
            "form": form,
        },
        status=422 if form is not None and form.errors else 200,
    )


@login_required
def reflection_edit(request: AuthedRequest, pk: str) -> HttpResponse:
    reflection = reflection_get_for(user=request.user, pk=pk)
    if request.method == "GET":
        record_read(
            reader=request.user,
            kind=ReadKind.REFLECTION,
            engagement=reflection.engagement,
            owner=reflection.author_id,
            object_id=reflection.pk,
        )
    if reflection.author_id != request.user.pk:
        return render(
            request,
            "action_items/reflection_detail.html",
            {"reflection": reflection, "engagement": reflection.engagement},
        )
    initial = {
        "target": reflection.target,
        "situation": reflection.situation,
        "what_i_did": reflection.what_i_did,
        "what_happened": reflection.what_happened,
        "what_i_learned": reflection.what_i_learned,
        "share_with_coach": reflection.shared_with_coach,
        "version": reflection.version,
    }
    form = ReflectionForm(request.POST or None, engagement=reflection.engagement, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        saved = run_service(
            form,
            lambda: services.reflection_update(
                actor=request.user,
                reflection=reflection,
                expected_version=data.pop("version"),
                target=data.pop("target", None),
                share_with_coach=data.pop("share_with_coach"),
                **data,
            ),
        )
        if saved is not None:
            messages.success(request, "Reflection updated.")
            return redirect("reflection_list", pk=reflection.engagement_id)
    return render(
        request,
        "action_items/reflection_form.html",
        {"reflection": reflection, "engagement": reflection.engagement, "form": form},
    )
