"""Pages for sign-in rules: an organisation's settings (MFA, single sign-on), choosing
single sign-on at sign-in, and answering an invitation to join an organisation."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from tandem.accounts import invitations, sso
from tandem.accounts.forms import OrganisationSecurityForm, SsoStartForm
from tandem.accounts.models import Organisation
from tandem.accounts.selectors import organisation_get_for_admin
from tandem.accounts.services import organisation_security_save
from tandem.core.forms import run_service, run_service_or_flash
from tandem.core.http import AuthedRequest


@login_required
def organisation_settings(request: AuthedRequest, slug: str) -> HttpResponse:
    organisation = organisation_get_for_admin(user=request.user, slug=slug)
    app = organisation.sso_app
    form = OrganisationSecurityForm(
        request.POST or None,
        initial={
            "require_mfa": organisation.require_mfa,
            "server_url": app.settings.get("server_url", "") if app else "",
            "client_id": app.client_id if app else "",
            "domains": organisation.sso_domains,
        },
    )
    if request.method == "POST" and form.is_valid():
        saved = run_service(
            form,
            lambda: organisation_security_save(
                actor=request.user, organisation=organisation, **form.cleaned_data
            ),
        )
        if saved is not None:
            messages.success(request, "Sign-in settings saved.")
            return redirect("organisation_settings", slug=organisation.slug)
    sso_path = (
        reverse("openid_connect_login", kwargs={"provider_id": app.provider_id}) if app else ""
    )
    callback = (
        request.build_absolute_uri(
            reverse("openid_connect_callback", kwargs={"provider_id": app.provider_id})
        )
        if app
        else ""
    )
    return render(
        request,
        "accounts/organisation_settings.html",
        {
            "organisation": organisation,
            "form": form,
            "sso_path": sso_path,
            "callback": callback,
            "next_provider_id": sso.provider_id_for(organisation),
        },
        status=422 if form.errors else 200,
    )


def sso_start(request: HttpRequest) -> HttpResponse:
    """Sign in with your organisation: the address's domain finds it. The same page
    whether or not a domain has single sign-on, apart from the button itself."""
    form = SsoStartForm(request.POST or None)
    provider = None
    if request.method == "POST" and form.is_valid():
        domain = form.cleaned_data["email"].rsplit("@", 1)[-1].lower()
        for organisation in Organisation.objects.filter(
            sso_app__isnull=False, sso_domains__icontains=domain
        ).select_related("sso_app"):
            if domain in organisation.sso_domain_list and organisation.sso_app is not None:
                provider = (organisation, organisation.sso_app.provider_id)
                break
        if provider is None:
            form.add_error(
                "email",
                "No single sign-on is set up for this address. Sign in with your email and "
                "password, or ask your programme admins for your organisation's sign-in link.",
            )
    return render(request, "accounts/sso_start.html", {"form": form, "provider": provider})


@login_required
def invitation_detail(request: AuthedRequest, pk: str) -> HttpResponse:
    invitation = invitations.invitation_get_for(user=request.user, pk=pk)
    return render(request, "accounts/invitation.html", {"invitation": invitation})


@login_required
@require_POST
def invitation_answer(request: AuthedRequest, pk: str) -> HttpResponse:
    invitation = invitations.invitation_get_for(user=request.user, pk=pk)
    accept = request.POST.get("answer") == "accept"
    done = run_service_or_flash(
        request,
        lambda: (
            invitations.invitation_accept(actor=request.user, invitation=invitation)
            if accept
            else invitations.invitation_decline(actor=request.user, invitation=invitation) or True
        ),
    )
    if done is not None:
        messages.success(
            request,
            f"You joined {invitation.organisation}."
            if accept
            else f"You declined. {invitation.organisation} sees nothing of yours.",
        )
        return redirect("home")
    return redirect("invitation_detail", pk=invitation.pk)
