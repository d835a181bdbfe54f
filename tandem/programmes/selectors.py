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


def programme_get_for_starting(*, user: User, pk: UUID | str) -> Programme:
    """For starting an engagement: its admins, and coaches of its pool where it lets them."""
    from tandem.engagements.services import may_start_in

    programme = (
        Programme.objects.filter(
            pk=pk,
            organisation__memberships__user=user,
            organisation__memberships__is_active=True,
        )
        .select_related("organisation")
        .first()
    )
    if programme is None:
        raise Http404("No such programme.")
    if programme.archived_at is not None:
        raise PermissionDenied(f"{programme} is archived: it takes no new engagements.")
    if not may_start_in(user, programme):
        raise PermissionDenied(
            "Only the programme admins start engagements in this programme"
            + (
                "."
                if programme.coaches_can_start
                else ", and it does not let its coaches start their own."
            )
        )
    return programme


def programmes_startable_by(*, user: User) -> QuerySet[Programme]:
    """Programmes where the person, as a coach of the pool, may start their own engagements
    (admins start them from the programme page)."""
    return (
        Programme.objects.filter(
            coaches_can_start=True,
            archived_at__isnull=True,
            members__user=user,
            members__role="coach",
            organisation__memberships__user=user,
            organisation__memberships__is_active=True,
        )
        .exclude(organisation_id__in=admin_organisation_ids(user))
        .select_related("organisation")
        .distinct()
    )
