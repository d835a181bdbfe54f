""" "What my sponsor sees": coachee and coach open the engagement as the sponsor's own page
renders it — the same code with the sponsor's access — so nothing confidential shows."""

from __future__ import annotations

import re

from django.test import Client
from django.urls import reverse

from tandem.core.tests.world import build_world
from tandem.engagements import reviews


def _get(user, url):
    client = Client()
    client.force_login(user)
    return client.get(url)


def _main(html: str) -> str:
    """The page body, without the signed-in person's header."""
    return re.sub(r"\s+", " ", html.split("<main", 1)[1].split("</main>", 1)[0])


def test_the_preview_is_the_sponsors_own_page_and_holds_nothing_confidential(
    engagement, coach, coachee, sponsor
):
    build_world(engagement)
    preview = _get(coachee, reverse("engagement_as_sponsor", args=[engagement.pk]))
    assert preview.status_code == 200
    body = preview.content.decode()
    assert "What Sam Sponsor sees" in body
    own = _main(_get(sponsor, reverse("engagement_detail", args=[engagement.pk])).content.decode())
    shown = _main(body).split('aria-label="The sponsor\'s page">', 1)[1].rsplit("</div>", 1)[0]
    assert shown.strip() in own  # the very same rendering, not a copy of its logic
    for canary in ("Hand over Q3 planning", "Delegating Q3", "Seems tired.", "I raise concerns"):
        assert canary not in body  # notes, agenda, private note, targets not yet put to him


def test_the_preview_shows_what_the_sponsor_gains_once_shared(engagement, coach, coachee):
    build_world(engagement)
    reviews.sponsor_summary_save(
        actor=coachee,
        engagement=engagement,
        kind="midpoint",
        text="Raising concerns earlier",
        approve=True,
        expected_version=None,
    )
    body = _get(coach, reverse("engagement_as_sponsor", args=[engagement.pk])).content.decode()
    assert "Raising concerns earlier" in body


def test_the_engagement_page_links_to_the_preview_for_coach_and_coachee_only(
    engagement, coachee, sponsor, programme_admin
):
    url = reverse("engagement_as_sponsor", args=[engagement.pk])
    assert url in _get(coachee, reverse("engagement_detail", args=[engagement.pk])).content.decode()
    for other in (sponsor, programme_admin):
        page = _get(other, reverse("engagement_detail", args=[engagement.pk])).content.decode()
        assert url not in page
        assert _get(other, url).status_code == 403
