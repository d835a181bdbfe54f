"""After a round closes, a rater's link says the same thing whether or not that rater
answered (issue 11, anonymity gap 3): whoever holds the link — the rater, or someone they
forwarded it to — learns nothing about whether it was used."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.db import transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from tandem.feedback import services
from tandem.feedback.models import FeedbackCycle, Invitation

GROUPS = ["manager", "peer", "direct_report", "stakeholder", "other"]
# Each rater: their group, and whether they answered, saved a draft, or did nothing.
raters = st.lists(
    st.tuples(st.sampled_from(GROUPS), st.sampled_from(["answered", "draft", "nothing"])),
    min_size=2,
    max_size=7,
).filter(lambda rs: any(s == "answered" for _, s in rs) and any(s != "answered" for _, s in rs))
endings = st.sampled_from(["closed", "released", "past_deadline"])


@pytest.fixture(autouse=True)
def _no_rater_link_limit(settings):
    """Hypothesis opens many links from one address in one test: the per-address limit on
    rater links (tested in its own module) would answer 429 before the page under test."""
    settings.RATER_LINK_RATE = (1_000_000, 600)


def _run_round(engagement, coach, coachee, rater_set, ending) -> dict[str, str]:
    """A round with these raters, ended this way; what each rater's link says then."""
    cycle = services.cycle_create(
        actor=coach,
        engagement=engagement,
        kind="baseline",
        closes_on=timezone.localdate() + dt.timedelta(days=7),
        competency_keys=["delegation"],
    )
    for i, (group, _) in enumerate(rater_set):
        invitation = services.invitation_nominate(
            actor=coachee, cycle=cycle, name=f"R{i}", email=f"r{i}@example.org", group=group
        )
        services.invitation_review(actor=coach, invitation=invitation, approve=True)
    services.cycle_open(actor=coach, cycle=cycle)
    cycle.refresh_from_db()
    links = {}
    for i, (_, state) in enumerate(rater_set):
        invitation = Invitation.objects.get(cycle=cycle, email=f"r{i}@example.org")
        links[state + str(i)] = reverse("rater_answer", args=[invitation.token])
        if state == "nothing":
            continue
        keys = services.questionnaire_item_keys(cycle.questionnaire or {"sections": []})
        action = "submit" if state == "answered" else "save"
        Client().post(links[state + str(i)], {**dict.fromkeys(keys, "4"), "action": action})
    cycle.refresh_from_db()
    if ending == "past_deadline":
        FeedbackCycle.objects.filter(pk=cycle.pk).update(
            closes_on=timezone.localdate() - dt.timedelta(days=1)
        )
    else:
        services.cycle_close(actor=coach, cycle=cycle)
        if ending == "released":
            for comment in cycle.comments.all():
                services.comment_review(actor=coach, comment=comment, approve=True)
            services.cycle_release(actor=coach, cycle=cycle)
    pages = {}
    for name, link in links.items():
        page = Client().get(link)
        # Every page carries its own CSRF token; everything else must be identical.
        text = re.sub(r'"X-CSRFToken": "\w+"', "", page.content.decode())
        pages[name] = f"{page.status_code} {text}"
    return pages


@settings(
    max_examples=12,
    deadline=None,
    database=None,
    # Each example runs a whole round: shrinking a failure would take minutes.
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(rater_set=raters, ending=endings)
def test_after_a_round_ends_every_link_says_the_same_whether_or_not_it_was_used(
    engagement, coach, coachee, rater_set, ending
):
    with transaction.atomic():
        pages = _run_round(engagement, coach, coachee, rater_set, ending)
        transaction.set_rollback(True)
    answered = [p for name, p in pages.items() if name.startswith("answered")]
    not_answered = [p for name, p in pages.items() if not name.startswith("answered")]
    assert len(set(answered + not_answered)) == 1, ending
    assert "already given" not in answered[0]
