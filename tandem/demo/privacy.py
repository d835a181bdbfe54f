"""The privacy side of the demo: Northwind keeps confidential content 12 months after an
engagement ends, and Priya's "who has read my records" shows a trail (her coach reading her
session notes, reflections and 360 report; the sponsor reading Ravi's approved summary)."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from tandem.accounts.models import Organisation, User
from tandem.action_items.models import Reflection
from tandem.engagements.models import Engagement
from tandem.privacy.models import ReadRecord, RetentionPolicy
from tandem.privacy.retention import retention_set

Kind = ReadRecord.Kind
OFFICE_IP, HOME_IP = "198.51.100.24", "203.0.113.57"


def build(org: Organisation, people: dict[str, User]) -> None:
    retention_set(actor=people["admin"], organisation=org, months_after_close=12)
    assert RetentionPolicy.objects.filter(organisation=org).exists()
    now = timezone.now()
    priya = Engagement.objects.get(coachee=people["priya"])
    reads: list[ReadRecord] = []
    for days, hour in ((40, 9), (26, 10), (12, 9), (1, 16)):
        session = priya.sessions.order_by("scheduled_at").first()
        reads.append(
            ReadRecord(
                at=now - dt.timedelta(days=days, hours=hour),
                reader=people["coach"],
                owner=people["priya"],
                engagement=priya,
                kind=Kind.SESSION_NOTES,
                object_id=str(session.pk if session else ""),
                ip=OFFICE_IP,
            )
        )
    shared = Reflection.objects.filter(engagement=priya, shared_with_coach=True).first()
    if shared is not None:
        reads.append(
            ReadRecord(
                at=now - dt.timedelta(days=5, hours=20),
                reader=people["coach"],
                owner=people["priya"],
                engagement=priya,
                kind=Kind.REFLECTION,
                object_id=str(shared.pk),
                ip=HOME_IP,
            )
        )
    baseline = priya.feedback_cycles.filter(released_at__isnull=False).first()
    if baseline is not None:
        reads.append(
            ReadRecord(
                at=now - dt.timedelta(days=30),
                reader=people["coach"],
                owner=people["priya"],
                engagement=priya,
                kind=Kind.REPORT,
                object_id=str(baseline.pk),
                ip=OFFICE_IP,
            )
        )
    ravi = Engagement.objects.get(coachee=people["ravi"])
    for summary in ravi.sponsor_summaries.filter(approved_at__isnull=False):
        reads.append(
            ReadRecord(
                at=now - dt.timedelta(days=3),
                reader=people["sponsor"],
                owner=people["ravi"],
                engagement=ravi,
                kind=Kind.SPONSOR_SUMMARY,
                object_id=str(summary.pk),
                ip=OFFICE_IP,
            )
        )
    for read in reads:
        read.save()
