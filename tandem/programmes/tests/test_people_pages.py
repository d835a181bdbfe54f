"""The programme's people page and the import pages, as the programme admin sees them."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from conftest import UserFactory, member
from tandem.accounts.models import CoachProfile, Membership, ProgrammeMember, User
from tandem.accounts.services import membership_deactivate
from tandem.engagements.models import Engagement
from tandem.programmes.people_views import EXAMPLE_CSV

HEADER = "name,email,role,sponsor_email,cohort,training\n"


@pytest.fixture
def admin_client(programme_admin) -> Client:
    client = Client()
    client.force_login(programme_admin)
    return client


def people_url(programme) -> str:
    return reverse("programme_people", args=[programme.pk])


def import_url(programme) -> str:
    return reverse("programme_people_import", args=[programme.pk])


def place(programme, user, role, **fields) -> ProgrammeMember:
    return ProgrammeMember.objects.create(programme=programme, user=user, role=role, **fields)


def text_of(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


def test_the_page_shows_pool_load_coachees_and_sponsors(
    admin_client, programme, engagement, coach, coachee, sponsor, organisation
):
    CoachProfile.objects.create(user=coach, capacity=1)
    place(programme, coach, "coach")
    place(programme, coachee, "coachee", sponsor=sponsor, cohort="Spring 2026", took_training=True)
    waiting = member(UserFactory.create(full_name="Wren Waiting"), organisation)
    place(programme, waiting, "coachee")
    place(programme, sponsor, "sponsor")
    page = text_of(admin_client.get(people_url(programme)))
    assert 'Coaching 1 of 1 <span class="tag warn">At capacity</span>' in page
    assert "Sponsor: Sam Sponsor" in page and "Cohort Spring 2026" in page
    assert "Training: yes" in page
    assert reverse("engagement_detail", args=[engagement.pk]) in page
    assert "Wren Waiting" in page and "No engagement yet" in page
    assert "Sponsor of 1 coachee here" in page
    assert "Coaches (1)" in page and "Coachees (2)" in page and "Sponsors (1)" in page


def test_the_page_is_paginated_and_searchable_in_a_fixed_number_of_queries(
    admin_client, programme, organisation, django_assert_max_num_queries
):
    people = [
        User(email=f"leader{i:03}@example.org", full_name=f"Leader {i:03}") for i in range(120)
    ]
    User.objects.bulk_create(people)
    people = list(User.objects.filter(email__startswith="leader"))
    Membership.objects.bulk_create([Membership(user=u, organisation=organisation) for u in people])
    ProgrammeMember.objects.bulk_create(
        [ProgrammeMember(programme=programme, user=u, role="coachee") for u in people]
    )
    place(programme, member(UserFactory.create(full_name="Zoe Coach"), organisation), "coach")
    place(programme, member(UserFactory.create(full_name="Zed Sponsor"), organisation), "sponsor")
    # Session, user, programme, policy, counts, the page, who is deactivated, coach loads,
    # coachees' engagements, sponsors' coachees, needing a new coach, the bell: 12, for 50
    # people a page as for 5.
    with django_assert_max_num_queries(12):
        first = text_of(admin_client.get(people_url(programme)))
    assert "Zoe Coach" in first  # coaches first, then coachees, then sponsors
    assert "Leader 000" in first and "Leader 048" in first and "Leader 049" not in first
    assert "Page 1 of 3" in first
    with django_assert_max_num_queries(12):
        third = text_of(admin_client.get(people_url(programme) + "?page=3"))
    assert "Leader 119" in third and "Zed Sponsor" in third and "Leader 000" not in third
    coaches = text_of(admin_client.get(people_url(programme) + "?role=coach"))
    assert "Zoe Coach" in coaches and "Leader 000" not in coaches
    found = text_of(admin_client.get(people_url(programme) + "?q=leader077"))
    assert "Leader 077" in found and "Leader 078" not in found
    nothing = text_of(admin_client.get(people_url(programme) + "?q=zebra"))
    assert "Nobody here matches “zebra”" in nothing


def test_adding_someone_new_invites_them_and_someone_known_is_told(
    admin_client, programme, coach, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(
            people_url(programme),
            {"full_name": "Nadia New", "email": "Nadia@Example.org", "role": "coachee"},
            follow=True,
        )
    assert "Nadia New added to Leaders 2026" in text_of(response)
    assert "emailed a link to choose a password" in text_of(response)
    assert ProgrammeMember.objects.filter(user__email="nadia@example.org", role="coachee").exists()
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(
            people_url(programme), {"email": coach.email, "role": "coach"}, follow=True
        )
    assert "they were told they were added" in text_of(response)
    assert [m.to[0] for m in mail.outbox] == ["nadia@example.org", coach.email]
    assert "/password/set/" in mail.outbox[0].body and "/password/set/" not in mail.outbox[1].body


def test_adding_says_what_is_wrong_next_to_the_field_and_stores_nothing(
    admin_client, programme, coachee
):
    place(programme, coachee, "coachee")
    before = ProgrammeMember.objects.count()
    response = admin_client.post(
        people_url(programme), {"email": "x@example.org", "role": "coachee"}
    )
    assert response.status_code == 422 and "Name is missing." in text_of(response)
    response = admin_client.post(
        people_url(programme),
        {
            "full_name": "X",
            "email": "x@example.org",
            "role": "coachee",
            "sponsor_email": "no@example.org",
        },
    )
    assert "Nobody with the address no@example.org is in" in text_of(response)
    response = admin_client.post(people_url(programme), {"email": coachee.email, "role": "coachee"})
    assert f"{coachee} is already coachee in this programme." in text_of(response)
    assert ProgrammeMember.objects.count() == before
    assert not User.objects.filter(email="x@example.org").exists()


def test_taking_out_someone_in_an_engagement_says_so_and_otherwise_works(
    admin_client, programme, engagement, coach, sponsor
):
    coach_place = place(programme, coach, "coach")
    response = admin_client.post(
        reverse("programme_member_remove", args=[programme.pk]),
        {"member": coach_place.pk},
        follow=True,
    )
    assert (
        "Casey Coach is the coach of 1 engagement in this programme, so they stay in it as coach"
        in text_of(response)
    )
    assert ProgrammeMember.objects.filter(pk=coach_place.pk).exists()
    lone = member(UserFactory.create(full_name="Lone Sponsor"), programme.organisation)
    lone_place = place(programme, lone, "sponsor")
    response = admin_client.post(
        reverse("programme_member_remove", args=[programme.pk]),
        {"member": lone_place.pk},
        follow=True,
    )
    assert "Lone Sponsor is no longer sponsor in Leaders 2026" in text_of(response)
    assert not ProgrammeMember.objects.filter(pk=lone_place.pk).exists()
    assert Membership.objects.filter(user=lone).exists()  # still in the organisation


def test_a_sponsor_of_coachees_is_not_taken_out_until_they_have_another(
    programme_admin, admin_client, programme, coachee, sponsor
):
    place(programme, coachee, "coachee", sponsor=sponsor)
    sponsor_place = place(programme, sponsor, "sponsor")
    response = admin_client.post(
        reverse("programme_member_remove", args=[programme.pk]),
        {"member": sponsor_place.pk},
        follow=True,
    )
    assert "is the sponsor of 1 coachee in this programme: give them another" in text_of(response)
    assert ProgrammeMember.objects.filter(pk=sponsor_place.pk).exists()


def test_a_coachees_sponsor_cohort_and_training_can_be_corrected(
    admin_client, programme, coachee, sponsor, django_capture_on_commit_callbacks
):
    coachee_place = place(programme, coachee, "coachee", cohort="Sprnig")
    url = reverse("programme_member_update", args=[programme.pk])
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(
            url,
            {
                "member": coachee_place.pk,
                "sponsor_email": sponsor.email,
                "cohort": "Spring",
                "training": "no",
                "back": people_url(programme) + "?q=lee",
            },
        )
    assert response["Location"] == people_url(programme) + "?q=lee"
    coachee_place.refresh_from_db()
    assert (coachee_place.sponsor, coachee_place.cohort, coachee_place.took_training) == (
        sponsor,
        "Spring",
        False,
    )
    # The sponsor joined the programme's sponsors and was told so.
    assert ProgrammeMember.objects.filter(
        programme=programme, user=sponsor, role="sponsor"
    ).exists()
    assert [m.to for m in mail.outbox] == [[sponsor.email]]
    response = admin_client.post(
        url,
        {
            "member": coachee_place.pk,
            "sponsor_email": coachee.email,
            "back": "https://evil.example/",
        },
        follow=True,
    )
    assert "A coachee cannot be their own sponsor." in text_of(response)
    assert response.redirect_chain[0][0] == people_url(programme)


def test_the_import_page_explains_the_columns_and_offers_the_example(admin_client, programme):
    page = text_of(admin_client.get(import_url(programme)))
    assert "sponsor_email" in page and "Excel: save as “CSV UTF-8”" in page
    example = admin_client.get(reverse("programme_people_example", args=[programme.pk]))
    assert example["Content-Type"] == "text/csv; charset=utf-8"
    assert "attachment" in example["Content-Disposition"]
    assert example.content == EXAMPLE_CSV.read_bytes()


def test_the_example_file_previews_without_a_problem(admin_client, programme):
    upload = SimpleUploadedFile("people.csv", EXAMPLE_CSV.read_bytes(), "text/csv")
    response = admin_client.post(import_url(programme), {"step": "upload", "file": upload})
    assert response.status_code == 200
    page = text_of(response)
    assert "with problems" not in page and "Import 8 rows" in page


def test_uploading_shows_every_row_with_its_problem_and_stores_nothing(admin_client, programme):
    data = (HEADER + "Ana Ruiz,ana@example.org,coachee,,,\nBo Lee,bo@,coach,,,\n").encode()
    before = (User.objects.count(), ProgrammeMember.objects.count())
    response = admin_client.post(
        import_url(programme),
        {"step": "upload", "file": SimpleUploadedFile("p.csv", b"\xef\xbb\xbf" + data)},
    )
    page = text_of(response)
    assert response.status_code == 200
    assert "Nothing is stored yet." in page
    assert "<td>3</td> <td>Bo Lee</td>" in page and "“bo@” is not a valid email address." in page
    assert "Import the 1 good row and skip the rest" in page
    assert (User.objects.count(), ProgrammeMember.objects.count()) == before


def test_fixing_the_text_on_the_preview_then_confirming_imports_it(
    admin_client, programme, django_capture_on_commit_callbacks
):
    fixed = HEADER + "Ana Ruiz,ana@example.org,coachee,,,\r\nBo Lee,bo@example.org,coach,,,\r\n"
    response = admin_client.post(import_url(programme), {"step": "recheck", "text": fixed})
    page = response.content.decode()
    fingerprint = re.search(r'name="fingerprint" value="([0-9a-f]+)"', page).group(1)
    assert "Everything is in order." in page
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(
            import_url(programme),
            {"step": "import", "text": fixed, "fingerprint": fingerprint},
            follow=True,
        )
    assert response.redirect_chain[-1][0] == people_url(programme)
    page = text_of(response)
    assert "Added 2 people to Leaders 2026." in page
    assert "2 new to" in page and "emailed a link to choose a password" in page
    assert "Ana Ruiz" in page and "Bo Lee" in page
    assert len(mail.outbox) == 2


def test_confirming_with_bad_rows_without_choosing_to_skip_imports_nothing(admin_client, programme):
    text = HEADER + "Ana,ana@example.org,coachee,,,\nBo,bo@,coach,,,\n"
    preview = admin_client.post(import_url(programme), {"step": "recheck", "text": text})
    fingerprint = re.search(r'name="fingerprint" value="([0-9a-f]+)"', preview.content.decode())
    response = admin_client.post(
        import_url(programme),
        {"step": "import", "text": text, "fingerprint": fingerprint.group(1)},
    )
    assert response.status_code == 422
    assert "1 row with problems: correct them, or choose to import" in text_of(response)
    assert not User.objects.filter(email="ana@example.org").exists()
    response = admin_client.post(
        import_url(programme),
        {"step": "import", "text": text, "fingerprint": fingerprint.group(1), "skip_errors": "on"},
        follow=True,
    )
    assert "1 row with problems skipped." in text_of(response)
    assert User.objects.filter(email="ana@example.org").exists()


def test_a_file_that_is_not_csv_or_too_big_says_so(admin_client, programme):
    xlsx = SimpleUploadedFile("people.xlsx", b"PK\x03\x04" + b"\x00" * 100)
    response = admin_client.post(import_url(programme), {"step": "upload", "file": xlsx})
    assert response.status_code == 422
    assert "This is an Excel workbook, not a CSV file." in text_of(response)
    big = SimpleUploadedFile("big.csv", HEADER.encode() + b"x" * (1024 * 1024 + 1))
    response = admin_client.post(import_url(programme), {"step": "upload", "file": big})
    assert "the limit is 1 MB" in text_of(response)
    headerless = SimpleUploadedFile("p.csv", b"Vorname;Mail\nAna;ana@example.org\n")
    response = admin_client.post(import_url(programme), {"step": "upload", "file": headerless})
    assert response.status_code == 422
    page = text_of(response)
    assert "The first line must name the columns" in page
    assert "Check again" in page  # the text can be corrected in place
    response = admin_client.post(import_url(programme), {"step": "upload"})
    assert response.status_code == 422 and "This field is required." in text_of(response)


def test_deactivated_coach_engagements_are_listed_as_needing_a_new_coach(
    programme_admin, admin_client, programme, engagement, coach, organisation
):
    ended = Engagement.objects.create(
        organisation=organisation,
        programme=programme,
        coach=coach,
        coachee=engagement.sponsor,
        status=Engagement.Status.COMPLETED,
        start_date=timezone.localdate() - dt.timedelta(days=200),
        title="Long done",
    )
    assert "Needs a new coach" not in text_of(admin_client.get(people_url(programme)))
    membership_deactivate(actor=programme_admin, membership=Membership.objects.get(user=coach))
    link = reverse("engagement_detail", args=[engagement.pk])
    for url in (people_url(programme), reverse("people", args=[organisation.slug])):
        page = text_of(admin_client.get(url))
        assert "Needs a new coach" in page and link in page
        assert "Casey Coach (deactivated)" in page
        assert reverse("engagement_detail", args=[ended.pk]) not in page


def test_engagements_from_other_organisations_are_never_listed(admin_client, programme, outsider):
    from conftest import OrganisationFactory, programme_of

    other = OrganisationFactory.create()
    their_coach = member(UserFactory.create(full_name="Far Coach"), other)
    their_coachee = member(UserFactory.create(full_name="Far Coachee"), other)
    Engagement.objects.create(
        organisation=other,
        programme=programme_of(other),
        coach=their_coach,
        coachee=their_coachee,
        start_date=timezone.localdate(),
    )
    Membership.objects.filter(user=their_coach).update(is_active=False)
    page = text_of(admin_client.get(people_url(programme)))
    assert "Far Coachee" not in page and "Needs a new coach" not in page


def test_an_archived_programme_offers_no_import(admin_client, programme):
    programme.archived_at = timezone.now()
    programme.save()
    page = text_of(admin_client.get(import_url(programme)))
    assert "is archived: nobody joins it any more" in page and 'type="file"' not in page
    response = admin_client.post(
        import_url(programme), {"step": "recheck", "text": HEADER + "A,a@example.org,coach,,,\n"}
    )
    assert response.status_code == 422 and "is archived" in text_of(response)
