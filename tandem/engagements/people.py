"""Changing who is in an engagement: a new coach (a handover) or a new sponsor (agreed by
the coachee). Both are recorded, both are told to everyone concerned, and neither opens
anything the new person should not read: the old coach's private notes stay the old coach's,
and a new sponsor sees the targets only once they are put to them."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from tandem.accounts.models import ProgrammeMember, User
from tandem.core.policy import Perm, admin_organisation_ids, engagement_require
from tandem.core.services import locked
from tandem.engagements.models import CoachHandover, Engagement, SponsorChange
from tandem.engagements.selectors import ENDED, coach_loads
from tandem.engagements.services import _member_or_error, engagement_validate
from tandem.notifications.kinds import Kind
from tandem.notifications.services import notify
from tandem.programmes.figures import figures_touch


def coach_load(coach: User) -> int:
    """Engagements the coach holds now: every one not yet ended, in any organisation."""
    return coach_loads([coach.pk]).get(coach.pk, 0)


def coach_capacity(coach: User) -> int | None:
    profile = getattr(coach, "coach_profile", None)
    return profile.capacity if profile is not None else None


def _tell(engagement: Engagement, people: set[User], event: str, **params: str) -> None:
    stamp = timezone.now().isoformat()
    for person in people:
        notify(
            kind=Kind.PEOPLE_CHANGED,
            key=f"{event}:{engagement.pk}:{stamp}:{person.pk}",
            recipient=person,
            engagement=engagement,
            params={"event": event, **params},
        )


# --- a new coach -----------------------------------------------------------------------


@transaction.atomic
def engagement_replace_coach(
    *, actor: User, engagement: Engagement, new_coach: User, reason: str = ""
) -> CoachHandover:
    """Hand the engagement to another coach (the old one left, or the match did not work).

    The new coach reads the shared record from now on; the old coach's private notes are
    never shown to them, and the old coach no longer has a part in the engagement. Open
    actions the old coach owned pass to the new coach. Coachee, both coaches and the sponsor
    are told; the handover is recorded."""
    engagement = locked(engagement)
    if engagement.organisation_id not in admin_organisation_ids(actor):
        engagement_require(actor, Perm.VIEW_ENGAGEMENT, engagement)  # 404 for outsiders
        raise PermissionDenied("The programme admin hands an engagement to another coach.")
    if engagement.is_one_on_one:
        raise ValidationError(
            "A manager's 1:1 series belongs to the manager: it has no coach to replace."
        )
    if engagement.status in ENDED:
        raise ValidationError(
            f"This engagement is {engagement.get_status_display().lower()}: "
            "its coach stays on record."
        )
    old_coach = engagement.coach
    if new_coach.pk == old_coach.pk:
        raise ValidationError({"new_coach": f"{new_coach} coaches this engagement already."})
    if new_coach.pk in {engagement.coachee_id, engagement.sponsor_id}:
        raise ValidationError(
            {"new_coach": "The coach must be someone other than the coachee and the sponsor."}
        )
    _member_or_error(new_coach, engagement.organisation, "new_coach")
    if (
        engagement.programme_id is not None
        and not ProgrammeMember.objects.filter(
            programme_id=engagement.programme_id, user=new_coach, role=ProgrammeMember.Role.COACH
        ).exists()
    ):
        raise ValidationError(
            {
                "new_coach": f"{new_coach} is not in the coach pool of {engagement.programme}: "
                "add them to the pool (People tab) first."
            }
        )
    capacity = coach_capacity(new_coach)
    if capacity is not None and coach_load(new_coach) >= capacity:
        raise ValidationError(
            {
                "new_coach": f"{new_coach} is at capacity ({capacity} engagements): "
                "choose another coach, or ask them to raise it."
            }
        )
    engagement.coach = new_coach
    engagement.version += 1
    engagement_validate(engagement)
    engagement.save(update_fields=["coach", "version", "updated_at"])
    from tandem.action_items.models import ActionItem

    ActionItem.objects.filter(
        engagement=engagement, owner=old_coach, status=ActionItem.Status.OPEN
    ).update(owner=new_coach)
    handover = CoachHandover.objects.create(
        engagement=engagement,
        from_coach=old_coach,
        to_coach=new_coach,
        by=actor,
        reason=reason.strip()[:300],
    )
    people = {engagement.coachee, old_coach, new_coach}
    if engagement.sponsor is not None:
        people.add(engagement.sponsor)
    _tell(
        engagement,
        people,
        "coach_replaced",
        old=old_coach.full_name,
        new=new_coach.full_name,
    )
    _calendar_follows_the_coach(engagement, old_coach, new_coach)
    figures_touch(engagement)  # the coach filter and who hears of a stall
    return handover


def _calendar_follows_the_coach(engagement: Engagement, old: User, new: User) -> None:
    """Planned sessions leave the old coach's calendar and enter the new coach's."""
    from tandem.notifications.calendar import calendar_invite_person, calendar_uninvite_person

    calendar_uninvite_person(engagement, old)
    calendar_invite_person(engagement, new)


# --- a new sponsor ---------------------------------------------------------------------


@transaction.atomic
def sponsor_change_propose(
    *, actor: User, engagement: Engagement, new_sponsor: User | None, reason: str = ""
) -> SponsorChange:
    """Coach or programme admin propose a new sponsor (or none); nothing changes until the
    coachee agrees."""
    engagement = locked(engagement)
    engagement_require(actor, Perm.MANAGE_ENGAGEMENT, engagement)
    if not engagement.is_coaching:
        raise ValidationError("A manager's 1:1 series has no sponsor.")
    if new_sponsor is not None and new_sponsor.pk == engagement.sponsor_id:
        raise ValidationError({"new_sponsor": f"{new_sponsor} is the sponsor already."})
    if new_sponsor is None and engagement.sponsor_id is None:
        raise ValidationError({"new_sponsor": "There is no sponsor to remove."})
    if new_sponsor is not None and new_sponsor.pk in {engagement.coach_id, engagement.coachee_id}:
        raise ValidationError(
            {
                "new_sponsor": "The sponsor is the coachee's supervisor: "
                "not the coach or the coachee."
            }
        )
    _member_or_error(new_sponsor, engagement.organisation, "new_sponsor")
    if engagement.sponsor_changes.filter(state=SponsorChange.State.PROPOSED).exists():
        raise ValidationError(
            "A change of sponsor is already waiting for the coachee: withdraw it first."
        )
    change = SponsorChange.objects.create(
        engagement=engagement,
        from_sponsor=engagement.sponsor,
        to_sponsor=new_sponsor,
        proposed_by=actor,
        reason=reason.strip()[:300],
    )
    _tell(
        engagement,
        {engagement.coachee},
        "sponsor_proposed",
        new=new_sponsor.full_name if new_sponsor else "",
        by=actor.full_name,
    )
    return change


def _open_change(engagement: Engagement) -> SponsorChange:
    change = (
        engagement.sponsor_changes.select_for_update(of=("self",))
        .filter(state=SponsorChange.State.PROPOSED)
        .select_related("to_sponsor", "from_sponsor")
        .first()
    )
    if change is None:
        raise ValidationError(
            "There is no change of sponsor waiting (it was answered or withdrawn)."
        )
    return change


@transaction.atomic
def sponsor_change_decide(*, actor: User, engagement: Engagement, accept: bool) -> SponsorChange:
    """The coachee agrees to the new sponsor, or declines. Agreed: the new sponsor takes
    over, the contract goes back to coach and coachee to be put to them (a sign-off by the
    previous sponsor does not carry over), and everyone concerned is told."""
    engagement = locked(engagement)
    engagement_require(actor, Perm.VIEW_ENGAGEMENT, engagement)
    if actor.pk != engagement.coachee_id:
        raise PermissionDenied("The coachee agrees to a new sponsor: they choose what is shared.")
    change = _open_change(engagement)
    change.state = SponsorChange.State.ACCEPTED if accept else SponsorChange.State.DECLINED
    change.decided_at = timezone.now()
    change.save(update_fields=["state", "decided_at", "updated_at"])
    old, new = change.from_sponsor, change.to_sponsor
    if accept:
        _member_or_error(new, engagement.organisation, "new_sponsor")
        engagement.sponsor = new
        engagement.targets_submitted_at = None
        engagement.targets_submitted_by = None
        engagement.targets_signed_off_at = None
        engagement.targets_signed_off_by = None
        engagement.targets_changes_requested = ""
        engagement.version += 1
        engagement_validate(engagement)
        engagement.save()
    people = {engagement.coach, engagement.coachee}
    if accept:
        people |= {p for p in (old, new) if p is not None}
    _tell(
        engagement,
        people,
        "sponsor_changed" if accept else "sponsor_declined",
        old=old.full_name if old else "",
        new=new.full_name if new else "",
    )
    return change


@transaction.atomic
def sponsor_change_withdraw(*, actor: User, engagement: Engagement) -> SponsorChange:
    engagement = locked(engagement)
    engagement_require(actor, Perm.MANAGE_ENGAGEMENT, engagement)
    change = _open_change(engagement)
    change.state = SponsorChange.State.WITHDRAWN
    change.decided_at = timezone.now()
    change.save(update_fields=["state", "decided_at", "updated_at"])
    return change


def clashes_for_new_coach(engagement: Engagement) -> list[dt.datetime]:
    """Planned sessions of the engagement that overlap another session of its (new) coach:
    the handover keeps their times, so the coach is told to move them."""
    from tandem.coaching_sessions.selectors import clashes_elsewhere

    planned = engagement.sessions.filter(
        status="planned", scheduled_at__gte=timezone.now()
    ).order_by("scheduled_at")
    slots = [(s.scheduled_at, s.duration_minutes) for s in planned]
    return [
        start
        for start, _ in clashes_elsewhere(
            person=engagement.coach, slots=slots, engagement=engagement
        )
    ]
