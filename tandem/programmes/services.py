"""Writes for programmes: set one up, change it, archive it."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from tandem.accounts.models import Membership, Organisation, Programme, User
from tandem.core.policy import admin_organisation_ids
from tandem.core.services import locked

PROGRAMME_FIELDS = (
    "name",
    "description",
    "start_date",
    "end_date",
    "training",
    "default_planned_sessions",
    "default_cadence_days",
    "default_session_minutes",
    "default_length_days",
    "coaches_can_start",
)


def _require_admin(actor: User, organisation: Organisation) -> None:
    if organisation.pk not in admin_organisation_ids(actor):
        raise PermissionDenied(f"Only the programme admins of {organisation} run its programmes.")


def programme_validate(programme: Programme) -> None:
    errors: dict[str, str] = {}
    if programme.start_date and programme.end_date and programme.end_date < programme.start_date:
        errors["end_date"] = "The programme must end after it starts."
    shape = (programme.default_planned_sessions - 1) * programme.default_cadence_days
    if not errors and shape > programme.default_length_days:
        errors["default_planned_sessions"] = (
            f"{programme.default_planned_sessions} sessions every "
            f"{programme.default_cadence_days} days need {shape} days, but engagements run "
            f"{programme.default_length_days}. Plan fewer sessions, a shorter cadence, or a "
            "longer engagement."
        )
    if not errors and not programme._state.adding:
        errors.update(_dates_hold_engagements(programme))
    elif not errors and programme.end_date and programme.end_date < timezone.localdate():
        errors["end_date"] = "This end date has passed: a new programme runs from today on."
    clash = Programme.objects.filter(
        organisation_id=programme.organisation_id, name__iexact=programme.name.strip()
    ).exclude(pk=programme.pk)
    if clash.exists():
        errors["name"] = f"{programme.organisation} already has a programme called that."
    if errors:
        raise ValidationError(errors)


def _dates_hold_engagements(programme: Programme) -> dict[str, str]:
    """New dates must still hold every engagement of the programme that has not ended."""
    from tandem.engagements.selectors import live_engagements

    live = live_engagements().filter(programme=programme)
    if programme.end_date:
        after = live.filter(end_date__gt=programme.end_date).order_by("-end_date")
        if after.exists():
            return {
                "end_date": f"{after.count()} engagement(s) run past this end date (the last "
                f"to {after[0].end_date:%d %b %Y}). End the programme later, or change "
                "those engagements first."
            }
    if programme.start_date:
        before = live.filter(start_date__lt=programme.start_date).order_by("start_date")
        if before.exists():
            return {
                "start_date": f"{before.count()} engagement(s) start before this date (the "
                f"first on {before[0].start_date:%d %b %Y}). Start the programme earlier."
            }
    return {}


@transaction.atomic
def programme_create(*, actor: User, organisation: Organisation, **fields: Any) -> Programme:
    _require_admin(actor, organisation)
    unknown = set(fields) - set(PROGRAMME_FIELDS)
    if unknown:
        raise ValueError(f"Not programme fields: {', '.join(sorted(unknown))}")
    programme = Programme(organisation=organisation, **fields)
    programme.name = programme.name.strip()
    programme.full_clean()
    programme_validate(programme)
    programme.save()
    return programme


@transaction.atomic
def programme_update(*, actor: User, programme: Programme, **fields: Any) -> Programme:
    programme = locked(programme)
    _require_admin(actor, programme.organisation)
    for name, value in fields.items():
        if name not in PROGRAMME_FIELDS:
            raise ValueError(f"Not a programme field: {name}")
        setattr(programme, name, value)
    programme.name = programme.name.strip()
    programme.full_clean()
    programme_validate(programme)
    programme.save()
    return programme


@transaction.atomic
def programme_archive(*, actor: User, programme: Programme, archived: bool) -> Programme:
    """An archived programme keeps its engagements and figures but takes no new ones."""
    programme = locked(programme)
    _require_admin(actor, programme.organisation)
    programme.archived_at = timezone.now() if archived else None
    programme.save(update_fields=["archived_at", "updated_at"])
    return programme


@transaction.atomic
def engagement_start(
    *,
    actor: User,
    programme: Programme,
    coach: User,
    coachee: User | None,
    new_coachee_name: str = "",
    new_coachee_email: str = "",
    base_url: str,
    **shape: Any,
) -> Any:
    """Start a coaching engagement in a programme, inviting the coachee first if they are new
    to the organisation — all or nothing."""
    from tandem.accounts.services import membership_add
    from tandem.engagements.models import Engagement
    from tandem.engagements.services import engagement_create

    if coachee is None:
        membership = membership_add(
            actor=actor,
            organisation=programme.organisation,
            email=new_coachee_email,
            full_name=new_coachee_name,
            role="member",
            base_url=base_url,
        )
        if not isinstance(membership, Membership):
            # An account elsewhere joins only once its owner accepts (see
            # accounts.invitations); the engagement cannot wait for that here.
            raise ValidationError(
                {
                    "new_coachee_email": "Starting an engagement cannot add an existing account "
                    "to the organisation: add them on its People page (they are asked to "
                    "accept), and start the engagement once they are a member."
                }
            )
        coachee = membership.user
    return engagement_create(
        actor=actor,
        organisation=programme.organisation,
        programme=programme,
        kind=Engagement.Kind.COACHING,
        coach=coach,
        coachee=coachee,
        **shape,
    )
