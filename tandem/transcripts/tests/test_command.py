"""The analyse_transcript management command: formats, order, coach detection and bad files."""

from __future__ import annotations

import json
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

FIXTURES = Path(__file__).parent / "fixtures"
ZOOM = str(FIXTURES / "zoom_coaching.vtt")
TEAMS = str(FIXTURES / "teams_checkin.vtt")
SRT = str(FIXTURES / "feedback_coaching.srt")


def _call(*args: str) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("analyse_transcript", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_text_report_says_who_the_coach_is():
    out, _ = _call(ZOOM)
    assert "Coach: Priya Shah (detected: asks the most questions)" in out
    assert "Coaching score:" in out and "Suggestions:" in out


def test_json_single_file_is_one_object_and_stdout_stays_clean():
    out, err = _call(ZOOM, "--format", "json")
    data = json.loads(out)
    assert data["coach"] == "Priya Shah"
    assert "Priya Shah" in err and "asks the most questions" in err


def test_json_several_files_is_an_array_in_order():
    out, _ = _call(ZOOM, TEAMS, "--format", "json")
    assert [d["file"] for d in json.loads(out)] == [ZOOM, TEAMS]


def test_jsonl_one_line_per_file_in_input_order():
    out, _ = _call(TEAMS, TEAMS, "--format=jsonl", "--coach", "Mark Evans")
    lines = out.splitlines()
    assert len(lines) == 2
    assert all(json.loads(line)["coach"] == "Mark Evans" for line in lines)


def test_jsonl_order_with_detected_coaches():
    out, err = _call(SRT, ZOOM, TEAMS, "--format", "jsonl")
    assert [json.loads(line)["file"] for line in out.splitlines()] == [SRT, ZOOM, TEAMS]
    assert err.count("no --coach given") == 3


def test_explicit_coach_is_not_announced():
    out, err = _call(ZOOM, "--coach", "Priya Shah", "--format", "json")
    assert json.loads(out)["coach"] == "Priya Shah" and err == ""


def test_bad_file_is_a_command_error_naming_file_and_line(tmp_path):
    bad = tmp_path / "broken.vtt"
    bad.write_text("WEBVTT\n\n00:00:01.000 --> 00:00:02.000\nnobody said this\n")
    with pytest.raises(CommandError, match=r"broken\.vtt, line 4: this cue has no speaker"):
        _call(ZOOM, str(bad))


def test_missing_file_is_a_command_error(tmp_path):
    with pytest.raises(CommandError, match="cannot read the file"):
        _call(str(tmp_path / "nope.txt"))
