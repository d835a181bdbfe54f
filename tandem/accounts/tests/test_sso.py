"""Single sign-on per organisation, against a real OpenID Connect provider started here
(``oidc_provider.OidcProvider``): allauth talks to it over HTTP, as to Entra ID or Okta."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
import requests
from django.test import Client
from django.urls import reverse

from tandem.accounts.models import Membership, User
from tandem.accounts.tests.oidc_provider import OidcProvider

SECRET = "provider-issued-secret-123"


@pytest.fixture
def provider():
    with OidcProvider(client_id="tandem-at-contoso", client_secret=SECRET) as running:
        yield running


def configure(organisation, programme_admin, provider, domains="contoso.example", secret=SECRET):
    admin = Client()
    admin.force_login(programme_admin)
    response = admin.post(
        reverse("organisation_settings", args=[organisation.slug]),
        {
            "server_url": provider.issuer,
            "client_id": provider.client_id,
            "secret": secret,
            "domains": domains,
        },
    )
    assert response.status_code == 302, response.content.decode()
    organisation.refresh_from_db()
    return organisation.sso_app.provider_id


def sso_sign_in(client: Client, provider_id: str, provider: OidcProvider):
    """Press the organisation's sign-in button, sign in at the provider, come back."""
    start = client.post(
        reverse("openid_connect_login", kwargs={"provider_id": provider_id}), {"process": "login"}
    )
    assert start.status_code == 302
    assert start["Location"].startswith(f"{provider.issuer}/authorize?")
    at_provider = requests.get(start["Location"], allow_redirects=False, timeout=10)
    assert at_provider.status_code == 302, at_provider.text
    back = urlsplit(at_provider.headers["Location"])
    return client.get(f"{back.path}?{back.query}", follow=True)


def signed_in_as(client: Client) -> User | None:
    pk = client.session.get("_auth_user_id")
    return User.objects.get(pk=pk) if pk else None


@pytest.mark.django_db
def test_someone_new_at_an_allowed_domain_lands_in_the_organisation(
    organisation, programme_admin, provider
):
    provider_id = configure(organisation, programme_admin, provider)
    provider.person = {
        "sub": "entra-0001",
        "email": "nia@contoso.example",
        "email_verified": True,
        "name": "Nia Newhire",
    }
    client = Client()
    page = sso_sign_in(client, provider_id, provider)
    user = signed_in_as(client)
    assert user is not None and user.email == "nia@contoso.example"
    assert user.full_name == "Nia Newhire"
    assert Membership.objects.filter(user=user, organisation=organisation, is_active=True).exists()
    assert page.redirect_chain[-1][0] == reverse("home")
    assert provider.token_requests == 1  # the code was really exchanged with the provider
    # And the next time, the same identity signs straight in.
    again = Client()
    sso_sign_in(again, provider_id, provider)
    assert signed_in_as(again) == user
    assert User.objects.filter(email="nia@contoso.example").count() == 1


@pytest.mark.django_db
def test_a_domain_the_admins_did_not_allow_joins_nobody(organisation, programme_admin, provider):
    provider_id = configure(organisation, programme_admin, provider, domains="contoso.example")
    provider.person = {"sub": "x-1", "email": "eve@elsewhere.example", "email_verified": True}
    client = Client()
    page = sso_sign_in(client, provider_id, provider)
    assert signed_in_as(client) is None
    assert not User.objects.filter(email="eve@elsewhere.example").exists()
    assert "have not let elsewhere.example addresses join" in page.content.decode()


@pytest.mark.django_db
def test_a_provider_cannot_open_an_account_that_belongs_to_another_organisation(
    organisation, programme_admin, outsider, provider
):
    # The admin allows the outsider's domain and makes their provider claim the address.
    domain = outsider.email.split("@")[1]
    provider_id = configure(organisation, programme_admin, provider, domains=domain)
    provider.person = {"sub": "evil-1", "email": outsider.email, "email_verified": True}
    client = Client()
    page = sso_sign_in(client, provider_id, provider)
    assert signed_in_as(client) is None
    assert "cannot open this account" in page.content.decode()
    assert not Membership.objects.filter(user=outsider, organisation=organisation).exists()


@pytest.mark.django_db
def test_a_member_of_only_this_organisation_signs_in_to_their_own_account(
    organisation, programme_admin, coach, provider
):
    provider_id = configure(organisation, programme_admin, provider, domains="")
    provider.person = {"sub": "entra-coach", "email": coach.email, "email_verified": True}
    client = Client()
    sso_sign_in(client, provider_id, provider)
    assert signed_in_as(client) == coach
    assert User.objects.filter(email=coach.email).count() == 1


@pytest.mark.django_db
def test_a_wrong_client_secret_signs_nobody_in(organisation, programme_admin, coach, provider):
    provider_id = configure(organisation, programme_admin, provider, secret="not-the-secret")
    provider.person = {"sub": "entra-coach", "email": coach.email, "email_verified": True}
    client = Client()
    sso_sign_in(client, provider_id, provider)
    assert signed_in_as(client) is None


@pytest.mark.django_db
def test_the_sign_in_page_finds_the_organisation_by_the_address(
    organisation, programme_admin, provider
):
    provider_id = configure(organisation, programme_admin, provider)
    client = Client()
    page = client.post(reverse("sso_start"), {"email": "nia@contoso.example"}).content.decode()
    assert reverse("openid_connect_login", kwargs={"provider_id": provider_id}) in page
    other = client.post(reverse("sso_start"), {"email": "x@nowhere.example"}).content.decode()
    assert "No single sign-on is set up for this address" in other


@pytest.mark.django_db
def test_the_secret_is_never_shown_again(organisation, programme_admin, provider):
    configure(organisation, programme_admin, provider)
    admin = Client()
    admin.force_login(programme_admin)
    page = admin.get(reverse("organisation_settings", args=[organisation.slug])).content.decode()
    assert provider.client_id in page
    assert SECRET not in page
