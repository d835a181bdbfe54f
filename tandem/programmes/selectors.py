"""Permission-checked reads of programmes: their admins run them; everyone else in the
organisation gets 403, outsiders 404."""

from __future__ import annotations

from uuid import UUID

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404

from tandem.accounts.models import Programme, User
from tandem.core.policy import admin_organisation_ids


def programme_get_for(*, user: User, pk: UUID | str) -> Programme:
    """The programme if ``user`` belongs to its organisation, actively (else 404), and runs
    its programmes (else 403)."""
    programme = (
        Programme.objects.filter(
            pk=pk, organisation__memberships__user=user, organisation__memberships__is_active=True
        )
        .select_related("organisation")
        .first()
    )
    if programme is None:
        raise Http404("No such programme.")
    if programme.organisation_id not in admin_organisation_ids(user):
        raise PermissionDenied(
            f"Only the programme admins of {programme.organisation} run its programmes."
        )
    return programme


def programmes_run_by(*, user: User) -> QuerySet[Programme]:
    return Programme.objects.filter(
        organisation_id__in=admin_organisation_ids(user)
    ).select_related("organisation")
