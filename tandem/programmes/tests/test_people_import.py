"""Importing people into a programme: the preview names every problem and stores nothing;
the confirmation creates everything at once and emails each person once."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from conftest import UserFactory, member
from tandem.accounts.models import CoachProfile, Membership, ProgrammeMember, User
from tandem.accounts.services import membership_deactivate
from tandem.programmes.people import services
from tandem.programmes.people.plan import Plan

HEADER = "name,email,role,sponsor_email,cohort,training\n"
BASE = "http://testserver/"


def preview(admin, programme, text: str) -> Plan:
    return services.plan_text(actor=admin, programme=programme, text=text)


def run_import(admin, programme, text: str, *, skip_errors: bool = False):
    plan = preview(admin, programme, text)
    return services.people_import(
        actor=admin,
        programme=programme,
        text=text,
        fingerprint=plan.fingerprint,
        skip_errors=skip_errors,
        base_url=BASE,
    )


def problems(plan: Plan) -> dict[int, list[str]]:
    return {r.row.line: [e.message for e in r.errors] for r in plan.rows if r.errors}


def stored_people() -> tuple[int, int, int]:
    return User.objects.count(), Membership.objects.count(), ProgrammeMember.objects.count()


def test_the_preview_names_each_bad_row_by_line_and_stores_nothing(
    programme_admin, programme, coach
):
    text = HEADER + (
        "Ana Ruiz,ana@example.org,coachee,sam@example.org,,\n"  # 2: sponsor on line 6
        ",nobody@example.org,coachee,,,\n"  # 3: no name
        "Bo Lee,bo@example,coachee,,,\n"  # 4: bad email
        "Cy Diaz,cy@example.org,manager,,,\n"  # 5: unknown role
        "Sam Okafor,sam@example.org,sponsor,,,\n"  # 6: fine
        "Ana Ruiz,ana@example.org,coachee,,,\n"  # 7: duplicate of line 2
        "Dee Fox,dee@example.org,coachee,ghost@example.org,,\n"  # 8: unknown sponsor
        "Eve Ng,eve@example.org,coachee,eve@example.org,,\n"  # 9: own sponsor
        "Fay Oh,fay@example.org,coachee,,,maybe\n"  # 10: training not yes/no
        f"Casey Coach,{coach.email},coach,,,\n"  # 11: already in the organisation: a note
    )
    before = stored_people()
    plan = preview(programme_admin, programme, text)
    assert problems(plan) == {
        3: ["Name is missing."],
        4: ["“bo@example” is not a valid email address."],
        5: ["Role “manager” is not one of coachee, coach, sponsor."],
        7: ["Same person and role as line 2."],
        8: [
            f"The sponsor ghost@example.org is not in {programme.organisation} and not in this "
            "file: add a line for them (role sponsor), or correct the address."
        ],
        9: ["A coachee cannot be their own sponsor."],
        10: ["Training “maybe” should be yes or no (or empty)."],
    }
    coach_row = next(r for r in plan.rows if r.row.line == 11)
    assert coach_row.ok and any("gets no set-password email" in n for n in coach_row.notes)
    assert len(plan.to_add) == 3  # Ana, Sam, the coach
    assert stored_people() == before
    assert mail.outbox == []


def test_already_in_the_programme_with_that_role_is_a_note_and_nothing_changes(
    programme_admin, programme, coachee
):
    ProgrammeMember.objects.create(
        programme=programme, user=coachee, role="coachee", cohort="Spring"
    )
    plan = preview(programme_admin, programme, HEADER + f"Lee,{coachee.email},coachee,,Autumn,\n")
    (row,) = plan.rows
    assert row.ok and row.already_in_role
    assert row.notes == ["Already coachee in this programme: nothing changes."]
    assert plan.to_add == []
    with pytest.raises(ValidationError, match="Nothing to import"):
        run_import(programme_admin, programme, HEADER + f"Lee,{coachee.email},coachee,,Autumn,\n")
    assert ProgrammeMember.objects.get(user=coachee).cohort == "Spring"


def test_a_deactivated_person_or_sponsor_is_refused_until_reactivated(
    programme_admin, programme, coachee, sponsor
):
    membership = Membership.objects.get(user=sponsor, organisation=programme.organisation)
    membership_deactivate(actor=programme_admin, membership=membership)
    text = HEADER + (
        f"Sam,{sponsor.email},sponsor,,,\nLee,{coachee.email},coachee,{sponsor.email},,\n"
    )
    assert problems(preview(programme_admin, programme, text)) == {
        2: [
            f"{sponsor} is deactivated in {programme.organisation}: reactivate them on the "
            "organisation's People page first."
        ],
        3: [f"The sponsor, {sponsor}, is deactivated in {programme.organisation}."],
    }


def test_one_address_with_two_names_and_a_sponsor_on_a_bad_line_are_errors(
    programme_admin, programme
):
    text = HEADER + (
        "Ann Lee,ann@example.org,coach,,,\n"
        "Anne Lee,ann@example.org,sponsor,,,\n"
        "Bo,bo@example.org,sponsor,,,nope\n"  # a sponsor row with a bad training cell is ok:
        "Cy,cy@example.org,coachee,dee@example.org,,\n"
        "Dee,dee@example,sponsor,,,\n"
        "Eli,eli@example.org,coachee,ann@example.org,,\n"
    )
    found = problems(preview(programme_admin, programme, text))
    assert found[3] == [
        "Line 2 gives ann@example.org the name “Ann Lee”: one address, one person, one name."
    ]
    assert 4 in found  # training must still read yes/no
    assert "not in" in found[5][0]  # dee@example.org: only a bad address on line 6
    # Eli's sponsor is on line 2 (good) even though line 3 for the same address is bad.
    assert 7 not in found


def test_the_import_creates_people_places_and_profiles_and_emails_each_once(
    programme_admin, programme, coach, django_capture_on_commit_callbacks
):
    organisation = programme.organisation
    CoachProfile.objects.create(user=coach, capacity=3)
    text = HEADER + (
        "Sam Okafor,sam@example.org,sponsor,,,\n"
        "Ana Ruiz,ana@example.org,coachee,sam@example.org,Spring 2026,yes\n"
        "Bo Lee,bo@example.org,coachee,,Spring 2026,no\n"
        "Grace Mensah,grace@example.org,coach,,,\n"
        f"Casey Coach,{coach.email},coach,,,\n"
        "Sam Okafor,sam@example.org,coach,,,\n"  # a second role: one email all the same
    )
    with django_capture_on_commit_callbacks(execute=True):
        result = run_import(programme_admin, programme, text)
    assert (result.places, result.people, result.new_people, result.known_people) == (6, 5, 4, 1)

    ana = User.objects.get(email="ana@example.org")
    assert not ana.has_usable_password() and ana.is_active
    # The admin and the coach were members; four join.
    assert Membership.objects.filter(organisation=organisation, is_active=True).count() == 2 + 4
    place = ProgrammeMember.objects.get(programme=programme, user=ana)
    assert (place.role, place.sponsor.email, place.cohort, place.took_training) == (
        "coachee",
        "sam@example.org",
        "Spring 2026",
        True,
    )
    assert place.added_by == programme_admin
    assert ProgrammeMember.objects.get(user__email="bo@example.org").took_training is False
    sam_roles = ProgrammeMember.objects.filter(user__email="sam@example.org")
    assert sorted(sam_roles.values_list("role", flat=True)) == ["coach", "sponsor"]
    # New coaches get an empty profile; an existing one is left as it was.
    assert (
        CoachProfile.objects.filter(
            user__email__in=["grace@example.org", "sam@example.org"]
        ).count()
        == 2
    )
    assert CoachProfile.objects.get(user=coach).capacity == 3

    by_address = {m.to[0]: m for m in mail.outbox}
    assert len(mail.outbox) == 5 and set(by_address) == {
        "sam@example.org",
        "ana@example.org",
        "bo@example.org",
        "grace@example.org",
        coach.email,
    }
    invite = by_address["ana@example.org"]
    assert invite.subject == f"You are invited to {programme} ({organisation}) on Tandem"
    assert "as a coachee" in invite.body and "/password/set/" in invite.body
    assert "as a coach and a sponsor" in by_address["sam@example.org"].body
    notice = by_address[coach.email]
    assert notice.subject == f"You have been added to {programme} ({organisation})"
    assert "/password/set/" not in notice.body and "/login/" in notice.body


def test_the_set_password_link_in_the_invitation_works(
    programme_admin, programme, client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        run_import(programme_admin, programme, HEADER + "Ana Ruiz,ana@example.org,coachee,,,\n")
    link = re.search(r"http://testserver(/password/set/\S+)", mail.outbox[0].body).group(1)
    page = client.get(link, follow=True)
    assert "Choose your password" in page.content.decode()
    client.post(
        page.redirect_chain[-1][0],
        {"new_password1": "a-long-unusual-pass", "new_password2": "a-long-unusual-pass"},
    )
    assert client.login(username="ana@example.org", password="a-long-unusual-pass")


def test_rows_with_problems_block_the_import_unless_the_admin_skips_them(
    programme_admin, programme, django_capture_on_commit_callbacks
):
    text = HEADER + "Ana,ana@example.org,coachee,,,\nBo,bo@,coachee,,,\n"
    before = stored_people()
    with pytest.raises(ValidationError, match="1 row with problems"):
        run_import(programme_admin, programme, text)
    assert stored_people() == before
    with django_capture_on_commit_callbacks(execute=True):
        result = run_import(programme_admin, programme, text, skip_errors=True)
    assert (result.places, result.skipped) == (1, 1)
    assert [m.to for m in mail.outbox] == [["ana@example.org"]]


def test_a_coachee_whose_sponsor_line_is_skipped_is_not_imported_with_a_dangling_sponsor(
    programme_admin, programme
):
    text = HEADER + "Sam,sam@example,sponsor,,,\nAna,ana@example.org,coachee,sam@example,,\n"
    plan = preview(programme_admin, programme, text)
    assert len(plan.bad) == 2  # the coachee's sponsor address is bad too
    with pytest.raises(ValidationError, match="Nothing to import"):
        run_import(programme_admin, programme, text, skip_errors=True)


def test_a_sponsor_already_in_the_organisation_is_made_a_programme_sponsor_and_told(
    programme_admin, programme, sponsor, django_capture_on_commit_callbacks
):
    text = HEADER + f"Ana,ana@example.org,coachee,{sponsor.email},,\n"
    plan = preview(programme_admin, programme, text)
    assert plan.rows[0].notes == [f"{sponsor} will also be added as a sponsor in this programme."]
    with django_capture_on_commit_callbacks(execute=True):
        run_import(programme_admin, programme, text)
    assert ProgrammeMember.objects.filter(
        programme=programme, user=sponsor, role="sponsor"
    ).exists()
    assert sorted(m.to[0] for m in mail.outbox) == sorted(["ana@example.org", sponsor.email])


def test_something_changed_since_the_preview_imports_nothing(programme_admin, programme):
    text = HEADER + "Ana,ana@example.org,coachee,,,\n"
    plan = preview(programme_admin, programme, text)
    # Meanwhile someone else adds Ana to the organisation.
    member(UserFactory.create(email="ana@example.org", full_name="Ana"), programme.organisation)
    before = stored_people()
    with pytest.raises(ValidationError, match="changed since the preview") as exc:
        services.people_import(
            actor=programme_admin,
            programme=programme,
            text=text,
            fingerprint=plan.fingerprint,
            skip_errors=False,
            base_url=BASE,
        )
    assert exc.value.code == "changed"
    assert stored_people() == before


def test_a_tampered_text_does_not_match_its_preview(programme_admin, programme):
    plan = preview(programme_admin, programme, HEADER + "Ana,ana@example.org,coachee,,,\n")
    with pytest.raises(ValidationError, match="changed since the preview"):
        services.people_import(
            actor=programme_admin,
            programme=programme,
            text=HEADER + "Ana,ana@example.org,coach,,,\n",
            fingerprint=plan.fingerprint,
            skip_errors=False,
            base_url=BASE,
        )


def test_nobody_is_emailed_when_the_import_fails_after_creating_rows(
    programme_admin, programme, monkeypatch, django_capture_on_commit_callbacks
):
    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(CoachProfile.objects, "bulk_create", broken)
    before = stored_people()
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
    ):
        run_import(programme_admin, programme, HEADER + "Grace,grace@example.org,coach,,,\n")
    assert stored_people() == before
    assert callbacks == [] and mail.outbox == []


def test_only_the_organisations_programme_admins_import(coach, outsider, programme):
    for someone in (coach, outsider):
        with pytest.raises(PermissionDenied):
            preview(someone, programme, HEADER + "Ana,ana@example.org,coachee,,,\n")


def test_an_archived_programme_takes_nobody(programme_admin, programme):
    from django.utils import timezone

    programme.archived_at = timezone.now()
    programme.save()
    with pytest.raises(ValidationError, match="archived"):
        run_import(programme_admin, programme, HEADER + "Ana,ana@example.org,coachee,,,\n")


def test_someone_with_an_account_elsewhere_is_asked_and_joins_only_on_acceptance(
    programme_admin, programme, outsider, django_capture_on_commit_callbacks
):
    from tandem.accounts.models import OrganisationInvitation, ProgrammeMember

    plan = preview(programme_admin, programme, HEADER + f"Otto,{outsider.email},coach,,,\n")
    # The preview does not tell this organisation's admin about other organisations.
    assert plan.rows[0].notes == [] and not plan.rows[0].in_organisation
    with django_capture_on_commit_callbacks(execute=True):
        result = run_import(
            programme_admin, programme, HEADER + f"Otto,{outsider.email},coach,,,\n"
        )
    assert result.new_people == 1  # counted like anyone new: the admin learns nothing more
    assert not Membership.objects.filter(
        user=outsider, organisation=programme.organisation
    ).exists()
    assert not ProgrammeMember.objects.filter(user=outsider).exists()
    (email,) = mail.outbox
    assert email.to == [outsider.email]
    assert "/password/set/" not in email.body and "Nothing changes unless you accept" in email.body

    invitation = OrganisationInvitation.objects.get(user=outsider)
    client = Client()
    client.force_login(outsider)
    assert programme.organisation.name in client.get(reverse("inbox")).content.decode()
    client.post(reverse("invitation_answer", args=[invitation.pk]), {"answer": "accept"})
    outsider.refresh_from_db()
    assert outsider.full_name == "Otto Outsider"  # their own name is kept
    assert Membership.objects.filter(user=outsider, organisation=programme.organisation).exists()
    assert ProgrammeMember.objects.filter(user=outsider, programme=programme, role="coach").exists()


def test_emails_carry_no_coaching_content(
    programme_admin, programme, engagement, coachee, django_capture_on_commit_callbacks
):
    from tandem.core.tests.world import build_world

    build_world(engagement)  # GROW notes, actions, reflections, private notes, a 360
    canaries = ["Hand over Q3 planning", "Seems tired.", "Questions open doors", "Delegates well"]
    with django_capture_on_commit_callbacks(execute=True):
        run_import(programme_admin, programme, HEADER + f"Lee,{coachee.email},coachee,,,\n")
    (email,) = mail.outbox
    for canary in canaries:
        assert canary not in email.subject and canary not in email.body


def _big_file(n: int) -> str:
    lines = [HEADER.strip()]
    sponsors = max(1, n // 10)
    for i in range(sponsors):
        lines.append(f"Sponsor {i},sponsor{i}@bigco.example,sponsor,,,")
    for i in range(n - sponsors):
        coach_or_coachee = "coach" if i % 20 == 0 else "coachee"
        sponsor = f"sponsor{i % sponsors}@bigco.example" if coach_or_coachee == "coachee" else ""
        lines.append(
            f"Person {i},person{i}@bigco.example,{coach_or_coachee},{sponsor},C{i % 3},yes"
        )
    return "\n".join(lines) + "\n"


def test_500_rows_import_in_a_bounded_number_of_queries(
    programme_admin, programme, django_capture_on_commit_callbacks
):
    text = _big_file(500)
    plan = preview(programme_admin, programme, text)
    assert not plan.bad and len(plan.to_add) == 500
    with CaptureQueriesContext(connection) as preview_queries:
        preview(programme_admin, programme, text)
    # Users, then memberships and places of those who have an account: at most 3 queries for
    # any number of rows.
    assert len(preview_queries) <= 3

    with (
        CaptureQueriesContext(connection) as queries,
        django_capture_on_commit_callbacks(execute=True),
    ):
        result = services.people_import(
            actor=programme_admin,
            programme=programme,
            text=text,
            fingerprint=plan.fingerprint,
            skip_errors=False,
            base_url=BASE,
        )
    assert result.places == 500 and result.new_people == 500
    assert len(mail.outbox) == 500
    # The transaction: lock, the checks, one INSERT per table (SQLite splits them into
    # batches by its parameter limit) and the coach profiles: 9 on PostgreSQL. Then 5 email
    # tasks of 100 people, 4 queries each. A query per row would be 500 or more.
    limit = 45 if connection.vendor == "sqlite" else 30
    assert len(queries) <= limit, len(queries)
    assert ProgrammeMember.objects.filter(programme=programme).count() == 500
