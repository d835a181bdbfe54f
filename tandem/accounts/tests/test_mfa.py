"""Two-factor authentication: an authenticator app (TOTP) with recovery codes, passkeys,
required by an organisation for its members, and by Django admin for staff."""

from __future__ import annotations

import re
import time

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import (
    TOTP,
    format_hotp_value,
    generate_totp_secret,
    hotp_value,
)
from django.test import Client
from django.urls import reverse

from conftest import PASSWORD, UserFactory


def code_now(secret: str) -> str:
    """What the person's authenticator app shows now: the same computation allauth checks."""
    return format_hotp_value(hotp_value(secret, int(time.time()) // 30))


def sign_in(client: Client, email: str, password: str = PASSWORD):
    return client.post(reverse("account_login"), {"login": email, "password": password})


def signed_in(client: Client) -> bool:
    return "_auth_user_id" in client.session


def with_totp(user) -> str:
    secret = generate_totp_secret()
    TOTP.activate(user, secret)
    RecoveryCodes.activate(user)
    return secret


@pytest.mark.django_db
def test_signing_in_with_an_authenticator_app_asks_for_its_code(coach):
    secret = with_totp(coach)
    client = Client()
    response = sign_in(client, coach.email)
    assert response["Location"] == reverse("mfa_authenticate")
    assert not signed_in(client)  # the password alone is not enough
    wrong = client.post(reverse("mfa_authenticate"), {"code": "000000"})
    assert "Incorrect code" in wrong.content.decode()
    assert not signed_in(client)
    done = client.post(reverse("mfa_authenticate"), {"code": code_now(secret)})
    assert done.status_code == 302
    assert signed_in(client)


@pytest.mark.django_db
def test_a_recovery_code_signs_in_once(coach):
    with_totp(coach)
    codes = RecoveryCodes(Authenticator.objects.get(user=coach, type="recovery_codes"))
    code = codes.get_unused_codes()[0]
    first = Client()
    sign_in(first, coach.email)
    first.post(reverse("mfa_authenticate"), {"code": code})
    assert signed_in(first)
    second = Client()
    sign_in(second, coach.email)
    second.post(reverse("mfa_authenticate"), {"code": code})
    assert not signed_in(second)


@pytest.mark.django_db
def test_a_person_sets_up_an_authenticator_app_from_their_settings(coach):
    client = Client()
    sign_in(client, coach.email)
    asks = client.get(reverse("mfa_activate_totp"))  # the password again first
    assert asks["Location"].startswith(reverse("account_reauthenticate"))
    client.post(reverse("account_reauthenticate"), {"password": PASSWORD})
    page = client.get(reverse("mfa_activate_totp"))
    secret = re.search(r'id="authenticator_secret"[^>]*value="([A-Z2-7=]+)"', page.content.decode())
    assert secret, "the secret is shown beside the QR code"
    client.post(reverse("mfa_activate_totp"), {"code": code_now(secret.group(1))})
    assert Authenticator.objects.filter(user=coach, type="totp").exists()
    assert reverse("mfa_index") in client.get(reverse("account_settings")).content.decode()


@pytest.mark.django_db
def test_passkeys_can_be_added_from_the_two_factor_page(coach):
    client = Client()
    sign_in(client, coach.email)
    client.post(reverse("account_reauthenticate"), {"password": PASSWORD})
    page = client.get(reverse("mfa_index")).content.decode()
    assert reverse("mfa_add_webauthn") in page
    assert client.get(reverse("mfa_add_webauthn")).status_code == 200


@pytest.mark.django_db
def test_an_organisation_requiring_mfa_sends_members_without_it_to_set_it_up(
    organisation, coach, programme_admin
):
    admin = Client()
    admin.force_login(programme_admin)
    admin.post(
        reverse("organisation_settings", args=[organisation.slug]),
        {"require_mfa": "on", "server_url": "", "client_id": "", "secret": "", "domains": ""},
    )
    organisation.refresh_from_db()
    assert organisation.require_mfa

    client = Client()
    sign_in(client, coach.email)
    assert signed_in(client)
    home = client.get(reverse("home"))
    assert home.status_code == 302
    assert home["Location"] == reverse("mfa_index")
    assert client.get(reverse("mfa_index")).status_code == 200  # the way out stays open

    secret = generate_totp_secret()
    TOTP.activate(coach, secret)
    assert client.get(reverse("home")).status_code == 200


@pytest.mark.django_db
def test_members_of_other_organisations_are_not_asked(organisation, outsider):
    organisation.require_mfa = True
    organisation.save()
    client = Client()
    sign_in(client, outsider.email)
    assert client.get(reverse("home")).status_code == 200


@pytest.mark.django_db
def test_only_the_organisations_programme_admins_change_its_sign_in_rules(organisation, coach):
    client = Client()
    client.force_login(coach)
    response = client.post(
        reverse("organisation_settings", args=[organisation.slug]), {"require_mfa": "on"}
    )
    assert response.status_code == 403
    organisation.refresh_from_db()
    assert not organisation.require_mfa


@pytest.mark.django_db
def test_django_admin_requires_mfa_for_staff():
    staff = UserFactory.create(is_staff=True, is_superuser=True)
    client = Client()
    client.force_login(staff)
    response = client.get("/admin/")
    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_index")
    with_totp(staff)
    assert client.get("/admin/").status_code == 200


@pytest.mark.django_db
def test_django_admin_signs_in_through_the_same_page_and_its_second_step():
    response = Client().get("/admin/login/?next=/admin/")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
