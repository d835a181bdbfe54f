"""The policy ignores inactive memberships: a person deactivated in an organisation has no
part in any of its engagements (whatever their seat), nor runs its programmes — while
keeping what they have elsewhere."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from conftest import OrganisationFactory, UserFactory, member, programme_of
from tandem.accounts.models import Membership, User
from tandem.core import policy
from tandem.core.tests.test_access_matrix import EXPECTED, _url
from tandem.core.tests.world import build_world
from tandem.engagements.models import Engagement


def deactivate(user: User, organisation) -> None:
    Membership.objects.filter(user=user, organisation=organisation).update(
        is_active=False, deactivated_at=timezone.now()
    )
    policy.policy_cache_clear(user)


def fresh(user: User) -> User:
    return User.objects.get(pk=user.pk)  # nothing cached from before


@pytest.fixture
def elsewhere(coach, coachee, sponsor, programme_admin):
    """A second organisation where everyone of the cast has an engagement of their own."""
    other = OrganisationFactory.create(name="Elsewhere")
    for user in (coach, coachee, sponsor):
        member(user, other)
    member(programme_admin, other, Membership.Role.PROGRAMME_ADMIN)
    return Engagement.objects.create(
        organisation=other,
        programme=programme_of(other),
        coach=coach,
        coachee=coachee,
        sponsor=sponsor,
        status=Engagement.Status.ACTIVE,
        start_date=timezone.localdate() - dt.timedelta(days=10),
    )


def test_admin_organisation_ids_ignore_an_inactive_admin_membership(
    programme_admin, organisation, elsewhere
):
    assert organisation.pk in policy.admin_organisation_ids(fresh(programme_admin))
    deactivate(programme_admin, organisation)
    admin = fresh(programme_admin)
    assert policy.admin_organisation_ids(admin) == {elsewhere.organisation_id}
    assert policy.inactive_organisation_ids(admin) == {organisation.pk}


@pytest.mark.parametrize("who", ["coach", "coachee", "sponsor", "programme_admin"])
def test_a_deactivated_participant_has_no_role_here_and_keeps_the_other(
    who, request, engagement, elsewhere, organisation
):
    user = request.getfixturevalue(who)
    assert policy.engagement_roles(fresh(user), engagement)
    deactivate(user, organisation)
    user = fresh(user)
    assert policy.engagement_roles(user, engagement) == frozenset()
    assert not policy.engagement_can(user, policy.Perm.VIEW_ENGAGEMENT, engagement)
    assert policy.engagement_roles(user, elsewhere)
    assert list(policy.engagements_visible_to(user)) == [elsewhere]


def test_the_policy_reads_memberships_once_per_request(coach, engagement, elsewhere):
    user = fresh(coach)
    with CaptureQueriesContext(connection) as queries:
        policy.engagement_roles(user, engagement)
        policy.engagement_roles(user, elsewhere)
        policy.admin_organisation_ids(user)
        visible = policy.engagements_visible_to(user)
    assert len(queries) == 1  # the memberships; the queryset is not run yet
    with CaptureQueriesContext(connection) as queries:
        assert set(visible) == {engagement, elsewhere}
    assert len(queries) == 1


@pytest.mark.parametrize("who", ["coach", "coachee", "sponsor", "programme_admin"])
def test_every_route_of_the_organisation_is_hidden_from_a_deactivated_participant(
    who, request, engagement, elsewhere, organisation
):
    if who == "programme_admin":
        member(UserFactory.create(), organisation, Membership.Role.PROGRAMME_ADMIN)
    world = build_world(engagement)
    user = request.getfixturevalue(who)
    deactivate(user, organisation)
    client = Client()
    client.force_login(user)  # still signed in: active in the other organisation
    checked = 0
    for name, (method, obj_key, _outcomes) in EXPECTED.items():
        if obj_key is None or obj_key in {"token", "join_invitation", "export"}:
            continue  # their own pages (home, settings, API tokens, invitations), email links
        url = _url(name, obj_key, world)
        response = client.get(url) if method == "GET" else client.post(url, {})
        assert response.status_code == 404, (name, response.status_code)
        checked += 1
    assert checked > 40
