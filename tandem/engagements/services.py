"""Writes for engagements and their behavioural targets (the contract)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from tandem.accounts.models import Membership, Organisation, Programme, ProgrammeMember, User
from tandem.core.policy import Perm, admin_organisation_ids, engagement_require
from tandem.core.services import locked, validated_save
from tandem.core.versioning import bump_version
from tandem.engagements.models import BehaviouralTarget, Engagement
from tandem.notifications.kinds import Kind
from tandem.notifications.services import notify
from tandem.programmes.figures import figures_touch

MAX_TARGETS = 5
COACHING_MIN_DAYS = 84  # 12 weeks: "3 months" with some slack for holidays
COACHING_MAX_DAYS = 186  # 6 months
COACHING_SESSIONS = (6, 12)
COACHING_MINUTES = (60, 90)

Status = Engagement.Status
TRANSITIONS: dict[str, set[str]] = {
    Status.DRAFT: {Status.CONTRACTING, Status.ACTIVE, Status.CANCELLED},
    Status.CONTRACTING: {Status.ACTIVE, Status.PAUSED, Status.CANCELLED},
    Status.ACTIVE: {Status.CLOSING, Status.COMPLETED, Status.PAUSED, Status.CANCELLED},
    Status.CLOSING: {Status.COMPLETED, Status.ACTIVE, Status.PAUSED, Status.CANCELLED},
    Status.PAUSED: {Status.CANCELLED},  # plus resuming to where it was, see below
    Status.COMPLETED: set(),
    Status.CANCELLED: set(),
}


def engagement_validate(engagement: Engagement) -> None:
    """Business rules beyond single fields; raises ValidationError keyed by field."""
    errors: dict[str, str] = {}
    if engagement.coach_id and engagement.coach_id == engagement.coachee_id:
        errors["coachee"] = "The coachee must be someone other than the coach."
    if engagement.sponsor_id and engagement.sponsor_id in {
        engagement.coach_id,
        engagement.coachee_id,
    }:
        errors["sponsor"] = "The sponsor is the coachee's supervisor: not the coach or coachee."
    today = timezone.localdate()
    if abs((engagement.start_date - today).days) > 366 * 5:
        errors["start_date"] = (
            f"{engagement.start_date:%d %b %Y} is more than five years from today: check the year."
        )
    if engagement.end_date and engagement.end_date < engagement.start_date:
        errors["end_date"] = "The end date must be after the start date."
    if engagement.is_one_on_one and engagement.sponsor_id:
        errors["sponsor"] = "A manager 1:1 series has no sponsor: the manager is the coach."
    if engagement.is_coaching:
        errors.update(_coaching_rules(engagement))
    programme = engagement.programme if engagement.programme_id else None
    if programme is not None and programme.organisation_id != engagement.organisation_id:
        errors["programme"] = "That programme belongs to another organisation."
    if engagement.is_coaching and programme is None:
        errors["programme"] = "Choose the programme this engagement belongs to."
    if programme is not None:
        errors.update(_within_programme(engagement, programme))
    if engagement.is_one_on_one and programme is not None:
        errors["programme"] = "A manager's 1:1 series is the manager's own: it has no programme."
    if errors:
        raise ValidationError(errors)


def _within_programme(engagement: Engagement, programme: Programme) -> dict[str, str]:
    """An engagement runs inside its programme's dates, where the programme has them."""
    if programme.start_date and engagement.start_date < programme.start_date:
        return {
            "start_date": f"{programme} starts on {programme.start_date:%d %b %Y}: start the "
            "engagement then or later, or change the programme's dates."
        }
    if programme.end_date and engagement.end_date and engagement.end_date > programme.end_date:
        return {
            "end_date": f"{programme} ends on {programme.end_date:%d %b %Y}: end the engagement "
            "by then, or change the programme's dates."
        }
    return {}


def _coaching_rules(engagement: Engagement) -> dict[str, str]:
    errors: dict[str, str] = {}
    if engagement.end_date is None:
        return {"end_date": "A coaching engagement needs an end date (3 to 6 months on)."}
    days = (engagement.end_date - engagement.start_date).days
    if days < 0:
        return errors  # "the end date must be after the start date" says it already
    if not COACHING_MIN_DAYS <= days <= COACHING_MAX_DAYS:
        errors["end_date"] = (
            f"A coaching engagement runs 3 to 6 months; this one runs {days} days. "
            f"Choose an end date {COACHING_MIN_DAYS} to {COACHING_MAX_DAYS} days after the start."
        )
    low, high = COACHING_SESSIONS
    if not low <= engagement.planned_sessions <= high:
        errors["planned_sessions"] = f"Plan {low} to {high} sessions for a coaching engagement."
    elif (engagement.planned_sessions - 1) * engagement.cadence_days > days:
        needed = (engagement.planned_sessions - 1) * engagement.cadence_days
        errors["planned_sessions"] = (
            f"{engagement.planned_sessions} sessions every {engagement.cadence_days} days need "
            f"{needed} days, but the engagement runs {days}. Plan fewer sessions or a shorter "
            "cadence."
        )
    low_m, high_m = COACHING_MINUTES
    if not low_m <= engagement.session_minutes <= high_m:
        errors["session_minutes"] = f"Coaching sessions last {low_m} to {high_m} minutes."
    return errors


def _member_or_error(user: User | None, organisation: Organisation, field: str) -> None:
    if user is None:
        return
    membership = Membership.objects.filter(user=user, organisation=organisation).first()
    if membership is None:
        raise ValidationError({field: f"{user} is not a member of {organisation}."})
    if not membership.is_active:
        raise ValidationError({field: f"{user} is deactivated in {organisation}."})


def may_start_in(actor: User, programme: Programme) -> bool:
    """A programme admin may start engagements in it; so may a coach of its pool, for
    themselves, when the programme allows coaches to."""
    if programme.organisation_id in admin_organisation_ids(actor):
        return True
    return (
        programme.coaches_can_start
        and programme.archived_at is None
        and ProgrammeMember.objects.filter(
            programme=programme, user=actor, role=ProgrammeMember.Role.COACH
        ).exists()
    )


@transaction.atomic
def engagement_create(
    *,
    actor: User,
    organisation: Organisation,
    kind: str,
    coach: User,
    coachee: User,
    start_date: dt.date,
    end_date: dt.date | None = None,
    sponsor: User | None = None,
    programme: Programme | None = None,
    title: str = "",
    cadence_days: int = 14,
    session_minutes: int = 60,
    planned_sessions: int = 8,
) -> Engagement:
    """Start an engagement: a coaching engagement in draft, a 1:1 series running at once.

    Programme admins create any engagement in their organisation; a coach of a programme's
    pool may start one they coach, where the programme allows it; a member may open a 1:1
    series in which they are the coach (a manager with a report).
    """
    is_admin = organisation.pk in admin_organisation_ids(actor)
    manager_self_serve = kind == Engagement.Kind.ONE_ON_ONE and coach.pk == actor.pk
    coach_self_start = (
        kind == Engagement.Kind.COACHING
        and programme is not None
        and coach.pk == actor.pk
        and may_start_in(actor, programme)
    )
    if not (is_admin or manager_self_serve or coach_self_start):
        raise PermissionDenied(
            "Only a programme admin can start a coaching engagement here (or a coach of a "
            "programme that lets its coaches start their own); a manager can start a 1:1 "
            "series with themselves as the manager."
        )
    place = (
        ProgrammeMember.objects.filter(
            programme=programme, user=coachee, role=ProgrammeMember.Role.COACHEE
        ).first()
        if programme is not None
        else None
    )
    return engagement_build(
        cohort=place.cohort if place else "",
        after_training=place.took_training if place else None,
        organisation=organisation,
        kind=kind,
        coach=coach,
        coachee=coachee,
        start_date=start_date,
        end_date=end_date,
        sponsor=sponsor,
        programme=programme,
        title=title,
        cadence_days=cadence_days,
        session_minutes=session_minutes,
        planned_sessions=planned_sessions,
        started_by=actor,
    )


def engagement_build(
    *,
    organisation: Organisation,
    kind: str,
    coach: User,
    coachee: User,
    start_date: dt.date,
    end_date: dt.date | None,
    sponsor: User | None,
    programme: Programme | None,
    title: str,
    cadence_days: int,
    session_minutes: int,
    planned_sessions: int,
    started_by: User,
    cohort: str = "",
    after_training: bool | None = None,
) -> Engagement:
    """Validate and save a new engagement, and tell the people in it. The caller has
    checked that ``started_by`` may (an admin, a pool coach, a coachee choosing a coach)."""
    for user, field in ((coach, "coach"), (coachee, "coachee"), (sponsor, "sponsor")):
        _member_or_error(user, organisation, field)
    if (
        programme is not None
        and Programme.objects.filter(pk=programme.pk, archived_at__isnull=False).exists()
    ):
        raise ValidationError(
            {"programme": f"{programme} is archived: it takes no new engagements."}
        )
    engagement = Engagement(
        organisation=organisation,
        programme=programme,
        kind=kind,
        title=title,
        coach=coach,
        coachee=coachee,
        sponsor=sponsor,
        start_date=start_date,
        end_date=end_date,
        cadence_days=cadence_days,
        session_minutes=session_minutes,
        planned_sessions=planned_sessions,
        # A 1:1 series has no contract to agree: it runs from the start. A coaching engagement
        # starts in draft, for the programme admin to set up.
        status=Status.ACTIVE if kind == Engagement.Kind.ONE_ON_ONE else Status.DRAFT,
        cohort=cohort,
        after_training=after_training,
    )
    engagement.full_clean(validate_constraints=False)
    engagement_validate(engagement)
    if end_date is not None and end_date < timezone.localdate():
        raise ValidationError(
            {
                "end_date": "This engagement would be over before today. Tandem runs coaching "
                "still to come: choose dates from today on."
            }
        )
    engagement.save()
    if programme is not None:  # the programme's people pages list everyone in it
        _join_programme(programme, coach, ProgrammeMember.Role.COACH, started_by)
        _join_programme(programme, coachee, ProgrammeMember.Role.COACHEE, started_by, sponsor)
        if sponsor is not None:
            _join_programme(programme, sponsor, ProgrammeMember.Role.SPONSOR, started_by)
    for person in {coach, coachee} - {started_by}:
        notify(
            kind=Kind.PEOPLE_CHANGED,
            key=f"started:{engagement.pk}:{person.pk}",
            recipient=person,
            engagement=engagement,
            params={"event": "started"},
        )
    figures_touch(engagement)
    return engagement


# The sponsor changes only through a proposal the coachee agrees to (engagements/people.py);
# the coach only through a handover.
def _join_programme(
    programme: Programme, user: User, role: str, by: User, sponsor: User | None = None
) -> None:
    member, created = ProgrammeMember.objects.get_or_create(
        programme=programme, user=user, role=role, defaults={"added_by": by, "sponsor": sponsor}
    )
    if not created and sponsor is not None and member.sponsor_id is None:
        member.sponsor = sponsor
        member.save(update_fields=["sponsor", "updated_at"])


EDITABLE_FIELDS = (
    "title",
    "programme",
    "start_date",
    "end_date",
    "cadence_days",
    "session_minutes",
    "planned_sessions",
)


@transaction.atomic
def engagement_update(
    *, actor: User, engagement: Engagement, expected_version: int | None, **changes: Any
) -> Engagement:
    engagement_require(actor, Perm.MANAGE_ENGAGEMENT, engagement)
    unknown = set(changes) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValueError(f"Not editable here: {', '.join(sorted(unknown))}")
    engagement = locked(engagement)
    bump_version(engagement, expected=expected_version)
    for name, value in changes.items():
        setattr(engagement, name, value)
    engagement.full_clean(validate_constraints=False)
    engagement_validate(engagement)
    _sessions_within_dates(engagement)
    engagement.save()
    figures_touch(engagement)  # dates decide a stall
    return engagement


def _sessions_within_dates(engagement: Engagement) -> None:
    """New dates must still hold every session that is not cancelled."""
    live = engagement.sessions.exclude(status="cancelled")
    before = live.filter(scheduled_at__date__lt=engagement.start_date).order_by("scheduled_at")
    if before.exists():
        first = timezone.localtime(before[0].scheduled_at)
        raise ValidationError(
            {
                "start_date": f"{before.count()} session(s) fall before this start date "
                f"(the first on {first:%d %b %Y}). Move or cancel them first, or start earlier."
            }
        )
    if engagement.end_date is None:
        return
    after = live.filter(scheduled_at__date__gt=engagement.end_date).order_by("-scheduled_at")
    if after.exists():
        last = timezone.localtime(after[0].scheduled_at)
        raise ValidationError(
            {
                "end_date": f"{after.count()} session(s) fall after this end date (the last "
                f"on {last:%d %b %Y}). Move or cancel them first, or end later."
            }
        )


def engagement_next_statuses(engagement: Engagement) -> list[str]:
    allowed = set(TRANSITIONS[engagement.status])
    if engagement.status == Status.PAUSED and engagement.status_before_pause:
        allowed.add(engagement.status_before_pause)
    if engagement.is_one_on_one:
        allowed -= {Status.CONTRACTING, Status.CLOSING}
    return [value for value, _ in Status.choices if value in allowed]


@transaction.atomic
def engagement_set_status(*, actor: User, engagement: Engagement, status: str) -> Engagement:
    engagement_require(actor, Perm.MANAGE_ENGAGEMENT, engagement)
    engagement = locked(engagement)
    if status not in engagement_next_statuses(engagement):
        current = engagement.get_status_display()
        label = dict(Status.choices).get(status, status)
        raise ValidationError(
            {"status": f"An engagement that is {current.lower()} cannot become {label.lower()}."}
        )
    if status == Status.PAUSED:
        engagement.status_before_pause = engagement.status
    elif engagement.status == Status.PAUSED:
        engagement.status_before_pause = ""
    engagement.status = status
    engagement.version += 1
    engagement.save(update_fields=["status", "status_before_pause", "version", "updated_at"])
    if status in {Status.CANCELLED, Status.COMPLETED}:
        _call_off_planned_sessions(engagement)
    if status == Status.CANCELLED:  # and a 360 still open stops taking answers
        from tandem.feedback.services import close_round

        for cycle in engagement.feedback_cycles.select_for_update().filter(status="open"):
            close_round(cycle)
    figures_touch(engagement)
    return engagement


def _call_off_planned_sessions(engagement: Engagement) -> None:
    """Nothing more will take place: sessions still planned are cancelled, and each leaves
    both calendars (a higher SEQUENCE, METHOD CANCEL)."""
    from tandem.coaching_sessions.models import CoachingSession
    from tandem.notifications.calendar import calendar_changed

    planned = list(
        engagement.sessions.select_for_update().filter(status=CoachingSession.Status.PLANNED)
    )
    for session in planned:
        session.status = CoachingSession.Status.CANCELLED
        session.closed_at = timezone.now()
        session.version += 1
        session.save(update_fields=["status", "closed_at", "version", "updated_at"])
        calendar_changed(session)


# --- behavioural targets ---------------------------------------------------------------

TARGET_FIELDS = (
    "behaviour",
    "rater_wording",
    "baseline_item",
    "why_it_matters",
    "success_indicators",
    "weight",
    "gas_minus_2",
    "gas_minus_1",
    "gas_0",
    "gas_plus_1",
    "gas_plus_2",
)


@transaction.atomic
def target_create(*, actor: User, engagement: Engagement, **fields: Any) -> BehaviouralTarget:
    """Add a target to the contract; the contract is open until the sponsor signs it off."""
    engagement = locked(engagement)
    engagement_require(actor, Perm.EDIT_TARGETS, engagement)
    count = engagement.targets.count()
    if count >= MAX_TARGETS:
        raise ValidationError(
            f"A contract holds at most {MAX_TARGETS} targets: focus beats breadth. "
            "Merge or drop one first."
        )
    target = BehaviouralTarget(engagement=engagement, position=count, **fields)
    validated_save(target)
    _move_on(engagement, Status.DRAFT, to=Status.CONTRACTING)  # agreeing the contract began
    figures_touch(engagement)
    return target


def _move_on(engagement: Engagement, *before: str, to: str) -> None:
    """The status follows the work: it moves on by itself when a step is done, from the
    states named (never back, never out of a pause)."""
    if engagement.status in before:
        engagement.status = to
        engagement.version += 1
        engagement.save(update_fields=["status", "version", "updated_at"])


@transaction.atomic
def target_update(
    *,
    actor: User,
    target: BehaviouralTarget,
    expected_version: int | None = None,
    **fields: Any,
) -> BehaviouralTarget:
    """Coach and coachee both draft the contract: an edit based on an old copy is refused."""
    engagement = locked(target.engagement)
    engagement_require(actor, Perm.EDIT_TARGETS, engagement)
    target = locked(target)
    bump_version(target, expected=expected_version)
    for name, value in fields.items():
        if name not in TARGET_FIELDS:
            raise ValueError(f"Not a target field: {name}")
        setattr(target, name, value)
    figures_touch(engagement)  # its area or linked question may have changed
    return validated_save(target)


@transaction.atomic
def target_delete(*, actor: User, target: BehaviouralTarget) -> None:
    engagement = locked(target.engagement)
    engagement_require(actor, Perm.EDIT_TARGETS, engagement)
    target.delete()
    figures_touch(engagement)


@transaction.atomic
def targets_submit(*, actor: User, engagement: Engagement) -> Engagement:
    """Coach or coachee put the agreed targets to the sponsor; they are locked meanwhile."""
    engagement = locked(engagement)
    engagement_require(actor, Perm.SUBMIT_TARGETS, engagement)
    if engagement.targets_awaiting_sign_off:
        raise ValidationError("The targets are already with the sponsor.")
    if not engagement.targets.exists():
        raise ValidationError("Add at least one target before asking the sponsor to sign off.")
    engagement.targets_submitted_at = timezone.now()
    engagement.targets_submitted_by = actor
    engagement.save(update_fields=["targets_submitted_at", "targets_submitted_by", "updated_at"])
    notify(
        kind=Kind.TARGETS_TO_SIGN_OFF,
        key=f"targets:{engagement.pk}:{engagement.targets_submitted_at.isoformat()}",
        recipient=engagement.sponsor,
        engagement=engagement,
    )
    return engagement


def _tell_coach_and_coachee(engagement: Engagement, event: str) -> None:
    """The sponsor answered: coach and coachee hear of it (the note stays in the app)."""
    sponsor = engagement.sponsor
    stamp = timezone.now().isoformat()
    for person in (engagement.coach, engagement.coachee):
        notify(
            kind=Kind.CONTRACT_ANSWERED,
            key=f"contract:{engagement.pk}:{event}:{stamp}:{person.pk}",
            recipient=person,
            engagement=engagement,
            params={"event": event, "sponsor": sponsor.full_name if sponsor else "The sponsor"},
        )


@transaction.atomic
def targets_withdraw(*, actor: User, engagement: Engagement) -> Engagement:
    """Coach or coachee take the targets back to change them before the sponsor answers."""
    engagement = locked(engagement)
    engagement_require(actor, Perm.SUBMIT_TARGETS, engagement)
    if not engagement.targets_awaiting_sign_off:
        raise ValidationError("The targets are not with the sponsor; they can be edited already.")
    engagement.targets_submitted_at = None
    engagement.targets_submitted_by = None
    engagement.save(update_fields=["targets_submitted_at", "targets_submitted_by", "updated_at"])
    return engagement


def _check_same_submission(engagement: Engagement, submitted_at: dt.datetime | None) -> None:
    """The sponsor answers the version he read: not one taken back and changed since."""
    if submitted_at is not None and engagement.targets_submitted_at != submitted_at:
        raise ValidationError(
            "The targets changed while you were reading them. Read them again before you answer."
        )


@transaction.atomic
def targets_sign_off(
    *, actor: User, engagement: Engagement, submitted_at: dt.datetime | None = None
) -> Engagement:
    """The sponsor agrees the targets put to him (the three-way meeting). Without a sponsor,
    the coach records that coach and coachee agreed them."""
    engagement = locked(engagement)
    engagement_require(actor, Perm.SIGN_OFF_TARGETS, engagement)
    if not engagement.targets.exists():
        raise ValidationError("There are no targets to sign off yet.")
    _check_same_submission(engagement, submitted_at)
    engagement.targets_signed_off_at = timezone.now()
    engagement.targets_signed_off_by = actor
    engagement.targets_changes_requested = ""
    engagement.save(
        update_fields=[
            "targets_signed_off_at",
            "targets_signed_off_by",
            "targets_changes_requested",
            "updated_at",
        ]
    )
    if engagement.sponsor_id == actor.pk:
        _tell_coach_and_coachee(engagement, "signed_off")
    _move_on(engagement, Status.DRAFT, Status.CONTRACTING, to=Status.ACTIVE)  # contract agreed
    return engagement


@transaction.atomic
def targets_request_changes(
    *, actor: User, engagement: Engagement, note: str, submitted_at: dt.datetime | None = None
) -> Engagement:
    """The sponsor sends the targets back with what he would change."""
    engagement = locked(engagement)
    engagement_require(actor, Perm.SIGN_OFF_TARGETS, engagement)
    if not engagement.targets_awaiting_sign_off:
        raise ValidationError("There is nothing waiting for your sign-off.")
    note = note.strip()
    if not note:
        raise ValidationError({"note": "Say what you would change, so they know what to rework."})
    _check_same_submission(engagement, submitted_at)
    engagement.targets_submitted_at = None
    engagement.targets_submitted_by = None
    engagement.targets_changes_requested = note
    engagement.save(
        update_fields=[
            "targets_submitted_at",
            "targets_submitted_by",
            "targets_changes_requested",
            "updated_at",
        ]
    )
    _tell_coach_and_coachee(engagement, "changes_requested")
    return engagement


@transaction.atomic
def targets_reopen(*, actor: User, engagement: Engagement) -> Engagement:
    """Reopen the contract for changes; the sponsor signs off again afterwards."""
    engagement = locked(engagement)
    engagement_require(actor, Perm.REOPEN_TARGETS, engagement)
    engagement.targets_signed_off_at = None
    engagement.targets_signed_off_by = None
    engagement.targets_submitted_at = None
    engagement.targets_submitted_by = None
    engagement.save(
        update_fields=[
            "targets_signed_off_at",
            "targets_signed_off_by",
            "targets_submitted_at",
            "targets_submitted_by",
            "updated_at",
        ]
    )
    return engagement
