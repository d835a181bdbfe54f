"""The frozen report is a typed, versioned, sealed snapshot; reports frozen by older code
still open and render."""

from __future__ import annotations

import json

from django.test import Client
from django.urls import reverse

from tandem.core import crypto
from tandem.core.fields import Sealed, seal_in_place
from tandem.feedback import services
from tandem.feedback.models import FeedbackCycle
from tandem.feedback.snapshot import VERSION, ReportSnapshot

# A report as the first release froze it: no version, no spreads, no view, and "change" a
# plain list of questions.
VERSION_1 = {
    "kind": "close",
    "groups": [
        {"name": "self", "label": "Self", "n": 1},
        {"name": "peer", "label": "Peers", "n": 3},
    ],
    "all_n": 3,
    "sections": [
        {
            "key": "delegation",
            "name": "Delegates and empowers",
            "scores": {"self": 4.0, "peer": 3.0},
            "all": 3.0,
            "alpha": 0.8,
            "items": ["delegation.outcomes"],
        }
    ],
    "items": [
        {
            "key": "delegation.outcomes",
            "text": "Hands over whole outcomes",
            "self": 4.0,
            "all": 3.0,
            "by_group": {"self": 4.0, "peer": 3.0},
            "category": "blind_spot",
        }
    ],
    "top": [],
    "bottom": [],
    "blind_spots": ["delegation.outcomes"],
    "hidden_strengths": [],
    "comments": [{"label": "Peers", "text": "CANARY-OLD-COMMENT clear in version 1"}],
    "change": [
        {
            "key": "delegation.outcomes",
            "text": "Hands over whole outcomes",
            "before": 2.0,
            "after": 3.0,
            "difference": 1.0,
            "rci": 2.5,
            "reliable": True,
            "verdict": "improved",
        }
    ],
}


def test_a_version_1_report_reads_as_the_current_shape():
    report = ReportSnapshot.from_json(VERSION_1)
    assert report.version == VERSION
    assert report.sections[0].sd is None and report.items[0].n is None
    assert [c.verdict for c in report.change.items] == ["improved"]
    assert report.change.competencies == [] and report.change.targets == []
    assert [(p.name, p.members) for p in report.panel] == [("self", ("self",)), ("peer", ("peer",))]
    # Written back, it is a version 2 report that reads the same.
    assert ReportSnapshot.from_json(json.loads(json.dumps(report.to_json()))) == report


def _raw(cycle: FeedbackCycle) -> str:
    """The column as stored (a values_list skips the field's decryption)."""
    return str(FeedbackCycle.objects.filter(pk=cycle.pk).values_list("report", flat=True).get())


def test_a_report_frozen_in_clear_before_sealing_is_sealed_in_place_and_still_renders(
    open_cycle, coach, coachee
):
    services.cycle_close(actor=coach, cycle=open_cycle)
    services.cycle_release(actor=coach, cycle=open_cycle)
    # As the data migration finds it: the old JSON, in clear.
    FeedbackCycle.objects.filter(pk=open_cycle.pk).update(report=Sealed(json.dumps(VERSION_1)))
    assert "CANARY-OLD-COMMENT" in _raw(open_cycle)
    assert seal_in_place(FeedbackCycle, "report") == 1
    assert seal_in_place(FeedbackCycle, "report") == 0  # twice is harmless
    raw = _raw(open_cycle)
    assert "CANARY-OLD-COMMENT" not in raw and raw.startswith(crypto.TOKEN_PREFIX + ":")
    client = Client()
    client.force_login(coachee)
    page = client.get(reverse("cycle_report", args=[open_cycle.pk])).content.decode()
    assert "CANARY-OLD-COMMENT clear in version 1" in page
    assert "Hands over whole outcomes" in page and "improved" in page


def test_the_released_report_is_sealed_and_bound_to_its_cycle(open_cycle, coach):
    services.cycle_close(actor=coach, cycle=open_cycle)
    services.cycle_release(actor=coach, cycle=open_cycle)
    open_cycle.refresh_from_db()
    assert isinstance(open_cycle.report, ReportSnapshot)
    assert open_cycle.report.kind == "baseline" and open_cycle.report.items
    raw = _raw(open_cycle)
    assert "Hands over" not in raw and "delegation" not in raw
    # Pasted into another cycle's row, the sealed report does not open.
    other = FeedbackCycle.objects.create(
        engagement=open_cycle.engagement, kind="close", closes_on=open_cycle.closes_on
    )
    FeedbackCycle.objects.filter(pk=other.pk).update(report=Sealed(raw))
    try:
        _ = FeedbackCycle.objects.get(pk=other.pk).report
    except crypto.DecryptionError:
        pass
    else:
        raise AssertionError("a sealed report opened in another row")
