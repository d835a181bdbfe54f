"""Targets as raters read them: about the coachee, not in the coachee's first person."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from tandem.core.tests.world import TARGET
from tandem.engagements import services
from tandem.engagements.wording import rater_wording
from tandem.feedback import services as feedback


@pytest.mark.parametrize(
    ("behaviour", "for_raters"),
    [
        ("I raise concerns early in meetings", "Raises concerns early in meetings"),
        (
            "I delegate whole outcomes, not tasks, and stay out of the detail",
            "Delegates whole outcomes, not tasks, and stays out of the detail",
        ),
        (
            "I let my team solve problems before I offer my answer",
            "Lets their team solve problems before they offer their answer",
        ),
        ("I'm calm when I am challenged", "Is calm when they are challenged"),
        ("I do my 1:1s and ask for feedback", "Does their 1:1s and asks for feedback"),
        ("I reply to email within a day", "Replies to email within a day"),
        ("I finish what I start", "Finishes what they start"),
        ("Asks two questions before giving a view", "Asks two questions before giving a view"),
    ],
)
def test_first_person_targets_are_worded_about_the_coachee(behaviour, for_raters):
    assert rater_wording(behaviour) == for_raters


def test_raters_see_the_saved_wording_and_editing_during_a_360_says_it_waits(
    engagement, coach, coachee
):
    target = services.target_create(
        actor=coachee, engagement=engagement, **TARGET, rater_wording="Speaks up early"
    )
    cycle = feedback.cycle_create(
        actor=coach,
        engagement=engagement,
        kind="baseline",
        closes_on=engagement.start_date.replace(year=engagement.start_date.year + 1),
        competency_keys=["candour"],
    )
    rater = feedback.invitation_nominate(
        actor=coachee, cycle=cycle, name="Pat", email="pat@example.org", group="peer"
    )
    feedback.invitation_review(actor=coach, invitation=rater, approve=True)
    feedback.cycle_open(actor=coach, cycle=cycle)
    cycle.refresh_from_db()
    texts = [i["text"] for s in cycle.questionnaire["sections"] for i in s["items"]]
    assert "Speaks up early" in texts and TARGET["behaviour"] not in texts
    client = Client()
    client.force_login(coachee)
    url = reverse("target_edit", args=[target.pk])
    assert "Its raters keep the questions they were sent" in client.get(url).content.decode()
    data = {**TARGET, "behaviour": "I speak up early", "rater_wording": "", "baseline_item": ""}
    response = client.post(url, {**data, "weight": 1}, follow=True)
    assert "the change shows from the next round" in response.content.decode()
    cycle.refresh_from_db()
    frozen = [i["text"] for s in cycle.questionnaire["sections"] for i in s["items"]]
    assert "Speaks up early" in frozen
