"""What is cached between requests shows a change at once: the memberships every request
reads (who runs which organisation, who was deactivated) are kept in the cache, and a change
made on one page is what the very next request sees."""

from __future__ import annotations

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from conftest import OrganisationFactory, member
from tandem.accounts.models import Membership


def _signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_memberships_are_read_once_then_from_the_cache(engagement, coach):
    client = _signed_in(coach)
    url = reverse("engagement_detail", args=[engagement.pk])
    client.get(url)
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    assert not [q for q in ctx.captured_queries if "accounts_membership" in q["sql"]]


def test_a_deactivated_coach_loses_the_engagement_on_the_next_request(
    engagement, coach, programme_admin, organisation
):
    member(coach, OrganisationFactory.create())  # still works elsewhere: stays signed in
    coach_client = _signed_in(coach)
    url = reverse("engagement_detail", args=[engagement.pk])
    assert coach_client.get(url).status_code == 200  # memberships now cached
    membership = Membership.objects.get(user=coach, organisation=organisation)
    admin = _signed_in(programme_admin)
    admin.post(reverse("member_deactivate", args=[organisation.slug, membership.pk]))
    membership.refresh_from_db()
    assert not membership.is_active
    assert coach_client.get(url).status_code == 404
    page = coach_client.get(reverse("home")).content.decode()
    assert engagement.display_title not in page


def test_a_new_programme_admin_sees_the_organisation_at_once(
    engagement, outsider, programme_admin, organisation
):
    newcomer = _signed_in(outsider)
    url = reverse("engagement_detail", args=[engagement.pk])
    assert newcomer.get(url).status_code == 404  # "no part in it" is cached too
    member(outsider, organisation)
    membership = Membership.objects.get(user=outsider, organisation=organisation)
    admin = _signed_in(programme_admin)
    admin.post(
        reverse("member_role", args=[organisation.slug, membership.pk]),
        {"role": Membership.Role.PROGRAMME_ADMIN},
    )
    assert newcomer.get(url).status_code == 200
    assert engagement.coachee.full_name in newcomer.get(reverse("home")).content.decode()
