"""Speech-act labels: questions with and without question marks, open vs closed, reflections,
telling, coachee talk, and who the coach is."""

from __future__ import annotations

import pytest

from tandem.transcripts.analyser.labels import detect_coach, label_client, label_coach
from tandem.transcripts.analyser.parsing import Utterance
from tandem.transcripts.analyser.rules import question_form

GROUP = {
    "open_question": "question",
    "closed_question": "question",
    "reflection": "reflection",
    "advice": "telling",
    "information": "telling",
    "other": "other",
}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("What would you like to get out of today?", "open_question"),
        ("so um what have you tried so far", "open_question"),
        ("How did that land with the team", "open_question"),
        ("Tell me more about that.", "open_question"),
        ("Did you send the report?", "closed_question"),
        ("are we still on for thursday", "closed_question"),
        ("On a scale of one to ten, how committed are you?", "closed_question"),
        ("It sounds like you're stretched thin.", "reflection"),
        ("So you're worried the team will see it as a demotion.", "reflection"),
        ("You should escalate it to the account lead.", "advice"),
        ("Ping Alex in infra, he can sort that out today.", "advice"),
        ("Why don't you set up a meeting with their lead this week?", "advice"),
        ("The budget for next year is flat, so no new hires until Q2.", "information"),
        ("Hi Sam, good to see you.", "other"),
        ("Great, thanks.", "other"),
    ],
)
def test_coach_labels(text, expected):
    assert label_coach(text) == expected
    assert (
        label_coach(text, "rules") == expected
        or GROUP[label_coach(text, "rules")] == GROUP[expected]
    )


@pytest.mark.parametrize(
    ("text", "form"),
    [
        ("What's getting in the way?", "open"),
        ("If we fixed that, what would be different?", "open"),
        ("Is the migration done?", "closed"),
        ("When is it due?", "closed"),
        ("You finished it?", "closed"),
        ("What I'd do is send it today.", None),
        ("Do it by Friday.", None),
    ],
)
def test_question_form(text, form):
    assert question_form(text) == form


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("We're at eighty percent, the last batch runs tonight.", "status"),
        ("I think I need to stop being the one who fixes everything.", "strategy"),
        ("Okay, thanks.", "other"),
    ],
)
def test_client_labels(text, expected):
    assert label_client(text) == expected


def test_coach_is_the_speaker_who_asks_most():
    turns = [
        ("Lee", "I had a rough week."),
        ("Kim", "What happened?"),
        ("Lee", "The launch slipped."),
        ("Kim", "how did the team take it"),
        ("Lee", "Do you think I should tell my boss?"),
    ]
    utts = [Utterance(i, s, None, t, i + 1) for i, (s, t) in enumerate(turns)]
    assert detect_coach(utts) == "Kim"
