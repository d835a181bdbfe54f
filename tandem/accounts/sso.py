"""Single sign-on per organisation (OpenID Connect through allauth).

Each organisation that uses SSO has one allauth ``SocialApp`` (provider ``openid_connect``,
its own ``provider_id``), set up by its programme admins on the organisation's settings
page. Who may come in through it:

* someone already connected to this provider: while still an active member;
* someone with an account already: only if they belong to this organisation and to no
  other one — a provider run by one organisation must never open an account that another
  organisation's people use (its admins could make it claim any address);
* someone new: only with an address at a domain the organisation's admins allowed; they
  join the organisation as a member.
"""

from __future__ import annotations

from allauth.account.models import EmailAddress
from allauth.socialaccount.models import SocialApp, SocialLogin
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction

from tandem.accounts.models import Membership, Organisation, User

PROVIDER = "openid_connect"


class SsoRefused(Exception):
    """The provider vouched for someone who may not come in this way; says why."""


def provider_id_for(organisation: Organisation) -> str:
    return f"org-{organisation.slug}"


def organisation_for(sociallogin: SocialLogin) -> Organisation:
    app = sociallogin.provider.app
    organisation = Organisation.objects.filter(sso_app__provider_id=app.provider_id).first()
    if organisation is None:
        raise SsoRefused("This single sign-on belongs to no organisation here.")
    return organisation


def sign_in_check(sociallogin: SocialLogin, request: object | None = None) -> None:
    """Raise SsoRefused unless the person may sign in (see the module's docstring)."""
    organisation = organisation_for(sociallogin)
    sociallogin.state["tandem_organisation"] = str(organisation.pk)
    if sociallogin.is_existing:
        user = sociallogin.user
        if not Membership.objects.filter(
            user=user, organisation=organisation, is_active=True
        ).exists():
            raise SsoRefused(
                f"You are no longer a member of {organisation}: sign in another way, or ask "
                "its programme admins."
            )
        return
    email = User.objects.normalize_email((sociallogin.user.email or "").strip()).lower()
    if not email:
        raise SsoRefused(
            f"{organisation}'s sign-in service did not give an email address: ask its admins "
            "to release the email claim to Tandem."
        )
    existing = User.objects.filter(email=email).first()
    if existing is not None:
        memberships = list(Membership.objects.filter(user=existing))
        own = [m for m in memberships if m.organisation_id == organisation.pk and m.is_active]
        if own and len(memberships) == 1 and not existing.is_staff:
            sociallogin.connect(request, existing)
            return
        raise SsoRefused(
            f"Single sign-on through {organisation} cannot open this account. Sign in with "
            "your email and password instead."
        )
    domain = email.rsplit("@", 1)[-1]
    if domain not in organisation.sso_domain_list:
        raise SsoRefused(
            f"{organisation}'s programme admins have not let {domain} addresses join through "
            "single sign-on. Ask them to add you."
        )


@transaction.atomic
def joined_through_sso(sociallogin: SocialLogin, user: User) -> Membership:
    """Someone new came in through their organisation's provider (with an allowed domain):
    they are a member now, and their address counts as verified by that provider."""
    organisation = organisation_for(sociallogin)
    if user.email.rsplit("@", 1)[-1] not in organisation.sso_domain_list:
        raise ValidationError("This address may not join through single sign-on.")
    EmailAddress.objects.update_or_create(
        user=user, email=user.email, defaults={"verified": True, "primary": True}
    )
    membership, _ = Membership.objects.get_or_create(user=user, organisation=organisation)
    return membership


@transaction.atomic
def sso_configure(
    *,
    organisation: Organisation,
    server_url: str,
    client_id: str,
    secret: str,
    domains: str,
) -> Organisation:
    """Set (or with an empty server address, turn off) the organisation's OIDC provider.
    An empty secret keeps the one stored."""
    server_url = server_url.strip()
    if not server_url:
        if organisation.sso_app is not None:
            organisation.sso_app.delete()
        organisation.sso_app = None
        organisation.sso_domains = ""
        organisation.save(update_fields=["sso_app", "sso_domains", "updated_at"])
        return organisation
    errors: dict[str, str] = {}
    if not server_url.startswith("https://") and not (settings.DEBUG or settings.TESTING):
        errors["server_url"] = "The provider's address must start with https://."
    if not client_id.strip():
        errors["client_id"] = "Give the client ID your provider issued for Tandem."
    app = organisation.sso_app
    if not secret and app is None:
        errors["secret"] = "Give the client secret your provider issued for Tandem."  # noqa: S105 - a message
    domains_clean = ", ".join(
        d.strip().lower().lstrip("@") for d in domains.replace(";", ",").split(",") if d.strip()
    )
    if any("." not in d or " " in d for d in domains_clean.split(", ") if d):
        errors["domains"] = "List domains like example.org, separated by commas."
    if errors:
        raise ValidationError(errors)
    if app is None:
        app = SocialApp(provider=PROVIDER, provider_id=provider_id_for(organisation))
    app.name = f"{organisation.name}"[:40]
    app.client_id = client_id.strip()
    if secret:
        app.secret = secret
    app.settings = {"server_url": server_url}
    app.save()
    organisation.sso_app = app
    organisation.sso_domains = domains_clean
    organisation.save(update_fields=["sso_app", "sso_domains", "updated_at"])
    return organisation
