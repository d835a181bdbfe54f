"""Writes for a programme's people: import a CSV, add one person, correct a coachee's
sponsor, cohort and training, take someone out of the programme.

Every write is one transaction with the programme row locked, so two imports into the same
programme run one after the other; the emails go out through the task queue once it
commits (``accounts.emails``), one per person whatever they were added as.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from tandem.accounts.emails import account_emails_send
from tandem.accounts.invitations import invitation_ask
from tandem.accounts.models import CoachProfile, Membership, Programme, ProgrammeMember, User
from tandem.core.policy import admin_organisation_ids
from tandem.engagements.models import Engagement
from tandem.programmes.models import MatchProposal
from tandem.programmes.people.csv_file import CsvFileError, Row, parse
from tandem.programmes.people.plan import Plan, PlannedRow, Source, people_plan

Role = ProgrammeMember.Role

CHANGED = (
    "The people or the organisation changed since the preview (someone else added or "
    "deactivated a person, say). Nothing was imported: check the new preview and confirm again."
)


@dataclass(frozen=True)
class ImportResult:
    places: int  # places made in the programme (a person can hold two roles)
    people: int  # people emailed
    new_people: int  # of them, new to the organisation (a set-password link)
    known_people: int  # already in the organisation (a notice)
    skipped: int  # rows left out for their problems
    unchanged: int  # rows for places that existed already


def _require_admin(actor: User, programme: Programme) -> None:
    if programme.organisation_id not in admin_organisation_ids(actor):
        raise PermissionDenied("Only the programme admins of this organisation manage its people.")


def _lock(programme: Programme) -> Programme:
    locked = Programme.objects.select_for_update().select_related("organisation")
    programme = locked.get(pk=programme.pk)
    if programme.archived_at is not None:
        raise ValidationError(f"{programme} is archived: nobody joins it any more.")
    return programme


def plan_text(*, actor: User, programme: Programme, text: str) -> Plan:
    """The preview: what importing ``text`` would do. Reads only; a file that cannot be read
    raises ValidationError with the reason."""
    _require_admin(actor, programme)
    if programme.archived_at is not None:
        raise ValidationError(f"{programme} is archived: nobody joins it any more.", code="file")
    try:
        csv_file = parse(text)
    except CsvFileError as exc:
        raise ValidationError(str(exc), code="file") from exc
    plan = people_plan(programme=programme, rows=csv_file.rows)
    plan.ignored_columns = csv_file.ignored_columns
    return plan


def people_import(
    *,
    actor: User,
    programme: Programme,
    text: str,
    fingerprint: str,
    skip_errors: bool,
    base_url: str,
) -> ImportResult:
    """Import the CSV the admin previewed: everything in one transaction, or nothing.

    ``fingerprint`` is the preview's (``Plan.fingerprint``): the file is read and checked
    again, and if anything would come out differently nothing is stored. Rows with problems
    block the import unless ``skip_errors`` (the admin chose to import the good rows)."""
    _require_admin(actor, programme)
    try:
        with transaction.atomic():
            programme = _lock(programme)
            plan = plan_text(actor=actor, programme=programme, text=text)
            if plan.fingerprint != fingerprint:
                raise ValidationError(CHANGED, code="changed")
            if plan.bad and not skip_errors:
                raise ValidationError(
                    f"{count_rows(len(plan.bad))} with problems: correct them, or choose to import "
                    "the good rows and skip the rest.",
                    code="errors",
                )
            if not plan.to_add:
                raise ValidationError(
                    "Nothing to import: everyone in the file is in the programme already.",
                    code="nothing",
                )
            return _apply(plan, actor=actor, base_url=base_url)
    except IntegrityError as exc:  # someone was added elsewhere at the same moment
        raise ValidationError(CHANGED, code="changed") from exc


def count_rows(n: int) -> str:
    return f"{n} row{'s' if n != 1 else ''}"


def _apply(plan: Plan, *, actor: User, base_url: str) -> ImportResult:
    """Create what ``plan`` says, with a bounded number of queries (bulk inserts)."""
    programme = plan.programme
    organisation = programme.organisation
    rows = plan.to_add
    by_email = dict(plan.accounts)

    fresh: dict[str, User] = {}
    for r in rows:
        if r.email not in by_email and r.email not in fresh:
            user = User(email=r.email, full_name=r.row.name)
            user.set_unusable_password()
            user.full_clean(exclude=["password"], validate_unique=False, validate_constraints=False)
            fresh[r.email] = user
    User.objects.bulk_create(list(fresh.values()))
    if any(u.pk is None for u in fresh.values()):  # databases that return no ids
        fresh = {u.email: u for u in User.objects.filter(email__in=list(fresh))}
    by_email.update(fresh)

    # Someone with an account elsewhere is asked, not added: their places wait in the
    # invitation until they accept (accounts.invitations). Everyone else joins now.
    elsewhere = {e for e in plan.new_people if e not in fresh}
    joining = [by_email[e] for e in sorted(plan.new_people - elsewhere)]
    Membership.objects.bulk_create([Membership(user=u, organisation=organisation) for u in joining])

    places = [_place(r, programme, by_email, actor) for r in rows]
    places += [
        ProgrammeMember(
            programme=programme, user=by_email[email], role=Role.SPONSOR, added_by=actor
        )
        for email in sorted(plan.implied_sponsors)
    ]
    waiting = [p for p in places if p.user.email in elsewhere]
    places = [p for p in places if p.user.email not in elsewhere]
    for p in places:  # a sponsor who is only invited is not linked until they accept
        if p.sponsor is not None and p.sponsor.email in elsewhere:
            p.sponsor = None
    ProgrammeMember.objects.bulk_create(places)
    for email in sorted(elsewhere):
        invitation_ask(
            actor=actor,
            organisation=organisation,
            user=by_email[email],
            name_given=next((r.row.name for r in rows if r.email == email), ""),
            places=[
                {
                    "programme": str(programme.pk),
                    "role": p.role,
                    "sponsor": str(p.sponsor.pk) if p.sponsor else None,
                    "cohort": p.cohort,
                    "took_training": p.took_training,
                }
                for p in waiting
                if p.user.email == email
            ],
        )

    coaches = {by_email[r.email].pk for r in rows if r.role == Role.COACH}
    if coaches:
        has_profile = set(
            CoachProfile.objects.filter(user_id__in=coaches).values_list("user_id", flat=True)
        )
        CoachProfile.objects.bulk_create(
            [CoachProfile(user_id=pk) for pk in sorted(coaches - has_profile)]
        )

    told = {p.user.pk for p in places} | {by_email[e].pk for e in elsewhere}
    account_emails_send(
        users=[p.user for p in places],
        organisation=organisation,
        programme=programme,
        actor=actor,
        base_url=base_url,
    )
    return ImportResult(
        places=len(places),
        people=len(told),
        new_people=len(plan.new_people),
        known_people=len(told) - len(plan.new_people),
        skipped=len(plan.bad),
        unchanged=len(plan.unchanged),
    )


def _place(
    r: PlannedRow, programme: Programme, by_email: dict[str, User], actor: User
) -> ProgrammeMember:
    coachee = r.role == Role.COACHEE
    sponsor = by_email.get(r.sponsor_email) if coachee and r.sponsor_email else None
    return ProgrammeMember(
        programme=programme,
        user=by_email[r.email],
        role=r.role,
        sponsor=sponsor,
        cohort=r.row.cohort if coachee else "",
        took_training=r.took_training if coachee else None,
        added_by=actor,
    )


def programme_member_add(
    *,
    actor: User,
    programme: Programme,
    email: str,
    full_name: str,
    role: str,
    sponsor_email: str = "",
    cohort: str = "",
    took_training: bool | None = None,
    base_url: str,
) -> ImportResult:
    """Add one person to the programme: the same checks and the same email as a one-line
    import. Someone new to the organisation joins it and gets a set-password link."""
    _require_admin(actor, programme)
    training = "" if took_training is None else ("yes" if took_training else "no")
    row = Row(
        line=1,
        name=full_name.strip(),
        email=email.strip(),
        role=role,
        sponsor_email=sponsor_email.strip(),
        cohort=cohort.strip(),
        training=training,
    )
    try:
        with transaction.atomic():
            programme = _lock(programme)
            plan = people_plan(programme=programme, rows=[row], source=Source.FORM)
            plan.raise_first_error()
            planned = plan.rows[0]
            if planned.already_in_role:
                raise ValidationError(
                    {
                        "email": f"{planned.user} is already "
                        f"{Role(planned.role).label.lower()} in this programme."
                    }
                )
            return _apply(plan, actor=actor, base_url=base_url)
    except IntegrityError as exc:
        raise ValidationError(CHANGED, code="changed") from exc


def _sponsor_user(programme: Programme, coachee: User, sponsor_email: str) -> User | None:
    sponsor_email = sponsor_email.strip().lower()
    if not sponsor_email:
        return None
    membership = (
        Membership.objects.filter(organisation=programme.organisation, user__email=sponsor_email)
        .select_related("user")
        .first()
    )
    if membership is None:
        raise ValidationError(
            {
                "sponsor_email": f"Nobody with the address {sponsor_email} is in "
                f"{programme.organisation}: add the sponsor first, or correct the address."
            }
        )
    if not membership.is_active:
        raise ValidationError({"sponsor_email": f"The sponsor, {membership.user}, is deactivated."})
    if membership.user_id == coachee.pk:
        raise ValidationError({"sponsor_email": "A coachee cannot be their own sponsor."})
    return membership.user


@transaction.atomic
def programme_member_update(
    *,
    actor: User,
    member: ProgrammeMember,
    sponsor_email: str,
    cohort: str,
    took_training: bool | None,
    base_url: str,
) -> ProgrammeMember:
    """Correct a coachee's sponsor, cohort and training. A sponsor new to the programme is
    made one of its sponsors (and told). The sponsor of an engagement already running
    changes on that engagement, not here."""
    _require_admin(actor, member.programme)
    programme = _lock(member.programme)
    member = ProgrammeMember.objects.select_for_update().select_related("user").get(pk=member.pk)
    if member.role != Role.COACHEE:
        raise ValidationError("Only a coachee has a sponsor, a cohort and training here.")
    sponsor = _sponsor_user(programme, member.user, sponsor_email)
    member.sponsor = sponsor
    member.cohort = cohort.strip()
    member.took_training = took_training
    member.full_clean(exclude=["programme", "user", "sponsor", "added_by"])
    member.save(update_fields=["sponsor", "cohort", "took_training", "updated_at"])
    if sponsor is not None:
        _, created = ProgrammeMember.objects.get_or_create(
            programme=programme, user=sponsor, role=Role.SPONSOR, defaults={"added_by": actor}
        )
        if created:
            account_emails_send(
                users=[sponsor],
                organisation=programme.organisation,
                programme=programme,
                actor=actor,
                base_url=base_url,
            )
    return member


@transaction.atomic
def programme_member_remove(*, actor: User, member: ProgrammeMember) -> None:
    """Take a person out of the programme in one role. Not while they take part in one of its
    engagements in that role (the engagement's record needs them), nor while coachees count
    on them as sponsor or a proposal of coaches names them."""
    _require_admin(actor, member.programme)
    programme = _lock(member.programme)
    member = ProgrammeMember.objects.select_for_update().select_related("user").get(pk=member.pk)
    user = member.user
    seat = {Role.COACHEE: "coachee", Role.COACH: "coach", Role.SPONSOR: "sponsor"}[
        Role(member.role)
    ]
    engagements = Engagement.objects.filter(programme=programme, **{seat: user})
    count = engagements.count()
    if count:
        as_what = {"coachee": "the coachee", "coach": "the coach", "sponsor": "the sponsor"}[seat]
        raise ValidationError(
            f"{user} is {as_what} of {count} engagement{'s' if count != 1 else ''} in this "
            f"programme, so they stay in it as {seat} (an engagement keeps its people)."
        )
    if member.role == Role.SPONSOR:
        sponsored = ProgrammeMember.objects.filter(
            programme=programme, role=Role.COACHEE, sponsor=user
        ).count()
        if sponsored:
            raise ValidationError(
                f"{user} is the sponsor of {sponsored} coachee{'s' if sponsored != 1 else ''} "
                "in this programme: give them another sponsor first."
            )
    open_proposals = MatchProposal.objects.filter(
        programme=programme, state=MatchProposal.State.OPEN
    )
    if member.role == Role.COACH and open_proposals.filter(coaches=user).exists():
        raise ValidationError(
            f"{user} is among the coaches proposed to a coachee: withdraw that proposal first."
        )
    if member.role == Role.COACHEE and open_proposals.filter(coachee=user).exists():
        raise ValidationError(f"Coaches are proposed to {user}: withdraw that proposal first.")
    member.delete()
