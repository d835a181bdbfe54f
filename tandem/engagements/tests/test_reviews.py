from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse

from tandem.core.tests.world import TARGET
from tandem.engagements import reviews, services
from tandem.engagements.models import Review


@pytest.fixture
def targets(engagement, coach):
    return [
        services.target_create(actor=coach, engagement=engagement, **TARGET),
        services.target_create(actor=coach, engagement=engagement, **TARGET),
    ]


def test_both_rate_every_target_and_get_a_t_score(engagement, coach, coachee, targets):
    a, b = targets
    reviews.review_rate(actor=coach, engagement=engagement, kind="close", levels={a.pk: 1, b.pk: 1})
    review = Review.objects.get()
    scores = reviews.review_scores(review, targets)
    # Two equal-weight goals at +1, rho 0.3: 50 + 10*2/sqrt(0.7*2 + 0.3*4) = 50 + 20/sqrt(2.6)
    assert scores.coach == round(50 + 20 / 2.6**0.5, 1) == 62.4
    assert scores.coachee is None  # not rated yet
    reviews.review_rate(
        actor=coachee, engagement=engagement, kind="close", levels={a.pk: 0, b.pk: 0}
    )
    assert reviews.review_scores(review, targets).coachee == 50.0


def test_every_target_needs_a_level(engagement, coach, targets):
    with pytest.raises(ValidationError, match="Rate every target"):
        reviews.review_rate(
            actor=coach, engagement=engagement, kind="midpoint", levels={targets[0].pk: 0}
        )
    assert not Review.objects.exists()


def test_sponsor_cannot_rate(engagement, sponsor, targets):
    with pytest.raises(PermissionDenied):
        reviews.review_rate(actor=sponsor, engagement=engagement, kind="midpoint", levels={})


def test_sponsor_sees_only_the_approved_summary(engagement, coach, coachee, sponsor, targets):
    draft = reviews.sponsor_summary_save(
        actor=coachee,
        engagement=engagement,
        kind="midpoint",
        text="Working on delegation; progress with Dev.",
        approve=False,
        expected_version=None,
    )
    assert list(reviews.sponsor_summaries_for(user=sponsor, engagement=engagement)) == []
    assert list(reviews.sponsor_summaries_for(user=coach, engagement=engagement)) == [draft]
    client = Client()
    client.force_login(sponsor)
    url = reverse("engagement_detail", args=[engagement.pk])
    assert "progress with Dev" not in client.get(url).content.decode()
    reviews.sponsor_summary_save(
        actor=coachee,
        engagement=engagement,
        kind="midpoint",
        text="Working on delegation; progress with Dev.",
        approve=True,
        expected_version=draft.version,
    )
    assert "progress with Dev" in client.get(url).content.decode()
    assert client.get(reverse("review_detail", args=[engagement.pk, "midpoint"])).status_code == 403


def test_only_the_coachee_writes_the_summary_and_approval_is_final(engagement, coach, coachee):
    with pytest.raises(PermissionDenied):
        reviews.sponsor_summary_save(
            actor=coach,
            engagement=engagement,
            kind="close",
            text="x",
            approve=True,
            expected_version=None,
        )
    reviews.sponsor_summary_save(
        actor=coachee,
        engagement=engagement,
        kind="close",
        text="Done",
        approve=True,
        expected_version=None,
    )
    with pytest.raises(ValidationError, match="can no longer change"):
        reviews.sponsor_summary_save(
            actor=coachee,
            engagement=engagement,
            kind="close",
            text="Changed",
            approve=False,
            expected_version=None,
        )


def test_review_page_rates_through_the_form(engagement, coach, targets):
    client = Client()
    client.force_login(coach)
    url = reverse("review_detail", args=[engagement.pk, "midpoint"])
    bad = client.post(url, {"form": "ratings", f"t-{targets[0].pk}": "1"})
    assert bad.status_code == 422 and "Rate every target" in bad.content.decode()
    client.post(url, {"form": "ratings", **{f"t-{t.pk}": "0" for t in targets}})
    page = client.get(url).content.decode()
    assert "50.0" in page


def test_editing_the_contract_later_does_not_rewrite_a_past_review(
    engagement, coach, coachee, targets
):
    a, b = targets
    reviews.review_rate(
        actor=coach, engagement=engagement, kind="midpoint", levels={a.pk: 2, b.pk: 0}
    )
    review = Review.objects.get()
    before = reviews.review_scores(review, targets).coach
    services.target_update(actor=coach, target=a, behaviour="I stop reading email", weight=5)
    a.refresh_from_db()
    after = reviews.review_scores(review, [a, b])
    assert after.coach == before  # the weights as rated, not as edited
    assert after.rated_as[a.pk]["coach"][:2] == (TARGET["behaviour"], 2)
    client = Client()
    client.force_login(coach)
    page = client.get(reverse("review_detail", args=[engagement.pk, "midpoint"])).content.decode()
    assert "The coach rated this +2" in page and "rate it again" in page


def test_adding_or_removing_a_target_later_leaves_a_past_t_score_alone(
    engagement, coach, coachee, targets
):
    a, b = targets
    reviews.review_rate(
        actor=coach, engagement=engagement, kind="midpoint", levels={a.pk: 1, b.pk: 0}
    )
    review = Review.objects.get()
    before = reviews.review_scores(review, targets).coach
    third = services.target_create(actor=coach, engagement=engagement, **TARGET)
    added = reviews.review_scores(review, [a, b, third])
    assert added.coach == before and "coach" in added.unrated_new
    services.target_delete(actor=coach, target=b)
    removed = reviews.review_scores(review, [a, third])
    assert removed.coach == before
    assert removed.removed == [(TARGET["behaviour"], "coach", 0)]
