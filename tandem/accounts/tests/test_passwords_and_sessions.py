"""Passwords of at least 12 characters, not common, not like the person's own details;
sessions that end after idle time and, on a password change, everywhere else."""

from __future__ import annotations

import datetime as dt
import re

import pytest
import time_machine
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from conftest import PASSWORD


def _invited_set_password_page(programme_admin, organisation, capture):
    admin = Client()
    admin.force_login(programme_admin)
    with capture(execute=True):
        admin.post(
            reverse("people", args=[organisation.slug]),
            {"full_name": "Nadia Newcomer", "email": "nadia@example.org", "role": "member"},
        )
    link = re.search(r"http://testserver(/password/set/\S+)", mail.outbox[-1].body).group(1)
    client = Client()
    page = client.get(link, follow=True)
    return client, page.redirect_chain[-1][0]


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("Short-pw-11", "at least 12 characters"),  # 11 characters
        ("password1234", "too common"),
        ("nadianewcomer", "too similar"),
    ],
)
def test_a_weak_password_is_refused_with_the_reason(
    password, message, programme_admin, organisation, django_capture_on_commit_callbacks
):
    client, form_url = _invited_set_password_page(
        programme_admin, organisation, django_capture_on_commit_callbacks
    )
    page = client.post(form_url, {"new_password1": password, "new_password2": password})
    assert message in page.content.decode()
    assert not client.login(username="nadia@example.org", password=password)


def test_choosing_a_password_from_the_invitation_lets_them_sign_in_on_the_sign_in_page(
    programme_admin, organisation, django_capture_on_commit_callbacks
):
    client, form_url = _invited_set_password_page(
        programme_admin, organisation, django_capture_on_commit_callbacks
    )
    good = "a-long-unusual-passphrase"
    client.post(form_url, {"new_password1": good, "new_password2": good})
    # The link reached the address: it counts as verified, no further email needed.
    fresh = Client()
    response = fresh.post(
        reverse("account_login"), {"login": "nadia@example.org", "password": good}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("home")
    assert "_auth_user_id" in fresh.session


@pytest.mark.django_db
def test_a_session_ends_after_two_idle_hours_but_not_while_in_use(coach):
    start = timezone.now()
    with time_machine.travel(start, tick=False) as clock:
        client = Client()
        client.post(reverse("account_login"), {"login": coach.email, "password": PASSWORD})
        clock.move_to(start + dt.timedelta(hours=1, minutes=50))
        assert client.get(reverse("home")).status_code == 200  # in use: moves the expiry on
        clock.move_to(start + dt.timedelta(hours=3, minutes=30))
        assert client.get(reverse("home")).status_code == 200  # 1 h 40 min idle
        clock.move_to(start + dt.timedelta(hours=5, minutes=31))
        response = client.get(reverse("home"))  # 2 h 1 min idle
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("account_login"))


@pytest.mark.django_db
def test_changing_the_password_signs_out_every_other_session(coach):
    here, elsewhere = Client(), Client()
    for client in (here, elsewhere):
        client.post(reverse("account_login"), {"login": coach.email, "password": PASSWORD})
        assert client.get(reverse("home")).status_code == 200
    new = "another-long-passphrase-9"
    response = here.post(
        reverse("account_change_password"),
        {"oldpassword": PASSWORD, "password1": new, "password2": new},
    )
    assert response.status_code == 302
    assert here.get(reverse("home")).status_code == 200  # this one stays
    gone = elsewhere.get(reverse("home"))
    assert gone.status_code == 302
    assert gone["Location"].startswith(reverse("account_login"))


@pytest.mark.django_db
def test_a_new_address_counts_only_once_its_owner_follows_the_emailed_link(settings):
    settings.OPEN_SIGNUP = True
    details = {
        "full_name": "Ines Independent",
        "email": "ines@coaching.example",
        "password1": "a-long-unusual-passphrase",
        "password2": "a-long-unusual-passphrase",
        "practice_name": "Ines Coaching",
    }
    Client().post(reverse("sign_up"), details)
    (email,) = [m for m in mail.outbox if m.to == ["ines@coaching.example"]]
    link = re.search(r"http://testserver(/accounts/confirm-email/\S+)", email.body).group(1)
    # Signing in again before following it: asked to verify, not let in.
    client = Client()
    client.post(
        reverse("account_login"),
        {"login": "ines@coaching.example", "password": "a-long-unusual-passphrase"},
    )
    assert "_auth_user_id" not in client.session
    Client().post(link)
    client.post(
        reverse("account_login"),
        {"login": "ines@coaching.example", "password": "a-long-unusual-passphrase"},
    )
    assert "_auth_user_id" in client.session


@pytest.mark.django_db
def test_an_address_an_admin_corrected_signs_in_only_once_verified(
    programme_admin, organisation, coach
):
    from allauth.account.models import EmailAddress

    from tandem.accounts import services
    from tandem.accounts.models import Membership

    coach.email_bounced_at = timezone.now()
    coach.save()
    old = coach.email
    services.person_update(
        actor=programme_admin,
        membership=Membership.objects.get(user=coach, organisation=organisation),
        full_name=coach.full_name,
        email="casey.new@example.org",
        base_url="http://testserver/",
    )
    with_old = Client()
    with_old.post(reverse("account_login"), {"login": old, "password": PASSWORD})
    assert "_auth_user_id" not in with_old.session
    with_new = Client()
    with_new.post(
        reverse("account_login"), {"login": "casey.new@example.org", "password": PASSWORD}
    )
    assert "_auth_user_id" not in with_new.session  # a link goes to the new address first
    assert not EmailAddress.objects.get(user=coach).verified
