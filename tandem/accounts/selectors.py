from __future__ import annotations

from uuid import UUID

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404

from tandem.accounts.models import Membership, Organisation, User
from tandem.core.policy import admin_organisation_ids


def organisation_get_for_admin(*, user: User, slug: str) -> Organisation:
    """404 unless the user belongs to the organisation; 403 unless they run its programmes."""
    organisation = Organisation.objects.filter(slug=slug, memberships__user=user).first()
    if organisation is None:
        raise Http404("No such organisation.")
    if organisation.pk not in admin_organisation_ids(user):
        raise PermissionDenied("Only programme admins manage the organisation's people.")
    return organisation


def members_of(*, organisation: Organisation) -> QuerySet[Membership]:
    return organisation.memberships.select_related("user").order_by("user__full_name")


def membership_get(*, organisation: Organisation, pk: UUID | str) -> Membership:
    membership = organisation.memberships.filter(pk=pk).select_related("user").first()
    if membership is None:
        raise Http404("No such member.")
    return membership
