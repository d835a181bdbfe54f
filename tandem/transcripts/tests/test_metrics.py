"""Metrics, the JSON contract, the coaching score's ordering and the suggestions."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tandem.transcripts.analyser import TranscriptError, analyse

FIXTURES = Path(__file__).parent / "fixtures"


def _analyse(name: str, **kwargs):
    return analyse((FIXTURES / name).read_bytes(), filename=name, **kwargs)


def test_json_contract_has_exactly_the_documented_keys():
    data = _analyse("zoom_coaching.vtt").to_dict()
    assert set(data) == {"file", "coach", "speakers", "utterances", "metrics", "suggestions"}
    assert set(data["speakers"]["Sam Lee"]) == {"words", "turns"}
    assert set(data["utterances"][0]) == {
        "index",
        "speaker",
        "start",
        "text",
        "label",
        "grow_stage",
    }
    assert set(data["metrics"]) == {
        "coach_talk_share",
        "ask_tell_ratio",
        "reflection_question_ratio",
        "open_question_share",
        "grow_coverage",
        "ended_with_action",
        "commitment",
        "coaching_score",
    }
    assert set(data["metrics"]["grow_coverage"]) == {"goal", "reality", "options", "will"}
    json.dumps(data)  # serialisable as is


def test_coaching_conversation_scores_above_telling_ones():
    coaching = [
        _analyse(n).metrics.coaching_score for n in ("zoom_coaching.vtt", "feedback_coaching.srt")
    ]
    telling = [
        _analyse(n).metrics.coaching_score for n in ("advice_oneonone.txt", "teams_checkin.vtt")
    ]
    assert min(coaching) > max(telling) + 30
    assert all(0 <= s <= 100 for s in coaching + telling)


def test_metrics_of_a_coaching_conversation():
    m = _analyse("zoom_coaching.vtt").metrics
    assert m.coach_talk_share < 0.5
    assert m.open_question_share is not None and m.open_question_share > 0.7
    assert m.ended_with_action is True
    assert m.commitment == 8
    assert all(v > 0 for v in m.grow_coverage.values())
    assert sum(m.grow_coverage.values()) <= 1.0


def test_metrics_of_a_telling_conversation():
    result = _analyse("advice_oneonone.txt")
    m = result.metrics
    assert result.coach == "Gareth"
    assert m.coach_talk_share > 0.6
    assert m.ask_tell_ratio is not None and m.ask_tell_ratio < 0.5
    assert m.ended_with_action is False and m.commitment is None


def test_utterances_carry_labels_and_grow_stages_in_order():
    result = _analyse("zoom_coaching.vtt")
    assert [u.index for u in result.utterances] == list(range(len(result.utterances)))
    labels = {u.text: u.label for u in result.utterances}
    assert labels["What have you tried so far?"] == "open_question"
    assert labels["It sounds like the work gets stuck waiting on you."] == "reflection"
    stages = [u.grow_stage for u in result.utterances]
    goal = stages.index("goal")
    assert goal < stages.index("options") < stages.index("will")
    assert "reality" in stages[goal : stages.index("options")]


@pytest.mark.parametrize(
    "name",
    ["zoom_coaching.vtt", "teams_checkin.vtt", "feedback_coaching.srt", "advice_oneonone.txt"],
)
def test_suggestions_are_two_to_five(name):
    suggestions = _analyse(name).suggestions
    assert 2 <= len(suggestions) <= 5
    assert len(set(suggestions)) == len(suggestions)


def test_suggestions_quote_the_numbers():
    suggestions = _analyse("advice_oneonone.txt").suggestions
    assert any("6 pieces of advice" in s and "asked 1 question" in s for s in suggestions)
    assert any("Leo" in s for s in suggestions)


def test_explicit_coach_and_unknown_coach():
    result = _analyse("teams_checkin.vtt", coach="dana kowalski")
    assert result.coach == "Dana Kowalski" and not result.coach_detected
    with pytest.raises(TranscriptError, match="no speaker called 'Nobody'"):
        _analyse("teams_checkin.vtt", coach="Nobody")


def test_rules_path_works_without_the_model():
    assert _analyse("zoom_coaching.vtt", method="rules").metrics.coaching_score > 60


def test_a_coach_name_matching_several_speakers_says_so():
    from tandem.transcripts.analyser.analysis import _match_speaker

    speakers = {"Ana Silva": {}, "Ana Costa": {}, "Bo": {}}
    with pytest.raises(TranscriptError, match="'Ana' matches several speakers") as info:
        _match_speaker("Ana", speakers, "x.vtt")
    assert info.value.field == "coach"
