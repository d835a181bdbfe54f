from __future__ import annotations

import re

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse

from tandem.accounts import services
from tandem.accounts.models import Membership, User


def test_programme_admin_adds_a_person_who_then_chooses_a_password(
    programme_admin, organisation, django_capture_on_commit_callbacks
):
    client = Client()
    client.force_login(programme_admin)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("people", args=[organisation.slug]),
            {"full_name": "Nadia New", "email": "Nadia@Example.org", "role": "member"},
        )
    assert response.status_code == 302
    user = User.objects.get(email="nadia@example.org")
    assert not user.has_usable_password()
    assert Membership.objects.filter(user=user, organisation=organisation).exists()
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["nadia@example.org"]
    link = re.search(r"http://testserver(/password/set/\S+)", mail.outbox[0].body).group(1)
    newcomer = Client()
    page = newcomer.get(link, follow=True)
    assert "Choose your password" in page.content.decode()
    newcomer.post(
        page.redirect_chain[-1][0],
        {
            "new_password1": "a-long-unusual-passphrase",
            "new_password2": "a-long-unusual-passphrase",
        },
    )
    assert newcomer.login(username="nadia@example.org", password="a-long-unusual-passphrase")


def test_adding_someone_twice_says_so(programme_admin, organisation, coach):
    with pytest.raises(ValidationError, match="already a member"):
        services.membership_add(
            actor=programme_admin,
            organisation=organisation,
            email=coach.email,
            full_name="",
            role="member",
            base_url="http://x",
        )


def test_a_new_person_needs_a_name_and_nothing_is_stored_without(programme_admin, organisation):
    client = Client()
    client.force_login(programme_admin)
    response = client.post(
        reverse("people", args=[organisation.slug]), {"email": "x@example.org", "role": "member"}
    )
    assert response.status_code == 422
    assert "Give the person" in response.content.decode()
    assert not User.objects.filter(email="x@example.org").exists()


def test_members_cannot_manage_people(coach, organisation):
    with pytest.raises(PermissionDenied):
        services.membership_add(
            actor=coach,
            organisation=organisation,
            email="y@example.org",
            full_name="Y",
            role="member",
            base_url="http://x",
        )


def test_the_last_programme_admin_cannot_step_down(programme_admin, organisation):
    membership = Membership.objects.get(user=programme_admin, organisation=organisation)
    with pytest.raises(ValidationError, match="at least one programme admin"):
        services.membership_set_role(actor=programme_admin, membership=membership, role="member")


def test_people_page_lists_members_without_a_query_per_person(
    programme_admin, organisation, coach, coachee, django_assert_max_num_queries
):
    client = Client()
    client.force_login(programme_admin)
    # Session, user, organisation, memberships (policy), counts, the page, needs-a-new-coach,
    # programmes, invitations waiting, the bell: 10 whatever the number of people.
    with django_assert_max_num_queries(10):
        page = client.get(reverse("people", args=[organisation.slug])).content.decode()
    assert coach.email in page and coachee.email in page
