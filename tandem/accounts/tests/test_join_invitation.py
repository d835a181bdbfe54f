"""Adding someone who already has an account: they are asked, and join only if they accept;
the admin's answer is the same as for an address new to Tandem."""

from __future__ import annotations

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from conftest import OrganisationFactory, UserFactory, member
from tandem.accounts.models import Membership, OrganisationInvitation


@pytest.fixture
def priya(db):
    """Priya of Northwind, with her own account."""
    northwind = OrganisationFactory.create(name="Northwind")
    return member(
        UserFactory.create(full_name="Priya Canary-Surname", email="priya@northwind.example"),
        northwind,
    )


def _add(client: Client, organisation, email: str, name: str, capture):
    with capture(execute=True):
        return client.post(
            reverse("people", args=[organisation.slug]),
            {"full_name": name, "email": email, "role": "member"},
            follow=True,
        )


def _flash(page) -> str:
    return next(str(m) for m in page.context["messages"])


def test_the_admin_cannot_tell_an_existing_account_from_a_new_address(
    programme_admin, organisation, priya, django_capture_on_commit_callbacks
):
    admin = Client()
    admin.force_login(programme_admin)
    known = _add(admin, organisation, priya.email, "Priya P", django_capture_on_commit_callbacks)
    new = _add(
        admin,
        organisation,
        "nobody@northwind.example",
        "Nora N",
        django_capture_on_commit_callbacks,
    )
    assert _flash(known) == f"Priya P is invited: an email went to {priya.email} with the way in."
    assert _flash(new) == (
        "Nora N is invited: an email went to nobody@northwind.example with the way in."
    )
    # Nothing of Priya's account shows: not her own name, not that she is elsewhere.
    assert "Canary-Surname" not in known.content.decode()
    assert "Northwind" not in known.content.decode()
    # She is not a member: only asked.
    assert not Membership.objects.filter(user=priya, organisation=organisation).exists()
    assert OrganisationInvitation.objects.filter(user=priya, state="pending").exists()


def test_a_name_is_needed_for_an_existing_account_too(programme_admin, organisation, priya):
    admin = Client()
    admin.force_login(programme_admin)
    for email in (priya.email, "nobody@northwind.example"):
        page = admin.post(
            reverse("people", args=[organisation.slug]), {"email": email, "role": "member"}
        )
        assert page.status_code == 422
        assert "Give the person&#x27;s name" in page.content.decode()
    assert not OrganisationInvitation.objects.exists()


def test_the_person_is_asked_in_the_bell_and_by_email_and_joins_on_accepting(
    programme_admin, organisation, priya, django_capture_on_commit_callbacks
):
    admin = Client()
    admin.force_login(programme_admin)
    mail.outbox.clear()
    _add(admin, organisation, priya.email, "Priya P", django_capture_on_commit_callbacks)
    (email,) = mail.outbox
    assert email.to == [priya.email]
    assert organisation.name in email.subject
    invitation = OrganisationInvitation.objects.get(user=priya)
    assert reverse("invitation_detail", args=[invitation.pk]) in email.body

    client = Client()
    client.force_login(priya)
    assert organisation.name in client.get(reverse("inbox")).content.decode()
    page = client.get(reverse("invitation_detail", args=[invitation.pk])).content.decode()
    assert "Accept and join" in page
    client.post(reverse("invitation_answer", args=[invitation.pk]), {"answer": "accept"})
    assert Membership.objects.filter(user=priya, organisation=organisation).exists()
    priya.refresh_from_db()
    assert priya.full_name == "Priya Canary-Surname"  # her own name stays


def test_declining_leaves_the_organisation_without_her(
    programme_admin, organisation, priya, django_capture_on_commit_callbacks
):
    admin = Client()
    admin.force_login(programme_admin)
    _add(admin, organisation, priya.email, "Priya P", django_capture_on_commit_callbacks)
    invitation = OrganisationInvitation.objects.get(user=priya)
    client = Client()
    client.force_login(priya)
    client.post(reverse("invitation_answer", args=[invitation.pk]), {"answer": "decline"})
    assert not Membership.objects.filter(user=priya, organisation=organisation).exists()
    invitation.refresh_from_db()
    assert invitation.state == "declined"
    # Answering twice changes nothing.
    client.post(reverse("invitation_answer", args=[invitation.pk]), {"answer": "accept"})
    assert not Membership.objects.filter(user=priya, organisation=organisation).exists()


def test_nobody_else_can_answer_her_invitation(
    programme_admin, organisation, priya, django_capture_on_commit_callbacks
):
    admin = Client()
    admin.force_login(programme_admin)
    _add(admin, organisation, priya.email, "Priya P", django_capture_on_commit_callbacks)
    invitation = OrganisationInvitation.objects.get(user=priya)
    response = admin.post(reverse("invitation_answer", args=[invitation.pk]), {"answer": "accept"})
    assert response.status_code == 404
    assert not Membership.objects.filter(user=priya, organisation=organisation).exists()
