from __future__ import annotations

from typing import Any

from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from tandem.accounts import services, tokens
from tandem.accounts.forms import (
    AccessTokenForm,
    AccountForm,
    AddPersonForm,
    CoachProfileForm,
    PersonForm,
    PracticeForm,
    RoleForm,
    SignUpForm,
)
from tandem.accounts.models import User
from tandem.accounts.selectors import (
    members_page,
    membership_get,
    organisation_get_for_admin,
)
from tandem.core.forms import run_service, run_service_or_flash
from tandem.core.http import AuthedRequest, search_text
from tandem.programmes.people.selectors import engagements_needing_a_coach, engagements_of_person


@login_required
def people(request: AuthedRequest, slug: str) -> HttpResponse:
    """The programme admin's list of people (a page at a time, searchable), with a form to
    add someone, engagements whose coach was deactivated, and the organisation's
    programmes."""
    organisation = organisation_get_for_admin(user=request.user, slug=slug)
    form = AddPersonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        added = run_service(
            form,
            lambda: services.membership_add(
                actor=request.user,
                organisation=organisation,
                base_url=request.build_absolute_uri("/"),
                **form.cleaned_data,
            ),
        )
        if added is not None:
            # The same words whether or not the address has an account elsewhere (then it
            # is an invitation they accept or decline): nobody learns who uses Tandem.
            messages.success(
                request,
                f"{form.cleaned_data['full_name']} is invited: an email went to "
                f"{form.cleaned_data['email'].strip().lower()} with the way in.",
            )
            return redirect("people", slug=organisation.slug)
    return render(
        request,
        "accounts/people.html",
        {
            "organisation": organisation,
            "members": members_page(
                organisation=organisation,
                query=search_text(request.GET.get("q", "")),
                status=request.GET.get("status", ""),
                page=request.GET.get("page"),
            ),
            "form": form,
            "roles": RoleForm.base_fields["role"].choices,  # type: ignore[attr-defined]
            "needing_coach": engagements_needing_a_coach(organisation=organisation),
            "show_programme": True,
            "programmes": organisation.programmes.filter(archived_at__isnull=True),
            "waiting": organisation.invitations.filter(state="pending").order_by("created_at"),
        },
        status=422 if form.errors else 200,
    )


@login_required
@require_POST
def member_role(request: AuthedRequest, slug: str, pk: str) -> HttpResponse:
    organisation = organisation_get_for_admin(user=request.user, slug=slug)
    membership = membership_get(organisation=organisation, pk=pk)
    form = RoleForm(request.POST)
    updated = None
    if form.is_valid():
        updated = run_service_or_flash(
            request,
            lambda: services.membership_set_role(
                actor=request.user, membership=membership, role=form.cleaned_data["role"]
            ),
        )
    if updated is not None:
        messages.success(
            request, f"{membership.user} is now {membership.get_role_display().lower()}."
        )
    return redirect("people", slug=organisation.slug)


@login_required
def person_edit(request: AuthedRequest, slug: str, pk: str) -> HttpResponse:
    """Correct a member's name and, where it may change, their address (a bounce, say)."""
    organisation = organisation_get_for_admin(user=request.user, slug=slug)
    membership = membership_get(organisation=organisation, pk=pk)
    person = membership.user
    locked = services.person_email_locked_reason(person, organisation)
    before = person.email
    form = PersonForm(
        request.POST or None, initial={"full_name": person.full_name, "email": person.email}
    )
    if request.method == "POST" and form.is_valid():
        saved = run_service(
            form,
            lambda: services.person_update(
                actor=request.user,
                membership=membership,
                base_url=request.build_absolute_uri("/"),
                **form.cleaned_data,
            ),
        )
        if saved is not None:
            told = f" An email went to {saved.email} to tell them." if saved.email != before else ""
            messages.success(request, f"Saved {saved}.{told}")
            return redirect("people", slug=organisation.slug)
    return render(
        request,
        "accounts/person_edit.html",
        {"organisation": organisation, "membership": membership, "form": form, "locked": locked},
        status=422 if form.errors else 200,
    )


@login_required
def member_deactivate(request: AuthedRequest, slug: str, pk: str) -> HttpResponse:
    """Asks first (what it means, which engagements it touches), then deactivates."""
    organisation = organisation_get_for_admin(user=request.user, slug=slug)
    membership = membership_get(organisation=organisation, pk=pk)
    if request.method == "POST":
        done = run_service_or_flash(
            request,
            lambda: services.membership_deactivate(actor=request.user, membership=membership),
        )
        if done is not None:
            messages.success(
                request,
                f"{membership.user} is deactivated in {organisation}. Their records stay; "
                "you can reactivate them here at any time.",
            )
        return redirect("people", slug=organisation.slug)
    return render(
        request,
        "accounts/deactivate.html",
        {
            "organisation": organisation,
            "membership": membership,
            "engagements": engagements_of_person(organisation=organisation, user=membership.user),
            "elsewhere": membership.user.memberships.filter(is_active=True)
            .exclude(organisation=organisation)
            .exists(),
        },
    )


@login_required
@require_POST
def member_reactivate(request: AuthedRequest, slug: str, pk: str) -> HttpResponse:
    organisation = organisation_get_for_admin(user=request.user, slug=slug)
    membership = membership_get(organisation=organisation, pk=pk)
    done = run_service_or_flash(
        request, lambda: services.membership_reactivate(actor=request.user, membership=membership)
    )
    if done is not None:
        messages.success(request, f"{membership.user} is active again in {organisation}.")
    return redirect("people", slug=organisation.slug)


@login_required
@require_POST
def member_invite(request: AuthedRequest, slug: str, pk: str) -> HttpResponse:
    """Send someone who has not chosen a password yet a fresh link."""
    organisation = organisation_get_for_admin(user=request.user, slug=slug)
    membership = membership_get(organisation=organisation, pk=pk)
    done = run_service_or_flash(
        request,
        lambda: (
            services.invitation_resend(
                actor=request.user, membership=membership, base_url=request.build_absolute_uri("/")
            )
            or True
        ),
    )
    if done:
        messages.success(
            request, f"A new link to choose a password went to {membership.user.email}."
        )
    return redirect("people", slug=organisation.slug)


@login_required
def account_settings(request: AuthedRequest) -> HttpResponse:
    """The person's own name and time zone, and an address that bounced."""
    user = request.user
    form = AccountForm(
        request.POST or None, initial={"full_name": user.full_name, "time_zone": user.time_zone}
    )
    if request.method == "POST" and form.is_valid():
        saved = run_service(form, lambda: services.account_update(actor=user, **form.cleaned_data))
        if saved is not None:
            messages.success(request, "Saved.")
            return redirect("account_settings")
    return render(
        request,
        "accounts/settings.html",
        {"form": form},
        status=422 if form.errors else 200,
    )


@login_required
@require_POST
def email_bounce_clear(request: AuthedRequest) -> HttpResponse:
    services.email_bounce_clear(actor=request.user)
    messages.success(request, "Thanks. Tandem will email you again.")
    return redirect("account_settings")


@login_required
def api_tokens(request: AuthedRequest) -> HttpResponse:
    """The person's API tokens; a new one's secret is shown on this answer only, never again."""
    form = AccessTokenForm(request.POST or None)
    created = None
    if request.method == "POST" and form.is_valid():
        created = run_service(
            form,
            lambda: tokens.token_create(
                actor=request.user,
                name=form.cleaned_data["name"],
                scope=form.cleaned_data["scope"],
                days=form.cleaned_data["days"],
            ),
        )
        if created is not None:
            form = AccessTokenForm()
    response = render(
        request,
        "accounts/api_tokens.html",
        {"form": form, "created": created, "tokens": tokens.tokens_of(user=request.user)},
        status=422 if form.errors else 200,
    )
    response["Cache-Control"] = "no-store"  # the secret must not stay in a cache
    return response


@login_required
@require_POST
def api_token_revoke(request: AuthedRequest, pk: str) -> HttpResponse:
    token = tokens.token_get_for(user=request.user, pk=pk)
    tokens.token_revoke(actor=request.user, token=token)
    messages.success(request, f"“{token.name}” is revoked: scripts using it are refused now.")
    return redirect("api_tokens")


@login_required
def coach_profile(request: AuthedRequest) -> HttpResponse:
    """A coach's profile, as coachees read it when they choose a coach."""
    profile = getattr(request.user, "coach_profile", None)
    initial = (
        {
            "bio": profile.bio,
            "areas": profile.areas,
            "languages": ", ".join(profile.languages),
            "capacity": profile.capacity,
        }
        if profile
        else {"capacity": 6}
    )
    form = CoachProfileForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        saved = run_service(
            form, lambda: services.coach_profile_save(actor=request.user, **form.cleaned_data)
        )
        if saved is not None:
            messages.success(request, "Profile saved. Coachees read it when they choose a coach.")
            return redirect("coach_profile")
    return render(
        request,
        "accounts/coach_profile.html",
        {"form": form, "profile": profile},
        status=422 if form.errors else 200,
    )


def sign_up(request: HttpRequest) -> HttpResponse:
    """An independent coach opens a practice: an account (if they have none) and an
    organisation with one programme, where they are admin and coach. Off unless
    OPEN_SIGNUP is on (development); in production an operator invites coaches."""
    if not settings.OPEN_SIGNUP:
        raise Http404("Sign-up is closed here: ask the people who run this Tandem to invite you.")
    signed_in = request.user.is_authenticated
    form_class = PracticeForm if signed_in else SignUpForm
    form = form_class(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        done: object
        if signed_in:
            done = run_service(
                form,
                lambda: services.practice_create(
                    owner=request.user,  # type: ignore[arg-type]
                    name=data["practice_name"],
                ),
            )
        else:
            user = run_service(
                form,
                lambda: services.coach_sign_up(
                    full_name=data["full_name"],
                    email=data["email"],
                    password=data["password1"],
                    practice_name=data["practice_name"],
                ),
            )
            done = user
            if user is not None:
                login(request, user, backend="django.contrib.auth.backends.ModelBackend")
                # A new address counts once its owner follows the emailed link (allauth):
                # until then the next sign-in asks for it again.
                EmailAddress.objects.add_email(request, user, user.email, confirm=True, signup=True)
        if done is not None:
            programme = (
                request.user.memberships.filter(  # type: ignore[union-attr,misc]
                    organisation__is_practice=True
                )
                .order_by("-created_at")[0]
                .organisation.programmes.get()
            )
            messages.success(
                request,
                "Your practice is open. Fill in your coach profile, then invite your first "
                "client: Start an engagement.",
            )
            return redirect("programme_detail", pk=programme.pk)
    return render(
        request,
        "accounts/sign_up.html",
        {"form": form, "signed_in": signed_in},
        status=422 if form.errors else 200,
    )


class SetPasswordView(auth_views.PasswordResetConfirmView):
    """The emailed link to choose a password. For someone deactivated it no longer works:
    they could not sign in with the password anyway."""

    def get_user(self, uidb64: str) -> User | None:
        user = super().get_user(uidb64)
        return user if user is not None and user.is_active else None

    def form_valid(self, form: Any) -> HttpResponse:
        response = super().form_valid(form)
        # The link reached its owner at this address: it counts as verified for sign-in.
        services.email_verified(user=form.user)
        return response
