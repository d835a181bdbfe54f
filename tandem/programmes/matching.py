"""Coach matching: the programme admin proposes two or three coaches with free capacity to
a coachee, who reads their profiles and chooses; or the admin assigns one directly.

A coach at capacity (as many engagements not yet ended as their profile allows) is never
offered, and is checked again at the moment of choosing."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from uuid import UUID

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone

from tandem.accounts.models import CoachProfile, Programme, ProgrammeMember, User
from tandem.core.policy import admin_organisation_ids, inactive_organisation_ids
from tandem.engagements.models import Engagement
from tandem.engagements.selectors import coach_loads
from tandem.engagements.services import engagement_build
from tandem.notifications.kinds import Kind
from tandem.notifications.models import Notification
from tandem.notifications.services import notify
from tandem.programmes.models import MatchProposal

DEFAULT_CAPACITY = CoachProfile._meta.get_field("capacity").default
PROPOSE = (2, 3)


@dataclass(frozen=True)
class CoachOption:
    coach: User
    profile: CoachProfile | None
    load: int

    @property
    def capacity(self) -> int:
        return self.profile.capacity if self.profile else DEFAULT_CAPACITY

    @property
    def free(self) -> int:
        return max(self.capacity - self.load, 0)

    def has_area(self, area: str) -> bool:
        return bool(self.profile and area in self.profile.areas)

    def speaks(self, language: str) -> bool:
        wanted = language.strip().casefold()
        return bool(self.profile and any(wanted == x.casefold() for x in self.profile.languages))


def pool_of(programme: Programme) -> list[CoachOption]:
    """The programme's coaches, active in its organisation, with what they carry now."""
    coaches = list(
        User.objects.filter(
            is_active=True,
            programme_roles__programme=programme,
            programme_roles__role=ProgrammeMember.Role.COACH,
            memberships__organisation_id=programme.organisation_id,
            memberships__is_active=True,
        )
        .select_related("coach_profile")
        .distinct()
        .order_by("full_name")
    )
    loads = coach_loads(c.pk for c in coaches)
    return [CoachOption(c, getattr(c, "coach_profile", None), loads.get(c.pk, 0)) for c in coaches]


def coaches_available(
    programme: Programme, *, area: str = "", language: str = ""
) -> list[CoachOption]:
    """Coaches with room for one more, fitting the filters, best fit first."""
    options = [o for o in pool_of(programme) if o.free > 0]
    if area:
        options = [o for o in options if o.has_area(area)]
    if language:
        options = [o for o in options if o.speaks(language)]
    return sorted(options, key=lambda o: (-o.free, o.coach.full_name))


def waiting_for_a_coach(programme: Programme) -> QuerySet[ProgrammeMember]:
    """Coachees of the programme with no engagement in it and no proposal open."""
    engaged = Engagement.objects.filter(programme=programme).exclude(
        status=Engagement.Status.CANCELLED
    )
    proposed = MatchProposal.objects.filter(programme=programme, state=MatchProposal.State.OPEN)
    return (
        programme.members.filter(role=ProgrammeMember.Role.COACHEE, user__is_active=True)
        .exclude(user__in=engaged.values("coachee"))
        .exclude(user__in=proposed.values("coachee"))
        .select_related("user", "sponsor")
        .order_by("user__full_name")
    )


def coachee_place(programme: Programme, pk: UUID | str) -> ProgrammeMember:
    place = (
        programme.members.filter(pk=pk, role=ProgrammeMember.Role.COACHEE)
        .select_related("user", "sponsor")
        .first()
    )
    if place is None:
        raise Http404("No such coachee in this programme.")
    return place


def _require_admin(actor: User, programme: Programme) -> None:
    if programme.organisation_id not in admin_organisation_ids(actor):
        raise PermissionDenied("The programme admin matches coaches.")


def _require_waiting(programme: Programme, place: ProgrammeMember) -> None:
    if place.role != ProgrammeMember.Role.COACHEE or place.programme_id != programme.pk:
        raise ValidationError("That person is not a coachee of this programme.")
    if not waiting_for_a_coach(programme).filter(pk=place.pk).exists():
        raise ValidationError(
            f"{place.user} already has a coach in this programme, or a proposal waiting."
        )


def _check_coaches(programme: Programme, coaches: list[User], *, need_profile: bool) -> None:
    options = {o.coach.pk: o for o in pool_of(programme)}
    for coach in coaches:
        option = options.get(coach.pk)
        if option is None:
            raise ValidationError({"coaches": f"{coach} is not in this programme's coach pool."})
        if option.free <= 0:
            raise ValidationError(
                {"coaches": f"{coach} is at capacity ({option.capacity} engagements)."}
            )
        if need_profile and option.profile is None:
            raise ValidationError(
                {"coaches": f"{coach} has no profile yet for the coachee to read."}
            )


@transaction.atomic
def proposal_create(
    *,
    actor: User,
    programme: Programme,
    place: ProgrammeMember,
    coaches: list[User],
    note: str = "",
) -> MatchProposal:
    """Propose two or three coaches to a coachee of the programme; the coachee is told."""
    _require_admin(actor, programme)
    if programme.archived_at is not None:
        raise ValidationError("This programme is archived: it takes no new engagements.")
    _require_waiting(programme, place)
    low, high = PROPOSE
    if not low <= len(set(coaches)) <= high:
        raise ValidationError(
            {"coaches": f"Propose {low} or {high} coaches, so there is a real choice."}
        )
    if place.user in coaches:
        raise ValidationError({"coaches": "A coachee cannot be proposed as their own coach."})
    _check_coaches(programme, coaches, need_profile=True)
    proposal = MatchProposal.objects.create(
        programme=programme, coachee=place.user, proposed_by=actor, note=note.strip()[:500]
    )
    proposal.coaches.set(coaches)
    notify(
        kind=Kind.CHOOSE_COACH,
        key=f"choose:{proposal.pk}",
        recipient=place.user,
        about=proposal.pk,
    )
    return proposal


def _start_day() -> dt.date:
    """Today, or the Monday after if today is a weekend."""
    today = timezone.localdate()
    return today + dt.timedelta(days=(7 - today.weekday()) % 7 if today.weekday() >= 5 else 0)


def _engagement_for(
    programme: Programme, place: ProgrammeMember, coach: User, by: User, start: dt.date
) -> Engagement:
    return engagement_build(
        organisation=programme.organisation,
        kind=Engagement.Kind.COACHING,
        coach=coach,
        coachee=place.user,
        start_date=start,
        end_date=start + dt.timedelta(days=programme.default_length_days),
        sponsor=place.sponsor,
        programme=programme,
        title="",
        cadence_days=programme.default_cadence_days,
        session_minutes=programme.default_session_minutes,
        planned_sessions=programme.default_planned_sessions,
        started_by=by,
        cohort=place.cohort,
        after_training=place.took_training,
    )


@transaction.atomic
def proposal_choose(*, actor: User, proposal: MatchProposal, coach: User) -> Engagement:
    """The coachee chooses one of the proposed coaches: the engagement starts (in draft,
    with the programme's shape) and the coach is told."""
    proposal = MatchProposal.objects.select_for_update().get(pk=proposal.pk)
    if actor.pk != proposal.coachee_id:
        raise PermissionDenied("Only the coachee chooses their coach.")
    if proposal.state != MatchProposal.State.OPEN:
        raise ValidationError("This choice was made already, or the proposal was withdrawn.")
    if not proposal.coaches.filter(pk=coach.pk).exists():
        raise ValidationError(f"{coach} is not one of the coaches proposed to you.")
    programme = proposal.programme
    # Another coachee may be taking the last place at this moment: one at a time per coach.
    User.objects.select_for_update().filter(pk=coach.pk).first()
    option = next((o for o in pool_of(programme) if o.coach.pk == coach.pk), None)
    if option is None or option.free <= 0:
        raise ValidationError(
            f"{coach} has no room for another coachee any more. Choose one of the others, or "
            "ask your programme admin for another proposal."
        )
    place = programme.members.filter(
        user_id=proposal.coachee_id, role=ProgrammeMember.Role.COACHEE
    ).first()
    if place is None:
        raise ValidationError("You are no longer a coachee of this programme.")
    engagement = _engagement_for(programme, place, coach, actor, _start_day())
    proposal.state = MatchProposal.State.CHOSEN
    proposal.chosen_coach = coach
    proposal.engagement = engagement
    proposal.decided_at = timezone.now()
    proposal.save(update_fields=["state", "chosen_coach", "engagement", "decided_at", "updated_at"])
    # Done: the request leaves the coachee's bell, and whoever proposed hears the choice.
    Notification.objects.filter(
        kind=Kind.CHOOSE_COACH, about=proposal.pk, read_at__isnull=True
    ).update(read_at=timezone.now())
    if proposal.proposed_by is not None:
        notify(
            kind=Kind.PEOPLE_CHANGED,
            key=f"coach_chosen:{proposal.pk}",
            recipient=proposal.proposed_by,
            engagement=engagement,
            params={"event": "coach_chosen"},
        )
    return engagement


@transaction.atomic
def proposal_withdraw(*, actor: User, proposal: MatchProposal) -> MatchProposal:
    proposal = MatchProposal.objects.select_for_update().get(pk=proposal.pk)
    _require_admin(actor, proposal.programme)
    if proposal.state != MatchProposal.State.OPEN:
        raise ValidationError("The coachee has chosen already, or it was withdrawn.")
    proposal.state = MatchProposal.State.WITHDRAWN
    proposal.decided_at = timezone.now()
    proposal.save(update_fields=["state", "decided_at", "updated_at"])
    return proposal


@transaction.atomic
def coach_assign(
    *,
    actor: User,
    programme: Programme,
    place: ProgrammeMember,
    coach: User,
    start_date: dt.date | None = None,
) -> Engagement:
    """The admin chooses the coach directly: the engagement starts in draft."""
    _require_admin(actor, programme)
    if programme.archived_at is not None:
        raise ValidationError("This programme is archived: it takes no new engagements.")
    _require_waiting(programme, place)
    if coach.pk == place.user_id:
        raise ValidationError({"coach": "A coachee cannot coach themselves."})
    _check_coaches(programme, [coach], need_profile=False)
    return _engagement_for(programme, place, coach, actor, start_date or _start_day())


def proposal_get_for(*, user: User, pk: UUID | str) -> MatchProposal:
    """The coachee it was made to, or a programme admin of its organisation; else 404."""
    proposal = (
        MatchProposal.objects.filter(pk=pk)
        .select_related("programme__organisation", "coachee", "chosen_coach")
        .first()
    )
    if (
        proposal is None
        or proposal.programme.organisation_id in inactive_organisation_ids(user)
        or (
            proposal.coachee_id != user.pk
            and proposal.programme.organisation_id not in admin_organisation_ids(user)
        )
    ):
        raise Http404("No such proposal.")
    return proposal


def proposals_open_for(*, user: User) -> QuerySet[MatchProposal]:
    return MatchProposal.objects.filter(
        coachee=user, state=MatchProposal.State.OPEN
    ).select_related("programme")
