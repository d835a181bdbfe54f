"""A baseline 360 from nomination to answers, through services and the rater's link."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tandem.core.tests.world import TARGET
from tandem.engagements import services as engagements
from tandem.feedback import services
from tandem.feedback.models import Comment, FeedbackCycle, Invitation, Response

RATERS = [
    ("Mia Manager", "mia@example.org", "manager"),
    ("Pat Peer", "pat@example.org", "peer"),
    ("Pia Peer", "pia@example.org", "peer"),
    ("Paz Peer", "paz@example.org", "peer"),
    ("Dan Report", "dan@example.org", "direct_report"),
]


def _links() -> dict[str, str]:
    return {
        m.to[0]: re.search(r"http://\S+(/r/\S+/)", str(m.body)).group(1)  # type: ignore[union-attr]
        for m in mail.outbox
    }


def _all_answers(cycle: FeedbackCycle, value: str = "4") -> dict[str, str]:
    assert cycle.questionnaire is not None
    return {key: value for key in services.questionnaire_item_keys(cycle.questionnaire)}


def test_opening_freezes_the_questionnaire_and_emails_every_approved_rater(open_cycle):
    keys = services.questionnaire_item_keys(open_cycle.questionnaire)
    assert "delegation.outcomes" in keys and "candour.early" in keys
    assert any(k.startswith("target:") for k in keys)
    assert set(_links()) == {email for _, email, _ in RATERS}
    assert "shown only as averages of at least three" in mail.outbox[1].body
    # The token is not stored in clear: only its hash and a sealed copy.
    token = _links()["pat@example.org"].split("/")[2]
    assert not Invitation.objects.filter(token_hash=token).exists()


def test_manager_is_told_when_shown_alone(
    engagement, coach, coachee, django_capture_on_commit_callbacks
):
    cycle = services.cycle_create(
        actor=coach,
        engagement=engagement,
        kind="baseline",
        manager_shown_alone=True,
        closes_on=timezone.localdate() + dt.timedelta(days=7),
        competency_keys=["direction"],
    )
    inv = services.invitation_nominate(
        actor=coachee, cycle=cycle, name="Mia", email="mia@example.org", group="manager"
    )
    services.invitation_review(actor=coach, invitation=inv, approve=True)
    with django_capture_on_commit_callbacks(execute=True):
        services.cycle_open(actor=coach, cycle=cycle)
    assert "shown on their own, labelled 'Manager'" in mail.outbox[0].body


def test_a_rater_saves_resumes_and_submits_once(open_cycle):
    emailed = _links()["pat@example.org"]
    token = emailed.split("/")[2]
    client = Client()
    # The emailed link is exchanged for an address without its secret, for this browser.
    exchanged = client.get(emailed)
    assert exchanged.status_code == 302
    link = exchanged["Location"]
    assert token not in link and link.startswith("/r/s/")
    assert Client().get(link).status_code == 404  # another browser: the address means nothing
    page = client.get(link, follow=True)
    assert page.status_code == 200
    assert token not in page.content.decode()
    assert f'action="{link}"' in page.content.decode()
    assert "Hands over whole outcomes" in page.content.decode()
    # Targets are asked about the coachee, not in the coachee's own first person.
    assert TARGET["behaviour"] not in page.content.decode()
    keys = services.questionnaire_item_keys(open_cycle.questionnaire)
    client.post(link, {keys[0]: "5", keys[1]: "na", "comment": "Half done", "action": "save"})
    resumed = client.get(emailed, follow=True).content.decode()
    assert f'name="{keys[0]}" value="5" checked' in resumed and "Half done" in resumed
    assert not Response.objects.exists()
    incomplete = client.post(link, {keys[0]: "5", "action": "submit"})
    assert incomplete.status_code == 422
    page = incomplete.content.decode()
    assert f"{len(keys) - 1} question(s) have no answer yet" in page
    assert page.count("— no answer yet") == len(keys) - 1  # each one marked where it is
    assert not Response.objects.exists()
    done = client.post(
        link, {**_all_answers(open_cycle), keys[1]: "na", "comment": "Great", "action": "submit"}
    )
    assert "Thank you" in done.content.decode()
    response = Response.objects.get()
    assert response.group == "peer" and response.answers[keys[1]] is None
    assert Comment.objects.get().text == "Great"
    again = client.get(emailed)
    assert again.status_code == 404
    assert "already given your feedback" in again.content.decode()
    assert client.get(link, follow=True).status_code == 404  # the exchanged address is gone too
    invitation = Invitation.objects.get(email="pat@example.org")
    assert invitation.completed and invitation.draft == "" and invitation.token == ""


def test_forged_and_removed_links_get_a_clear_message(open_cycle, coach):
    client = Client()
    forged = client.get(reverse("rater_answer", args=["made-up-token"]))
    assert forged.status_code == 404 and "not valid" in forged.content.decode()
    link = _links()["dan@example.org"]
    services.invitation_remove(
        actor=coach, invitation=Invitation.objects.get(email="dan@example.org")
    )
    assert "not valid" in client.get(link, follow=True).content.decode()


def test_answers_are_stored_apart_from_who_gave_them(open_cycle):
    response_fields = {f.name for f in Response._meta.get_fields()}
    assert response_fields == {"id", "cycle", "group", "answers"}
    comment_fields = {f.name for f in Comment._meta.get_fields()}
    assert comment_fields == {"id", "cycle", "group", "text", "review"}
    client = Client()
    ids_before = set()
    for email in ("pat@example.org", "pia@example.org"):
        client.post(_links()[email], {**_all_answers(open_cycle), "action": "submit"})
        ids_now = set(Response.objects.values_list("id", flat=True))
        # Every submission rewrites all rows with fresh ids, in random order.
        assert not (ids_now & ids_before)
        ids_before = ids_now


def test_closing_mid_way_keeps_submitted_answers_and_tells_the_rater(open_cycle, coach):
    client = Client()
    client.post(_links()["pat@example.org"], {**_all_answers(open_cycle), "action": "submit"})
    halfway = _links()["pia@example.org"]
    client.post(halfway, {"action": "save", "comment": "draft"})
    services.cycle_close(actor=coach, cycle=open_cycle)
    page = client.get(halfway)
    assert page.status_code == 404 and "has closed" in page.content.decode()
    assert Response.objects.count() == 1
    assert Invitation.objects.get(email="pia@example.org").draft == ""


def test_an_expired_link_says_so_keeps_the_draft_and_works_again_once_extended(open_cycle, coach):
    client = Client()
    link = _links()["pia@example.org"]
    client.post(link, {"action": "save", "comment": "half-way thoughts"})
    FeedbackCycle.objects.filter(pk=open_cycle.pk).update(
        closes_on=timezone.localdate() - dt.timedelta(days=1)
    )
    page = client.get(link, follow=True)
    assert page.status_code == 404
    assert "The deadline for this feedback was" in page.content.decode()
    refused = client.post(link, {**_all_answers(open_cycle), "action": "submit"})
    assert refused.status_code == 404 and not Response.objects.exists()
    open_cycle.refresh_from_db()
    with pytest.raises(ValidationError, match="extend it first"):
        services.cycle_send_reminders(actor=coach, cycle=open_cycle)

    coach_client = Client()
    coach_client.force_login(coach)
    cycle_page = coach_client.get(reverse("cycle_detail", args=[open_cycle.pk])).content.decode()
    assert "has passed" in cycle_page
    new_day = timezone.localdate() + dt.timedelta(days=5)
    response = coach_client.post(
        reverse("cycle_extend", args=[open_cycle.pk]), {"closes_on": new_day.isoformat()}
    )
    assert response.status_code == 302
    open_cycle.refresh_from_db()
    assert open_cycle.closes_on == new_day and not open_cycle.past_deadline
    assert (
        "half-way thoughts" in client.get(link, follow=True).content.decode()
    )  # the draft survived


def test_a_deadline_moves_only_forward_and_only_while_the_cycle_runs(open_cycle, coach, coachee):
    coach_client = Client()
    coach_client.force_login(coach)
    url = reverse("cycle_extend", args=[open_cycle.pk])
    before = open_cycle.closes_on
    page = coach_client.post(url, {"closes_on": timezone.localdate().isoformat()}, follow=True)
    assert "Give raters until a date after today." in page.content.decode()
    page = coach_client.post(url, {"closes_on": "next tuesday"}, follow=True)
    assert "Choose the new date" in page.content.decode()
    open_cycle.refresh_from_db()
    assert open_cycle.closes_on == before
    with pytest.raises(PermissionDenied):
        services.cycle_extend(actor=coachee, cycle=open_cycle, closes_on=before)
    services.cycle_close(actor=coach, cycle=open_cycle)
    with pytest.raises(ValidationError, match="closed"):
        services.cycle_extend(
            actor=coach, cycle=open_cycle, closes_on=before + dt.timedelta(days=3)
        )


def test_removing_a_rater_after_they_answered_keeps_their_answers(open_cycle, coach):
    Client().post(_links()["pat@example.org"], {**_all_answers(open_cycle), "action": "submit"})
    services.invitation_remove(
        actor=coach, invitation=Invitation.objects.get(email="pat@example.org")
    )
    assert Response.objects.count() == 1


def test_changing_targets_after_opening_does_not_change_the_questionnaire(open_cycle, coach):
    before = open_cycle.questionnaire
    engagement = open_cycle.engagement
    target = engagement.targets.get()
    engagements.target_update(actor=coach, target=target, behaviour="Something else")
    open_cycle.refresh_from_db()
    assert open_cycle.questionnaire == before


def _answered_table(client: Client, cycle: FeedbackCycle) -> str:
    page = client.get(reverse("cycle_detail", args=[cycle.pk])).content.decode()
    start = page.index("Answers so far")
    return page[start : page.index("</section>", start)]


def test_while_open_the_coachee_and_coach_see_only_the_total_answered(open_cycle, coach, coachee):
    # Manager 1, peers 3, direct report 1: any group's count would say who answered.
    Client().post(_links()["mia@example.org"], {**_all_answers(open_cycle), "action": "submit"})
    FeedbackCycle.objects.filter(pk=open_cycle.pk).update(manager_shown_alone=True)
    for person in (coachee, coach):
        client = Client()
        client.force_login(person)
        answered = _answered_table(client, open_cycle)
        assert "All raters</td><td>1</td><td>5</td>" in answered
        for group in ("Manager", "Peers", "Direct reports", "Others"):
            assert f"<td>{group}" not in answered
    Client().post(_links()["pat@example.org"], {**_all_answers(open_cycle), "action": "submit"})
    answered = _answered_table(client, open_cycle)
    assert "All raters</td><td>2</td><td>5</td>" in answered and "<td>Peers" not in answered


def test_completion_shows_no_counts_under_three_raters(cycle, coach, coachee):
    only = services.invitation_nominate(
        actor=coachee, cycle=cycle, name="Ann", email="ann@example.org", group="stakeholder"
    )
    services.invitation_review(actor=coach, invitation=only, approve=True)
    services.cycle_open(actor=coach, cycle=cycle)
    client = Client()
    client.force_login(coachee)
    assert "Counts show once at least three raters are asked" in _answered_table(client, cycle)


def test_coachee_answers_the_self_assessment_in_the_app(open_cycle, coachee):
    client = Client()
    client.force_login(coachee)
    url = reverse("self_assessment", args=[open_cycle.pk])
    assert "Your self-assessment" in client.get(url).content.decode()
    done = client.post(url, {**_all_answers(open_cycle, "5"), "action": "submit"})
    assert "Your self-assessment is in" in done.content.decode()
    assert Response.objects.get().group == "self"


def test_past_the_deadline_the_coachee_is_not_offered_the_self_assessment(open_cycle, coachee):
    FeedbackCycle.objects.filter(pk=open_cycle.pk).update(
        closes_on=timezone.localdate() - dt.timedelta(days=1)
    )
    client = Client()
    client.force_login(coachee)
    page = client.get(reverse("cycle_detail", args=[open_cycle.pk])).content.decode()
    assert reverse("self_assessment", args=[open_cycle.pk]) not in page


def test_the_manager_shown_alone_is_thanked_with_what_their_invitation_said(open_cycle):
    FeedbackCycle.objects.filter(pk=open_cycle.pk).update(manager_shown_alone=True)
    done = Client().post(
        _links()["mia@example.org"], {**_all_answers(open_cycle), "action": "submit"}
    )
    assert "shown on their own" in done.content.decode()
    peer = Client().post(
        _links()["pat@example.org"], {**_all_answers(open_cycle), "action": "submit"}
    )
    assert "combined with at least two others" in peer.content.decode()


def test_nomination_rules(cycle, coachee, coach, sponsor):
    with pytest.raises(ValidationError) as info:
        services.invitation_nominate(
            actor=coachee, cycle=cycle, name="Me", email=coachee.email, group="peer"
        )
    assert "self-assessment" in str(info.value)
    services.invitation_nominate(
        actor=coachee, cycle=cycle, name="A", email="a@example.org", group="peer"
    )
    with pytest.raises(ValidationError, match="already on the list"):
        services.invitation_nominate(
            actor=coachee, cycle=cycle, name="A", email="A@example.org", group="peer"
        )
    with pytest.raises(PermissionDenied):
        services.invitation_nominate(
            actor=sponsor, cycle=cycle, name="B", email="b@example.org", group="peer"
        )
    with pytest.raises(ValidationError, match="the coach cannot also be a rater"):
        services.invitation_nominate(
            actor=coachee, cycle=cycle, name="C", email=coach.email, group="peer"
        )


def test_a_cycle_needs_an_approved_rater_to_open(cycle, coach):
    with pytest.raises(ValidationError, match="Approve at least one"):
        services.cycle_open(actor=coach, cycle=cycle)


def test_later_rounds_need_a_baseline_first(engagement, coach):
    engagements.target_create(actor=coach, engagement=engagement, **TARGET)
    with pytest.raises(ValidationError, match="baseline 360 first"):
        services.cycle_create(
            actor=coach,
            engagement=engagement,
            kind="midpoint",
            closes_on=timezone.localdate() + dt.timedelta(days=7),
        )


def test_a_removed_rater_who_never_answered_can_be_proposed_again(open_cycle, coach, coachee):
    pat = open_cycle.invitations.get(email="pat@example.org")
    services.invitation_remove(actor=coach, invitation=pat)
    again = services.invitation_nominate(
        actor=coachee, cycle=open_cycle, name="Pat Peer", email="pat@example.org", group="peer"
    )
    assert again.pk == pat.pk and again.status == "proposed"
    client = Client()
    client.force_login(coach)
    response = client.post(reverse("invitation_review", args=[again.pk]), {"approve": "1"})
    assert "Pat Peer approved; their link is on its way." in _flash(client, response)


def test_proposing_again_never_tells_who_has_answered(open_cycle, coach, coachee):
    Client().post(_links()["pat@example.org"], {**_all_answers(open_cycle), "action": "submit"})
    messages = []
    for email in ("pat@example.org", "pia@example.org"):  # answered / not answered
        with pytest.raises(ValidationError) as info:
            services.invitation_nominate(
                actor=coachee, cycle=open_cycle, name="X", email=email, group="peer"
            )
        messages.append(str(info.value).replace("Pat Peer", "N").replace("Pia Peer", "N"))
    assert messages[0] == messages[1] and "already on the list" in messages[0]


def test_removing_a_rater_moves_no_count_that_says_whether_they_answered(
    open_cycle, coach, coachee, django_capture_on_commit_callbacks
):
    from tandem.feedback.selectors import completion_counts

    Client().post(_links()["pat@example.org"], {**_all_answers(open_cycle), "action": "submit"})
    before = completion_counts(open_cycle)
    for email in ("pat@example.org", "pia@example.org"):  # answered / not answered
        services.invitation_remove(actor=coach, invitation=open_cycle.invitations.get(email=email))
        assert completion_counts(open_cycle) == before
    # Proposed again, the one who answered gets a link like anyone; it only thanks them.
    mail.outbox.clear()
    again = services.invitation_nominate(
        actor=coachee, cycle=open_cycle, name="Pat", email="pat@example.org", group="peer"
    )
    with django_capture_on_commit_callbacks(execute=True):
        services.invitation_review(actor=coach, invitation=again, approve=True)
    link = _links()["pat@example.org"]
    assert "already given your feedback" in Client().get(link, follow=True).content.decode()
    assert Response.objects.count() == 1


def test_nominate_errors_name_their_field(cycle, coachee):
    client = Client()
    client.force_login(coachee)
    page = client.post(reverse("cycle_nominate", args=[cycle.pk]), {}).content.decode()
    assert "Name: give the rater" in page and "Email: give the rater" in page
    assert "Group: choose" in page and "This field is required" not in page


def test_closing_says_what_it_sets_aside_without_counting_anyone(open_cycle, coach):
    link = _links()["pat@example.org"]
    Client().post(link, {**_all_answers(open_cycle), "action": "save"})
    client = Client()
    client.force_login(coach)
    page = client.get(reverse("cycle_detail", args=[open_cycle.pk])).content.decode()
    # Said the same whether or not anyone has a draft: a count would move when one is removed.
    assert "Answers saved but not submitted are discarded at close" in page
    assert 'data-confirm="Close the 360 now?' in page
    assert "1 rater" not in page
    response = client.post(reverse("cycle_close", args=[open_cycle.pk]))
    flash = _flash(client, response)
    assert "Answers saved but not submitted were discarded" in flash
    assert not open_cycle.invitations.exclude(draft="").exists()


def test_re_proposing_a_removed_rater_moves_no_count(open_cycle, coach, coachee):
    from tandem.feedback.selectors import completion_counts

    Client().post(_links()["pat@example.org"], {**_all_answers(open_cycle), "action": "submit"})
    before = completion_counts(open_cycle)
    for email in ("pat@example.org", "pia@example.org"):  # answered / not answered
        services.invitation_remove(actor=coach, invitation=open_cycle.invitations.get(email=email))
        services.invitation_nominate(
            actor=coachee, cycle=open_cycle, name="X", email=email, group="peer"
        )
        assert completion_counts(open_cycle) == before


def _flash(client: Client, response) -> str:
    return client.get(response["Location"]).content.decode()
