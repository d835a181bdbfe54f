"""Asking someone who already has an account to join another organisation.

An admin who adds an address that already has a Tandem account elsewhere gets the same
answer as for a new address; the person is asked in Tandem (the bell, and an email) and
joins — with the programme places the admin chose — only if they accept. Until then the
organisation holds no membership, so its admins see nothing of them but the invitation.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from tandem.accounts.models import (
    CoachProfile,
    Membership,
    Organisation,
    OrganisationInvitation,
    Programme,
    ProgrammeMember,
    User,
)
from tandem.core.policy import policy_cache_clear

State = OrganisationInvitation.State


def invitation_ask(
    *,
    actor: User,
    organisation: Organisation,
    user: User,
    role: str = Membership.Role.MEMBER,
    name_given: str = "",
    places: list[dict[str, Any]] | None = None,
) -> OrganisationInvitation:
    """Ask ``user`` to join (inside the caller's transaction; the caller checked that
    ``actor`` administers the organisation). Asking again adds the new places to the
    invitation still waiting."""
    from tandem.notifications.kinds import Kind
    from tandem.notifications.services import notify

    invitation = (
        OrganisationInvitation.objects.select_for_update()
        .filter(organisation=organisation, user=user, state=State.PENDING)
        .first()
    )
    if invitation is None:
        invitation = OrganisationInvitation.objects.create(
            organisation=organisation,
            user=user,
            role=role,
            name_given=name_given.strip()[:150],
            places=list(places or []),
            invited_by=actor,
        )
    else:
        seen = {(p["programme"], p["role"]) for p in invitation.places}
        invitation.places += [p for p in places or [] if (p["programme"], p["role"]) not in seen]
        if role == Membership.Role.PROGRAMME_ADMIN:
            invitation.role = role
        invitation.save(update_fields=["places", "role", "updated_at"])
    notify(
        kind=Kind.JOIN_INVITATION,
        key=f"join:{invitation.pk}",
        recipient=user,
        about=invitation.pk,
    )
    return invitation


def invitation_get_for(*, user: User, pk: Any) -> OrganisationInvitation:
    """The invitation, for the person invited only (anyone else: 404)."""
    from django.http import Http404

    invitation = (
        OrganisationInvitation.objects.select_related("organisation", "invited_by")
        .filter(pk=pk, user=user)
        .first()
    )
    if invitation is None:
        raise Http404("No such invitation.")
    return invitation


def invitations_waiting(*, user: User) -> list[OrganisationInvitation]:
    return list(
        OrganisationInvitation.objects.filter(user=user, state=State.PENDING).select_related(
            "organisation", "invited_by"
        )
    )


@transaction.atomic
def invitation_accept(*, actor: User, invitation: OrganisationInvitation) -> Membership:
    """The person joins the organisation, and takes the programme places they were offered
    (those of programmes still open)."""
    invitation = _lock_own(actor, invitation)
    organisation = invitation.organisation
    membership = Membership.objects.filter(user=actor, organisation=organisation).first()
    if membership is None:
        membership = Membership.objects.create(
            user=actor, organisation=organisation, role=invitation.role
        )
    programmes = {
        p.pk: p
        for p in Programme.objects.filter(
            organisation=organisation,
            archived_at__isnull=True,
            pk__in=[place["programme"] for place in invitation.places],
        )
    }
    for place in invitation.places:
        programme = programmes.get(_uuid(place["programme"]))
        if programme is None:
            continue
        sponsor = User.objects.filter(
            pk=place.get("sponsor"), memberships__organisation=organisation
        ).first()
        ProgrammeMember.objects.get_or_create(
            programme=programme,
            user=actor,
            role=place["role"],
            defaults={
                "sponsor": sponsor,
                "cohort": place.get("cohort", ""),
                "took_training": place.get("took_training"),
                "added_by": invitation.invited_by,
            },
        )
        if place["role"] == ProgrammeMember.Role.COACH:
            CoachProfile.objects.get_or_create(user=actor)
    invitation.state = State.ACCEPTED
    invitation.decided_at = timezone.now()
    invitation.save(update_fields=["state", "decided_at", "updated_at"])
    policy_cache_clear(actor)
    return membership


@transaction.atomic
def invitation_decline(*, actor: User, invitation: OrganisationInvitation) -> None:
    """The person says no: nothing of theirs reaches the organisation."""
    invitation = _lock_own(actor, invitation)
    invitation.state = State.DECLINED
    invitation.decided_at = timezone.now()
    invitation.save(update_fields=["state", "decided_at", "updated_at"])


def _lock_own(actor: User, invitation: OrganisationInvitation) -> OrganisationInvitation:
    invitation = (
        OrganisationInvitation.objects.select_for_update()
        .select_related("organisation")
        .get(pk=invitation.pk)
    )
    if invitation.user_id != actor.pk:
        raise PermissionDenied("This invitation is someone else's.")
    if invitation.state != State.PENDING:
        raise ValidationError(
            f"You answered this invitation already ({invitation.get_state_display().lower()})."
        )
    return invitation


def _uuid(value: Any) -> Any:
    import uuid

    try:
        return uuid.UUID(str(value))
    except ValueError:
        return None
