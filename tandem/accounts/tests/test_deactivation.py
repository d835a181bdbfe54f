"""Deactivating a person: they cannot sign in, see nothing, their records stay, and the
admins see which engagements need a new coach. Reactivating undoes it."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from conftest import PASSWORD, OrganisationFactory, UserFactory, member
from tandem.accounts import services
from tandem.accounts.models import Membership, User
from tandem.coaching_sessions.models import CoachingSession
from tandem.core.tests.world import build_world
from tandem.engagements import services as engagements
from tandem.engagements.models import Engagement


def membership_of(user, organisation) -> Membership:
    return Membership.objects.get(user=user, organisation=organisation)


def signed_in(user) -> Client:
    client = Client()
    assert client.login(username=user.email, password=PASSWORD)
    return client


def text_of(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


def test_a_deactivated_person_cannot_sign_in_and_an_open_session_stops(
    programme_admin, organisation, engagement, coachee
):
    session = signed_in(coachee)
    assert session.get(reverse("engagement_detail", args=[engagement.pk])).status_code == 200
    services.membership_deactivate(
        actor=programme_admin, membership=membership_of(coachee, organisation)
    )
    coachee.refresh_from_db()
    assert coachee.is_active is False
    response = session.get(reverse("engagement_detail", args=[engagement.pk]))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
    assert not Client().login(username=coachee.email, password=PASSWORD)
    client = Client()
    page = client.post(reverse("account_login"), {"login": coachee.email, "password": PASSWORD})
    assert "_auth_user_id" not in client.session  # not a way in
    assert page.status_code == 200 or page["Location"] == reverse("account_inactive")


def test_records_stay_and_reactivation_restores_everything(
    programme_admin, organisation, engagement, coach, coachee
):
    world = build_world(engagement)
    counts = (CoachingSession.objects.count(), Engagement.objects.count())
    membership = membership_of(coach, organisation)
    services.membership_deactivate(actor=programme_admin, membership=membership)
    assert (CoachingSession.objects.count(), Engagement.objects.count()) == counts
    world.private_note.refresh_from_db()
    assert world.private_note.body == "Seems tired."

    services.membership_reactivate(actor=programme_admin, membership=membership)
    membership.refresh_from_db()
    assert membership.is_active and membership.deactivated_at is None
    page = signed_in(coach).get(reverse("private_note", args=[world.session.pk]))
    assert "Seems tired." in page.content.decode()


def test_someone_active_in_another_organisation_still_signs_in_but_sees_nothing_here(
    programme_admin, organisation, engagement, coach
):
    elsewhere = OrganisationFactory.create(name="Elsewhere Ltd")
    member(coach, elsewhere)
    services.membership_deactivate(
        actor=programme_admin, membership=membership_of(coach, organisation)
    )
    coach.refresh_from_db()
    assert coach.is_active
    client = signed_in(coach)
    assert engagement.display_title not in client.get(reverse("home")).content.decode()
    assert client.get(reverse("engagement_detail", args=[engagement.pk])).status_code == 404
    # Nor can they be made part of a new engagement there.
    with pytest.raises(ValidationError, match="deactivated in"):
        engagements.engagement_create(
            actor=programme_admin,
            organisation=organisation,
            programme=engagement.programme,
            kind=Engagement.Kind.COACHING,
            coach=coach,
            coachee=engagement.sponsor,
            start_date=timezone.localdate(),
        )


def test_a_deactivated_programme_admin_runs_nothing_any_more(
    organisation, engagement, programme_admin, programme
):
    second = member(UserFactory.create(), organisation, Membership.Role.PROGRAMME_ADMIN)
    member(programme_admin, OrganisationFactory.create())  # keeps them able to sign in
    services.membership_deactivate(
        actor=second, membership=membership_of(programme_admin, organisation)
    )
    client = signed_in(programme_admin)
    assert client.get(reverse("people", args=[organisation.slug])).status_code == 404
    assert client.get(reverse("engagement_detail", args=[engagement.pk])).status_code == 404
    assert client.get(reverse("programme_people", args=[programme.pk])).status_code == 404


def test_the_last_active_programme_admin_cannot_be_deactivated(programme_admin, organisation):
    membership = membership_of(programme_admin, organisation)
    with pytest.raises(ValidationError, match="last active programme admin"):
        services.membership_deactivate(actor=programme_admin, membership=membership)
    # An inactive second admin does not count as a remaining admin.
    other = member(UserFactory.create(), organisation, Membership.Role.PROGRAMME_ADMIN)
    services.membership_deactivate(
        actor=programme_admin, membership=membership_of(other, organisation)
    )
    with pytest.raises(ValidationError, match="last active programme admin"):
        services.membership_deactivate(actor=programme_admin, membership=membership)
    with pytest.raises(ValidationError, match="at least one programme admin"):
        services.membership_set_role(actor=programme_admin, membership=membership, role="member")


def test_an_admin_cannot_deactivate_themselves(programme_admin, organisation):
    member(UserFactory.create(), organisation, Membership.Role.PROGRAMME_ADMIN)
    with pytest.raises(ValidationError, match="cannot deactivate yourself"):
        services.membership_deactivate(
            actor=programme_admin, membership=membership_of(programme_admin, organisation)
        )


def test_deactivating_asks_first_and_names_the_engagements_it_touches(
    programme_admin, organisation, engagement, coach
):
    client = signed_in(programme_admin)
    membership = membership_of(coach, organisation)
    url = reverse("member_deactivate", args=[organisation.slug, membership.pk])
    page = text_of(client.get(url))
    assert "Deactivate Casey Coach?" in page
    assert "can no longer sign in" in page and "Their records stay" in page
    assert reverse("engagement_detail", args=[engagement.pk]) in page
    assert "needing a new coach" in page
    membership.refresh_from_db()
    assert membership.is_active  # looking at the question changes nothing
    response = client.post(url, follow=True)
    page = text_of(response)
    assert "Casey Coach is deactivated in" in page
    assert "Needs a new coach" in page and "Casey Coach (deactivated)" in page
    assert "Deactivated" in page and "Reactivate Casey Coach" in page
    response = client.post(
        reverse("member_reactivate", args=[organisation.slug, membership.pk]), follow=True
    )
    assert "Casey Coach is active again" in text_of(response)
    assert "Needs a new coach" not in text_of(response)


def test_the_people_page_filters_and_searches(programme_admin, organisation, coach, coachee):
    services.membership_deactivate(
        actor=programme_admin, membership=membership_of(coachee, organisation)
    )
    client = signed_in(programme_admin)
    url = reverse("people", args=[organisation.slug])
    gone = text_of(client.get(url + "?status=deactivated"))
    assert "Lee Leader" in gone and "Casey Coach" not in gone
    assert "Deactivated (1)" in gone
    found = text_of(client.get(url + "?q=casey"))
    assert "Casey Coach" in found and "Lee Leader" not in found


def test_members_cannot_deactivate(coach, coachee, organisation):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        services.membership_deactivate(actor=coach, membership=membership_of(coachee, organisation))


# --- correcting names and addresses ---------------------------------------------------------


def invited(organisation, admin, django_capture_on_commit_callbacks, email="nia@example.og"):
    with django_capture_on_commit_callbacks(execute=True):
        return services.membership_add(
            actor=admin,
            organisation=organisation,
            email=email,
            full_name="Nia New",
            role="member",
            base_url="http://testserver/",
        )


def test_a_mistyped_invitation_address_is_corrected_and_a_fresh_link_goes_out(
    programme_admin, organisation, django_capture_on_commit_callbacks
):
    membership = invited(organisation, programme_admin, django_capture_on_commit_callbacks)
    old_link = re.search(r"http://testserver(/password/set/\S+)", mail.outbox[0].body).group(1)
    User.objects.filter(pk=membership.user_id).update(email_bounced_at=timezone.now())
    client = signed_in(programme_admin)
    url = reverse("person_edit", args=[organisation.slug, membership.pk])
    assert "have been refused since" in text_of(client.get(url))
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            url, {"full_name": "Nia Newton", "email": "nia@example.org"}, follow=True
        )
    assert "Saved Nia Newton. An email went to nia@example.org" in text_of(response)
    user = User.objects.get(pk=membership.user_id)
    assert (user.email, user.full_name, user.email_bounced_at) == (
        "nia@example.org",
        "Nia Newton",
        None,
    )
    assert mail.outbox[-1].to == ["nia@example.org"]
    new_link = re.search(r"http://testserver(/password/set/\S+)", mail.outbox[-1].body).group(1)
    assert "Choose your password" in text_of(Client().get(new_link, follow=True))
    # The link sent to the wrong address no longer works.
    assert "Choose your password" not in text_of(Client().get(old_link, follow=True))


def test_an_address_already_taken_says_so(
    programme_admin, organisation, coach, django_capture_on_commit_callbacks
):
    membership = invited(organisation, programme_admin, django_capture_on_commit_callbacks)
    outsider_user = UserFactory.create(email="far@example.org")
    member(outsider_user, OrganisationFactory.create())
    with pytest.raises(ValidationError) as exc:
        services.person_update(
            actor=programme_admin,
            membership=membership,
            full_name="Nia",
            email=coach.email,
            base_url="http://x/",
        )
    assert exc.value.message_dict["email"] == [
        f"{coach.email} is already Casey Coach's address in {organisation}."
    ]
    with pytest.raises(ValidationError, match="already used by someone else on Tandem"):
        services.person_update(
            actor=programme_admin,
            membership=membership,
            full_name="Nia",
            email="FAR@example.org",
            base_url="http://x/",
        )


def test_the_address_of_someone_who_signs_in_and_gets_email_stays_put(
    programme_admin, organisation, coachee, django_capture_on_commit_callbacks
):
    membership = membership_of(coachee, organisation)
    client = signed_in(programme_admin)
    url = reverse("person_edit", args=[organisation.slug, membership.pk])
    page = text_of(client.get(url))
    assert "signs in with this address and emails to it arrive" in page
    assert '<input type="email" id="id_email" value="' + coachee.email + '" disabled>' in page
    with pytest.raises(ValidationError, match="whoever holds a sign-in address"):
        services.person_update(
            actor=programme_admin,
            membership=membership,
            full_name="Lee Leader",
            email="hr-controlled@example.org",
            base_url="http://x/",
        )
    # The name can be corrected all the same.
    response = client.post(url, {"full_name": "Lee Leader-Smith", "email": coachee.email})
    assert response.status_code == 302
    coachee.refresh_from_db()
    assert (coachee.full_name, coachee.email) == ("Lee Leader-Smith", coachee.email)
    # Once emails to it bounce, the admin can correct it; the person is told at the new one.
    User.objects.filter(pk=coachee.pk).update(email_bounced_at=timezone.now())
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, {"full_name": "Lee Leader-Smith", "email": "lee.new@example.org"})
    coachee.refresh_from_db()
    assert coachee.email == "lee.new@example.org" and coachee.email_bounced_at is None
    (notice,) = mail.outbox
    assert notice.to == ["lee.new@example.org"]
    assert notice.subject == "Your address on Tandem is now lee.new@example.org"
    assert "/password/set/" not in notice.body  # they keep their password
    assert Client().login(username="lee.new@example.org", password=PASSWORD)


def test_people_of_another_organisation_too_are_not_edited_from_here(
    programme_admin, organisation, coach
):
    member(coach, OrganisationFactory.create())
    with pytest.raises(ValidationError, match="also belongs to another organisation"):
        services.person_update(
            actor=programme_admin,
            membership=membership_of(coach, organisation),
            full_name="Renamed",
            email=coach.email,
            base_url="http://x/",
        )


def test_an_invitation_can_be_sent_again_until_a_password_is_chosen(
    programme_admin, organisation, coach, django_capture_on_commit_callbacks
):
    membership = invited(organisation, programme_admin, django_capture_on_commit_callbacks)
    client = signed_in(programme_admin)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("member_invite", args=[organisation.slug, membership.pk]), follow=True
        )
    assert "A new link to choose a password went to nia@example.og" in text_of(response)
    assert len(mail.outbox) == 2 and "sent you a new link" in mail.outbox[1].body
    response = client.post(
        reverse("member_invite", args=[organisation.slug, membership_of(coach, organisation).pk]),
        follow=True,
    )
    assert "has chosen a password already" in text_of(response)
    assert len(mail.outbox) == 2


def test_a_refused_address_is_marked_for_the_admin_to_fix(
    programme_admin, organisation, monkeypatch, django_capture_on_commit_callbacks
):
    import smtplib

    from django.core.mail import EmailMessage

    def refuse(self, fail_silently=False):
        raise smtplib.SMTPRecipientsRefused({self.to[0]: (550, b"No such user")})

    monkeypatch.setattr(EmailMessage, "send", refuse)
    membership = invited(organisation, programme_admin, django_capture_on_commit_callbacks)
    user = User.objects.get(pk=membership.user_id)
    assert user.email_bounced_at is not None
    page = text_of(signed_in(programme_admin).get(reverse("people", args=[organisation.slug])))
    assert "Emails refused" in page


def test_an_engagement_whose_sponsor_was_deactivated_can_still_be_edited(
    programme_admin, organisation, engagement, sponsor
):
    from tandem.engagements import people

    services.membership_deactivate(
        actor=programme_admin, membership=membership_of(sponsor, organisation)
    )
    engagement.refresh_from_db()
    new_end = engagement.end_date + dt.timedelta(days=7)
    engagements.engagement_update(
        actor=programme_admin,
        engagement=engagement,
        expected_version=engagement.version,
        end_date=new_end,
    )
    engagement.refresh_from_db()
    assert engagement.end_date == new_end and engagement.sponsor == sponsor
    newcomer = member(UserFactory.create(), organisation)
    services.membership_deactivate(
        actor=programme_admin, membership=membership_of(newcomer, organisation)
    )
    with pytest.raises(ValidationError, match="deactivated in"):
        people.sponsor_change_propose(
            actor=programme_admin, engagement=engagement, new_sponsor=newcomer
        )


def test_deactivated_people_are_not_offered_for_a_new_engagement(
    programme_admin, organisation, coach, coachee
):
    services.membership_deactivate(
        actor=programme_admin, membership=membership_of(coach, organisation)
    )
    page = signed_in(programme_admin).get(reverse("engagement_new")).content.decode()
    assert coachee.full_name in page
    assert coach.full_name not in page


def test_someone_deactivated_elsewhere_who_joins_here_can_sign_in_again(
    programme_admin, organisation, django_capture_on_commit_callbacks
):
    former = UserFactory.create(email="former@example.org")
    other = OrganisationFactory.create()
    member(former, other)
    Membership.objects.filter(user=former).update(is_active=False)
    User.objects.filter(pk=former.pk).update(is_active=False)
    with django_capture_on_commit_callbacks(execute=True):
        services.membership_add(
            actor=programme_admin,
            organisation=organisation,
            email="former@example.org",
            full_name="Former Person",
            role="member",
            base_url="http://testserver/",
        )
    # They can sign in again, to answer the invitation (they join only if they accept).
    assert Client().login(username="former@example.org", password=PASSWORD)
    assert not Membership.objects.filter(user=former, organisation=organisation).exists()
    assert "/password/set/" not in mail.outbox[0].body  # they have a password already
    assert "Nothing changes unless you accept" in mail.outbox[0].body


def test_an_account_switched_off_altogether_also_needs_a_new_coach(
    programme_admin, organisation, engagement, coach
):
    from tandem.programmes.people.selectors import engagements_needing_a_coach

    assert list(engagements_needing_a_coach(organisation=organisation)) == []
    User.objects.filter(pk=coach.pk).update(is_active=False)  # by an operator, say
    assert list(engagements_needing_a_coach(organisation=organisation)) == [engagement]
