"""Pages to change who is in an engagement: hand it to another coach, change its sponsor."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from tandem.accounts.models import User
from tandem.core.forms import run_service, run_service_or_flash
from tandem.core.http import AuthedRequest
from tandem.core.policy import Perm, admin_organisation_ids
from tandem.engagements import people
from tandem.engagements.selectors import engagement_get_for
from tandem.programmes.matching import pool_of


def _people_of(engagement: object) -> object:
    return User.objects.filter(
        is_active=True,
        memberships__organisation=engagement.organisation,  # type: ignore[attr-defined]
        memberships__is_active=True,
    ).order_by("full_name")


class ReplaceCoachForm(forms.Form):
    new_coach = forms.ModelChoiceField(
        label="New coach",
        queryset=User.objects.none(),
        error_messages={"required": "Choose the coach who takes over."},
    )
    reason = forms.CharField(
        max_length=300,
        required=False,
        help_text="Recorded with the handover, and seen by the programme admins (optional).",
    )


class SponsorForm(forms.Form):
    new_sponsor = forms.ModelChoiceField(
        label="New sponsor",
        queryset=User.objects.none(),
        required=False,
        empty_label="Choose…",
        help_text="The coachee's supervisor. The coachee agrees before anything changes.",
    )
    no_sponsor = forms.BooleanField(
        label="No sponsor from now on", required=False, help_text="Instead of a new one."
    )
    reason = forms.CharField(max_length=300, required=False, help_text="Why (optional).")

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        if data.get("new_sponsor") and data.get("no_sponsor"):
            raise forms.ValidationError("Choose a new sponsor, or no sponsor — not both.")
        if not data.get("new_sponsor") and not data.get("no_sponsor"):
            self.add_error("new_sponsor", "Choose the new sponsor (or tick “No sponsor”).")
        return data


def _to_people(engagement_pk: object) -> HttpResponse:
    return redirect(reverse("engagement_detail", args=[engagement_pk]) + "#people")


@login_required
def replace_coach(request: AuthedRequest, pk: str) -> HttpResponse:
    engagement = engagement_get_for(user=request.user, pk=pk)
    if engagement.organisation_id not in admin_organisation_ids(request.user):
        raise PermissionDenied("The programme admin hands an engagement to another coach.")
    form = ReplaceCoachForm(request.POST or None)
    seats = {engagement.coach_id, engagement.coachee_id, engagement.sponsor_id}
    options = (
        [o for o in pool_of(engagement.programme) if o.coach.pk not in seats]
        if engagement.programme is not None
        else []
    )
    loads = {o.coach.pk: f"{o.load} of {o.capacity} engagements" for o in options}
    form.fields["new_coach"].queryset = User.objects.filter(  # type: ignore[attr-defined]
        pk__in=[o.coach.pk for o in options if o.free > 0]
    ).order_by("full_name")
    form.fields["new_coach"].label_from_instance = lambda u: (  # type: ignore[attr-defined]
        f"{u.full_name} — {loads[u.pk]}"
    )
    if request.method == "POST" and form.is_valid():
        done = run_service(
            form,
            lambda: people.engagement_replace_coach(
                actor=request.user, engagement=engagement, **form.cleaned_data
            ),
        )
        if done is not None:
            messages.success(
                request,
                f"{done.to_coach} now coaches {engagement.coachee}. Coachee, sponsor and both "
                "coaches were told; the old coach's private notes stay theirs.",
            )
            engagement.refresh_from_db()
            clashes = people.clashes_for_new_coach(engagement)
            if clashes:
                when = ", ".join(f"{timezone.localtime(c):%a %-d %b, %H:%M}" for c in clashes[:3])
                messages.warning(
                    request,
                    f"{len(clashes)} planned session(s) clash with {done.to_coach}'s other "
                    f"sessions ({when}{'…' if len(clashes) > 3 else ''}): they should "
                    "reschedule them.",
                )
            return _to_people(engagement.pk)
    return render(
        request,
        "engagements/replace_coach.html",
        {
            "engagement": engagement,
            "form": form,
            "full": [o for o in options if o.free <= 0],
        },
        status=422 if form.errors else 200,
    )


@login_required
def sponsor_change(request: AuthedRequest, pk: str) -> HttpResponse:
    engagement = engagement_get_for(user=request.user, pk=pk, perm=Perm.MANAGE_ENGAGEMENT)
    form = SponsorForm(request.POST or None)
    form.fields["new_sponsor"].queryset = _people_of(engagement).exclude(  # type: ignore[attr-defined]
        pk__in=[engagement.coach_id, engagement.coachee_id]
    )
    if engagement.sponsor_changes.filter(state="proposed").exists():
        messages.info(
            request,
            "A change of sponsor is already waiting for the coachee: withdraw it to propose "
            "another.",
        )
        return _to_people(engagement.pk)
    if request.method == "POST" and form.is_valid():
        done = run_service(
            form,
            lambda: people.sponsor_change_propose(
                actor=request.user,
                engagement=engagement,
                new_sponsor=form.cleaned_data["new_sponsor"],
                reason=form.cleaned_data["reason"],
            ),
        )
        if done is not None:
            messages.success(
                request,
                f"Proposed. {engagement.coachee.get_short_name()} was asked to agree; nothing "
                "changes until they do.",
            )
            return _to_people(engagement.pk)
    return render(
        request,
        "engagements/sponsor_change.html",
        {"engagement": engagement, "form": form},
        status=422 if form.errors else 200,
    )


@login_required
@require_POST
def sponsor_change_decide(request: AuthedRequest, pk: str) -> HttpResponse:
    engagement = engagement_get_for(user=request.user, pk=pk)
    accept = request.POST.get("accept") == "1"
    change = run_service_or_flash(
        request,
        lambda: people.sponsor_change_decide(
            actor=request.user, engagement=engagement, accept=accept
        ),
    )
    if change is not None:
        new = change.to_sponsor or "no sponsor"
        messages.success(
            request,
            f"Agreed: {new} is your sponsor now. You and your coach then ask them to sign "
            "off the targets."
            if accept
            else "Declined: your sponsor stays as it was. Your coach was told.",
        )
    return _to_people(engagement.pk)


@login_required
@require_POST
def sponsor_change_withdraw(request: AuthedRequest, pk: str) -> HttpResponse:
    engagement = engagement_get_for(user=request.user, pk=pk, perm=Perm.MANAGE_ENGAGEMENT)
    if run_service_or_flash(
        request, lambda: people.sponsor_change_withdraw(actor=request.user, engagement=engagement)
    ):
        messages.success(request, "The proposed change of sponsor was withdrawn.")
    return _to_people(engagement.pk)
