"""Nothing confidential is readable in a dump of the database (issue 11, "Encryption gaps").

Canaries go through every confidential field the way people write them — the 360 comments
and the frozen report that copies them, the targets and the questionnaire and review that
copy their wording, the sponsor's change note, the Big-Five scores, a transcript's file name,
the individual 360 answers — then the whole database is dumped (``pg_dump`` on PostgreSQL,
SQLite's own dump otherwise) and no canary may appear in it.

Numbers cannot be canaries, so the answers and the factor scores are recognised by the keys
that always travel with them in clear JSON: the 360 item keys and the Big-Five factor names.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import subprocess

import pytest
from django.db import connection
from django.utils import timezone

from tandem.engagements import reviews
from tandem.engagements import services as engagements
from tandem.feedback import services as feedback
from tandem.feedback.models import Comment, FeedbackCycle
from tandem.profiles import ipip
from tandem.profiles.services import profile_submit
from tandem.transcripts.services import transcript_analyse

C = "CANARY-Q9Z"
TARGET = {
    "behaviour": f"I raise concerns early {C}-behaviour",
    "rater_wording": f"Raises concerns early {C}-rater-wording",
    "why_it_matters": f"{C}-why",
    "success_indicators": f"{C}-success",
    "weight": 1,
    "gas_minus_2": f"{C}-gas-minus-2",
    "gas_minus_1": f"{C}-gas-minus-1",
    "gas_0": f"{C}-gas-0",
    "gas_plus_1": f"{C}-gas-plus-1",
    "gas_plus_2": f"{C}-gas-plus-2",
}
CANARIES = [
    *(value for value in TARGET.values() if isinstance(value, str)),
    f"{C}-comment",
    f"{C}-sponsor-note",
    f"{C}-filename",
    # The 360 answers: every item key of the round, as it would appear in clear JSON.
    '"delegation.outcomes"',
    # The Big-Five scores: each factor name, as a key of the clear JSON.
    *(f'"{factor}"' for factor in ipip.FACTORS),
]


def _dump() -> str:
    settings = connection.settings_dict
    if connection.vendor == "postgresql":
        if not shutil.which("pg_dump"):
            pytest.skip("pg_dump is not installed")
        env = {**os.environ, "PGPASSWORD": settings.get("PASSWORD") or ""}
        command = ["pg_dump", "--no-owner", "-d", settings["NAME"]]
        for flag, key in (("-h", "HOST"), ("-p", "PORT"), ("-U", "USER")):
            if settings.get(key):
                command += [flag, str(settings[key])]
        return subprocess.run(command, env=env, check=True, capture_output=True, text=True).stdout  # noqa: S603
    connection.ensure_connection()
    return "\n".join(connection.connection.iterdump())


def _write_every_confidential_field(engagement, sponsor) -> FeedbackCycle:
    coach, coachee = engagement.coach, engagement.coachee
    target = engagements.target_create(actor=coach, engagement=engagement, **TARGET)
    engagements.targets_submit(actor=coach, engagement=engagement)
    engagements.targets_request_changes(
        actor=sponsor, engagement=engagement, note=f"{C}-sponsor-note"
    )
    reviews.review_rate(actor=coach, engagement=engagement, kind="midpoint", levels={target.pk: 1})
    profile_submit(
        actor=coachee,
        engagement=engagement,
        answers={item.number: 4 for item in ipip.load_items()},
    )
    transcript_analyse(
        actor=coach,
        engagement=engagement,
        filename=f"{C}-filename.txt",
        data=b"Casey: What would you like to focus on today?\nLee: Delegating the Q3 plan.\n",
    )
    cycle = feedback.cycle_create(
        actor=coach,
        engagement=engagement,
        kind="baseline",
        closes_on=timezone.localdate() + dt.timedelta(days=14),
        competency_keys=["delegation"],
    )
    for i in range(3):
        invitation = feedback.invitation_nominate(
            actor=coachee, cycle=cycle, name=f"P{i}", email=f"p{i}@example.org", group="peer"
        )
        feedback.invitation_review(actor=coach, invitation=invitation, approve=True)
    feedback.cycle_open(actor=coach, cycle=cycle)
    cycle.refresh_from_db()
    keys = feedback.questionnaire_item_keys(cycle.questionnaire or {"sections": []})
    for i, invitation in enumerate(cycle.invitations.filter(group="peer")):
        feedback.answers_save(
            invitation=invitation,
            raw=dict.fromkeys(keys, "4"),
            comment=f"{C}-comment" if i == 0 else "",
            submit=True,
        )
    feedback.cycle_close(actor=coach, cycle=cycle)
    for comment in Comment.objects.filter(cycle=cycle):
        feedback.comment_review(actor=coach, comment=comment, approve=True)
    return feedback.cycle_release(actor=coach, cycle=cycle)


@pytest.mark.django_db(transaction=True)  # pg_dump reads only what is committed
def test_no_canary_in_a_dump_of_the_database(engagement, sponsor):
    cycle = _write_every_confidential_field(engagement, sponsor)
    # The canaries did go in, and read back as written (so their absence below means sealed).
    cycle.refresh_from_db()
    assert any(f"{C}-comment" in c.text for c in cycle.report.comments)
    assert any(f"{C}-rater-wording" in i.text for i in cycle.report.items)
    assert "delegation.outcomes" in cycle.responses.first().answers
    engagement.refresh_from_db()
    assert engagement.targets_changes_requested == f"{C}-sponsor-note"
    assert set(engagement.personality_profile.scores) == set(ipip.FACTORS)
    assert engagement.transcript_analyses.get().filename == f"{C}-filename.txt"

    dump = _dump()
    assert "feedback_feedbackcycle" in dump  # a real dump, with the tables in it
    leaks = [canary for canary in CANARIES if canary in dump]
    assert leaks == []
