"""What an import (or adding one person) would do, row by row, before anything is stored.

``people_plan`` checks every row on its own (name, email, role, training), against the rest
of the file (duplicates, one name per address, the sponsor's own row) and against the
organisation and the programme (deactivated people, who is already there), in three
queries whatever the number of rows. The preview shows the plan; the import makes it again
from the same text and refuses if it came out different (``fingerprint``), so nothing is
created that the admin did not see.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator

from tandem.accounts.models import Membership, Programme, ProgrammeMember, User
from tandem.programmes.people.csv_file import Row

Role = ProgrammeMember.Role
TRAINING_WORDS = {
    "yes": True,
    "y": True,
    "true": True,
    "1": True,
    "no": False,
    "n": False,
    "false": False,
    "0": False,
}
NAME_MAX = User._meta.get_field("full_name").max_length or 150
EMAIL_MAX = User._meta.get_field("email").max_length or 254
COHORT_MAX = ProgrammeMember._meta.get_field("cohort").max_length or 100
_email_ok = EmailValidator()


class Source(StrEnum):
    FILE = "file"  # a CSV upload: messages speak of lines and "this file"
    FORM = "form"  # one person added on the page


@dataclass
class Problem:
    field: str  # the column (or form field) it is about
    message: str
    code: str = ""


@dataclass
class PlannedRow:
    row: Row
    errors: list[Problem] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    email: str = ""
    sponsor_email: str = ""
    role: str = ""
    took_training: bool | None = None
    user: User | None = None  # their account, if they have one already
    in_organisation: bool = False
    already_in_role: bool = False

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def adds(self) -> bool:
        """Imported, this row creates a place in the programme."""
        return self.ok and not self.already_in_role

    def error(self, column: str, message: str) -> None:
        self.errors.append(Problem(column, message))


@dataclass
class Plan:
    programme: Programme
    rows: list[PlannedRow]
    # Everyone named (people and sponsors) who has an account already, by address.
    accounts: dict[str, User] = field(default_factory=dict)
    ignored_columns: list[str] = field(default_factory=list)
    # Sponsors named by coachees who are not (yet) sponsors in the programme, by address:
    # the import makes them sponsors too, so the sponsor list is complete. True where they
    # are in the organisation already (else they join through their own line of the file).
    implied_sponsors: dict[str, bool] = field(default_factory=dict)

    @property
    def bad(self) -> list[PlannedRow]:
        return [r for r in self.rows if not r.ok]

    @property
    def to_add(self) -> list[PlannedRow]:
        return [r for r in self.rows if r.adds]

    @property
    def unchanged(self) -> list[PlannedRow]:
        return [r for r in self.rows if r.ok and r.already_in_role]

    @property
    def new_people(self) -> set[str]:
        """Addresses that join the organisation with this import."""
        return {r.email for r in self.to_add if not r.in_organisation}

    @property
    def known_people(self) -> set[str]:
        """Addresses already in the organisation that get a new place in the programme."""
        emails = {r.email for r in self.to_add if r.in_organisation}
        return emails | {email for email, known in self.implied_sponsors.items() if known}

    @property
    def fingerprint(self) -> str:
        """Everything the import would do, hashed: the preview's promise."""
        outline: list[Any] = [
            [
                r.row.line,
                r.email,
                r.role,
                r.sponsor_email,
                r.row.cohort,
                r.took_training,
                r.row.name,
                r.ok,
                r.already_in_role,
                r.in_organisation,
                r.user.pk if r.user else None,
            ]
            for r in self.rows
        ]
        outline.append(list(sorted(self.implied_sponsors)))
        return hashlib.sha256(json.dumps(outline).encode()).hexdigest()

    def raise_first_error(self) -> None:
        """For a one-person form: the problems as a ValidationError per field."""
        errors: dict[str, list[str]] = {}
        for row in self.bad:
            for problem in row.errors:
                errors.setdefault(problem.field, []).append(problem.message)
        if errors:
            raise ValidationError(errors)


def _check_alone(planned: PlannedRow) -> None:
    """What can be told from the row itself."""
    row = planned.row
    if not row.name:
        planned.errors.append(Problem("name", "Name is missing.", code="no_name"))
    elif len(row.name) > NAME_MAX:
        planned.error("name", f"Name is longer than {NAME_MAX} characters.")
    elif any(ch in row.name for ch in "\n\t"):
        planned.error("name", "The name has a line break or a tab in it.")
    elif "@" in row.name:
        planned.error(
            "name", "The name looks like an email address: are the columns in the right order?"
        )
    email = row.email.strip().lower()
    if not email:
        planned.error("email", "Email is missing.")
    elif len(email) > EMAIL_MAX or not _valid_email(email):
        planned.error("email", f"“{row.email}” is not a valid email address.")
    else:
        planned.email = email
    role = row.role.strip().lower()
    if not role:
        planned.error("role", "Role is missing: coachee, coach or sponsor.")
    elif role not in Role.values:
        planned.error("role", f"Role “{row.role}” is not one of coachee, coach, sponsor.")
    else:
        planned.role = role
    training = row.training.strip().lower()
    if training and training not in TRAINING_WORDS:
        planned.error("training", f"Training “{row.training}” should be yes or no (or empty).")
    elif training:
        planned.took_training = TRAINING_WORDS[training]
    if len(row.cohort) > COHORT_MAX:
        planned.error("cohort", f"Cohort is longer than {COHORT_MAX} characters.")
    sponsor = row.sponsor_email.strip().lower()
    if sponsor and (len(sponsor) > EMAIL_MAX or not _valid_email(sponsor)):
        planned.error("sponsor_email", f"Sponsor email “{row.sponsor_email}” is not valid.")
    elif sponsor:
        planned.sponsor_email = sponsor
    if row.extra_cells:
        planned.error(
            "name",
            "This line has more cells than the header has columns (a comma inside a name? "
            "Wrap that cell in double quotes).",
        )
    if planned.role and planned.role != Role.COACHEE:
        if planned.sponsor_email:
            planned.notes.append("A sponsor applies to coachees only: ignored here.")
            planned.sponsor_email = ""
        if row.cohort or planned.took_training is not None:
            planned.notes.append("Cohort and training apply to coachees only: ignored here.")
            planned.took_training = None


def _valid_email(value: str) -> bool:
    try:
        _email_ok(value)
    except ValidationError:
        return False
    return True


def _check_within_file(rows: list[PlannedRow]) -> None:
    """One place per person and role, one name per address."""
    first_of: dict[tuple[str, str], int] = {}
    name_of: dict[str, tuple[str, int]] = {}
    for planned in rows:
        if not planned.email:
            continue
        name, line = planned.row.name, planned.row.line
        if planned.role:
            key = (planned.email, planned.role)
            if key in first_of:
                planned.error("email", f"Same person and role as line {first_of[key]}.")
            else:
                first_of[key] = line
        if name:
            earlier = name_of.setdefault(planned.email, (name, line))
            if earlier[0] != name:
                planned.error(
                    "name",
                    f"Line {earlier[1]} gives {planned.email} the name “{earlier[0]}”: one "
                    "address, one person, one name.",
                )


def people_plan(*, programme: Programme, rows: list[Row], source: Source = Source.FILE) -> Plan:
    """The plan for ``rows``: each row's problems (errors) and what it would do (notes)."""
    organisation = programme.organisation
    planned = [PlannedRow(row=row) for row in rows]
    for p in planned:
        _check_alone(p)
    _check_within_file(planned)

    emails = {p.email for p in planned if p.email} | {
        p.sponsor_email for p in planned if p.sponsor_email
    }
    users = {u.email: u for u in User.objects.filter(email__in=emails)}
    memberships = {
        m.user_id: m
        for m in Membership.objects.filter(
            organisation=organisation, user_id__in=[u.pk for u in users.values()]
        )
    }
    places = set(
        ProgrammeMember.objects.filter(
            programme=programme, user_id__in=[u.pk for u in users.values()]
        ).values_list("user_id", "role")
    )

    for p in planned:
        user = users.get(p.email)
        if user is None:
            continue
        p.user = user
        membership = memberships.get(user.pk)
        if membership is not None and not membership.is_active:
            p.error(
                "email",
                f"{user} is deactivated in {organisation}: reactivate them on the "
                "organisation's People page first.",
            )
            continue
        p.in_organisation = membership is not None
        if source == Source.FORM and p.in_organisation:
            # On the page, someone already in the organisation is found by address alone.
            p.errors = [e for e in p.errors if e.code != "no_name"]
        if p.role and (user.pk, p.role) in places:
            p.already_in_role = True
            p.notes.append(
                f"Already {Role(p.role).label.lower()} in this programme: nothing changes."
            )
        elif p.in_organisation:
            p.notes.append(
                f"Already in {organisation}: gets no set-password email, just a notice that "
                "they were added."
            )
            if p.row.name and p.row.name != user.full_name:
                p.notes.append(f"Known in {settings.SITE_NAME} as “{user.full_name}”: kept.")

    plan = Plan(programme=programme, rows=planned, accounts=users)
    _resolve_sponsors(plan, users, memberships, places, source)
    return plan


def _resolve_sponsors(
    plan: Plan,
    users: dict[str, User],
    memberships: dict[int, Membership],
    places: set[tuple[int, str]],
    source: Source,
) -> None:
    """A coachee's sponsor is in the organisation, or on a good line of the same file."""
    organisation = plan.programme.organisation
    in_file: dict[str, PlannedRow] = {}
    sponsors_in_file: set[str] = set()
    for p in plan.rows:
        if p.email:
            in_file.setdefault(p.email, p)
            if p.ok:
                in_file[p.email] = p  # a good line wins over a bad one for the same address
                if p.role == Role.SPONSOR:
                    sponsors_in_file.add(p.email)
    for p in plan.rows:
        sponsor = p.sponsor_email
        if p.role != Role.COACHEE or not sponsor:
            continue
        if sponsor == p.email:
            p.error("sponsor_email", "A coachee cannot be their own sponsor.")
            continue
        user = users.get(sponsor)
        membership = memberships.get(user.pk) if user is not None else None
        if membership is not None and not membership.is_active:
            p.error("sponsor_email", f"The sponsor, {user}, is deactivated in {organisation}.")
            continue
        listed = in_file.get(sponsor)
        if membership is None and listed is None:
            p.error(
                "sponsor_email",
                f"The sponsor {sponsor} is not in {organisation} and not in this file: add a "
                "line for them (role sponsor), or correct the address."
                if source == Source.FILE
                else f"Nobody with the address {sponsor} is in {organisation}: add the sponsor "
                "first, or correct the address.",
            )
            continue
        if membership is None and listed is not None and not listed.ok:
            p.error(
                "sponsor_email",
                f"The sponsor {sponsor} is on line {listed.row.line}, which has a problem itself.",
            )
            continue
        if not p.ok or p.already_in_role:
            continue
        if user is not None and (user.pk, Role.SPONSOR) in places:
            continue
        if sponsor in sponsors_in_file:
            continue
        # In the organisation, or joining through their own line in another role.
        plan.implied_sponsors[sponsor] = membership is not None
        who = user if membership is not None else (listed.row.name if listed else sponsor)
        p.notes.append(f"{who} will also be added as a sponsor in this programme.")
