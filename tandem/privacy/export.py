"""A person's copy of what Tandem holds about them (GDPR Art. 15 access, Art. 20 portability).

One ZIP: ``tandem-export.json`` (their account, memberships, and each engagement they took
part in, with exactly what their role there lets them read) plus the PDF of every 360 report
released to them. Built by the worker (``tasks.export_prepare``), sealed on disk, downloadable
by its owner for ``EXPORT_TTL``.

Every piece goes through the policy (``engagement_can``, ``feedback_report_can_read``) the
pages use, so an export never carries what its owner may not see: another person's private
note, an unshared reflection, raw 360 answers or comments, a report not yet released.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
import json
import os
import zipfile
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from tandem.accounts.models import User
from tandem.action_items.models import ActionItem, Reflection
from tandem.coaching_sessions.models import CoachingSession, PrivateNote, SessionFeedback
from tandem.core import crypto
from tandem.core.policy import Perm, engagement_can, feedback_report_can_read
from tandem.engagements.models import Engagement
from tandem.feedback.models import FeedbackCycle
from tandem.privacy.models import DataExport
from tandem.transcripts.models import TranscriptAnalysis

EXPORT_TTL = dt.timedelta(days=2)
NONCE = 12


def _when(value: dt.datetime | dt.date | None) -> str | None:
    return value.isoformat() if value is not None else None


def _person(user: User) -> dict[str, Any]:
    profile = getattr(user, "coach_profile", None)
    return {
        "name": user.full_name,
        "email": user.email,
        "time_zone": user.time_zone,
        "joined": _when(user.date_joined),
        "last_sign_in": _when(user.last_login),
        "organisations": [
            {
                "organisation": m.organisation.name,
                "role": m.get_role_display(),
                "active": m.is_active,
            }
            for m in user.memberships.select_related("organisation")
        ],
        "coach_profile": None
        if profile is None
        else {
            "bio": profile.bio,
            "areas": profile.area_labels,
            "languages": profile.languages,
            "capacity": profile.capacity,
        },
    }


def _sessions(engagement: Engagement) -> list[dict[str, Any]]:
    out = []
    for s in engagement.sessions.prefetch_related("topics__options", "checkins"):
        out.append(
            {
                "scheduled_at": _when(s.scheduled_at),
                "status": s.get_status_display(),
                "minutes": s.duration_minutes,
                "summary": s.summary,
                "no_action_reason": s.no_action_reason,
                "topics": [
                    {
                        "title": t.title,
                        "goal": t.goal,
                        "reality": t.reality,
                        "options": [
                            {"option": o.description, "pros": o.pros, "cons": o.cons}
                            for o in t.options.all()
                        ],
                        "will": t.will,
                        "commitment": t.commitment,
                        "first_commitment": t.low_commitment,
                    }
                    for t in s.topics.all()
                ],
                "accountability": [
                    {
                        "outcome": c.get_outcome_display(),
                        "what_happened": c.what_happened,
                        "learned": c.learned,
                    }
                    for c in s.checkins.all()
                ],
            }
        )
    return out


def _actions(engagement: Engagement) -> list[dict[str, Any]]:
    return [
        {
            "title": a.title,
            "owner": str(a.owner),
            "due": _when(a.due_date),
            "status": a.get_status_display(),
            "evidence": a.evidence,
            "completed_at": _when(a.completed_at),
        }
        for a in ActionItem.objects.filter(engagement=engagement).select_related("owner")
    ]


def _reviews(engagement: Engagement) -> list[dict[str, Any]]:
    return [
        {
            "review": r.get_kind_display(),
            "ratings": [
                {
                    "rater": g.get_rater_display(),
                    "target": g.behaviour,
                    "level": g.level,
                    "level_text": g.level_text,
                }
                for g in r.ratings.all()
            ],
        }
        for r in engagement.reviews.prefetch_related("ratings")
    ]


def _plain(value: Any) -> Any:
    """The released report as JSON, whatever form tandem.feedback keeps it in."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return dataclasses.asdict(value)
    dump = getattr(value, "model_dump", None)
    if callable(dump):
        return dump(mode="json")
    return value


def released_reports(user: User, engagement: Engagement) -> list[FeedbackCycle]:
    """The 360 reports released to ``user`` as coachee (the coach's previews are not theirs)."""
    if engagement.coachee_id != user.pk:
        return []
    return [
        c
        for c in engagement.feedback_cycles.filter(released_at__isnull=False)
        if feedback_report_can_read(user, c)
    ]


def _engagement(user: User, e: Engagement) -> dict[str, Any]:
    def can(perm: Perm) -> bool:
        return engagement_can(user, perm, e, reading=True)

    roles = [r for r, who in (("coach", e.coach), ("coachee", e.coachee)) if who == user]
    if e.sponsor_id == user.pk:
        roles.append("sponsor")
    data: dict[str, Any] = {
        "title": e.display_title,
        "kind": e.get_kind_display(),
        "your_roles": roles,
        "organisation": e.organisation.name,
        "coach": str(e.coach),
        "coachee": str(e.coachee),
        "sponsor": str(e.sponsor) if e.sponsor else None,
        "status": e.get_status_display(),
        "start_date": _when(e.start_date),
        "end_date": _when(e.end_date),
        "sessions_held": e.sessions.filter(status=CoachingSession.Status.HELD).count(),
    }
    if can(Perm.VIEW_TARGETS):
        data["targets"] = [
            {
                "behaviour": t.behaviour,
                "why_it_matters": t.why_it_matters,
                "success_indicators": t.success_indicators,
                "goal_attainment_scale": dict((str(k), v) for k, v in t.gas_levels),
            }
            for t in e.targets.all()
        ]
    if can(Perm.VIEW_SESSION_CONTENT):
        data["sessions"] = _sessions(e)
        data["actions"] = _actions(e)
    data["your_private_notes"] = [
        {"session": _when(n.session.scheduled_at), "note": n.body}
        for n in PrivateNote.objects.filter(session__engagement=e, author=user).select_related(
            "session"
        )
    ]
    data["your_reflections"] = [
        {
            "written": _when(r.created_at),
            "situation": r.situation,
            "what_i_did": r.what_i_did,
            "what_happened": r.what_happened,
            "what_i_learned": r.what_i_learned,
            "shared_with_coach": r.shared_with_coach,
        }
        for r in Reflection.objects.filter(engagement=e, author=user)
    ]
    if e.coachee_id == user.pk:
        data["your_session_feedback"] = [
            {"session": _when(f.session.scheduled_at), "usefulness": f.usefulness, "word": f.word}
            for f in SessionFeedback.objects.filter(session__engagement=e).select_related("session")
        ]
    if can(Perm.RATE_REVIEW):
        data["reviews"] = _reviews(e)
    if can(Perm.READ_SPONSOR_SUMMARY):
        summaries = e.sponsor_summaries.all()
        if e.sponsor_id == user.pk and user.pk not in (e.coach_id, e.coachee_id):
            summaries = summaries.filter(approved_at__isnull=False)
        data["sponsor_summaries"] = [
            {"text": s.text, "approved_at": _when(s.approved_at)} for s in summaries
        ]
    if can(Perm.VIEW_PROFILE) and e.coachee_id == user.pk:
        profile = getattr(e, "personality_profile", None)
        if profile is not None:
            data["big_five_profile"] = {
                "taken": _when(profile.created_at),
                "scores": profile.scores,
            }
    data["feedback_360_reports"] = [
        {
            "kind": c.get_kind_display(),
            "released_at": _when(c.released_at),
            "pdf": _pdf_name(c),
            "report": _plain(c.report),
        }
        for c in released_reports(user, e)
    ]
    data["your_transcript_analyses"] = [
        {
            "filename": t.filename,
            "uploaded": _when(t.created_at),
            "coaching_score": t.coaching_score,
            "result": json.loads(t.result),
        }
        for t in TranscriptAnalysis.objects.filter(engagement=e, uploaded_by=user)
    ]
    return data


def _pdf_name(cycle: FeedbackCycle) -> str:
    return f"360-reports/{cycle.kind}-{cycle.released_at:%Y-%m-%d}-{cycle.pk}.pdf"


def _pdf(cycle: FeedbackCycle) -> bytes | None:
    from tandem.feedback.pdf import PdfUnavailable, render_report_pdf
    from tandem.feedback.report import report_context

    try:
        return render_report_pdf(cycle, report_context(cycle.report))  # type: ignore[arg-type]
    except PdfUnavailable:
        return None


def export_build(user: User) -> bytes:
    """The ZIP's bytes: one JSON document and the released 360 reports' PDFs."""
    engagements = (
        Engagement.objects.filter(Q(coach=user) | Q(coachee=user) | Q(sponsor=user))
        .select_related("organisation", "coach", "coachee", "sponsor")
        .order_by("start_date")
    )
    document = {
        "what": f"Everything {settings.SITE_NAME} holds about you that you may see.",
        "made_at": timezone.now().isoformat(),
        "you": _person(user),
        "engagements": [_engagement(user, e) for e in engagements],
    }
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("tandem-export.json", json.dumps(document, indent=2, ensure_ascii=False))
        for e in engagements:
            for cycle in released_reports(user, e):
                pdf = _pdf(cycle)
                if pdf is not None:
                    archive.writestr(_pdf_name(cycle), pdf)
    return buffer.getvalue()


# --- sealed on disk ----------------------------------------------------------------------


def _path(export: DataExport) -> Path:
    return Path(settings.DATA_DIR) / "exports" / f"{export.pk}.zip.sealed"


def _aad(export: DataExport) -> bytes:
    return f"privacy.dataexport:{export.pk}".encode()


def _seal(data: bytes, *, aad: bytes) -> bytes:
    ring = crypto.keyring()
    nonce = os.urandom(NONCE)
    key_id = ring.active_id.encode()
    return (
        len(key_id).to_bytes(1, "big")
        + key_id
        + nonce
        + ring.keys[ring.active_id].encrypt(nonce, data, aad)
    )


def _unseal(blob: bytes, *, aad: bytes) -> bytes:
    size = blob[0]
    key_id = blob[1 : 1 + size].decode()
    nonce = blob[1 + size : 1 + size + NONCE]
    key = crypto.keyring().keys.get(key_id)
    if key is None:
        raise crypto.DecryptionError(f"Key {key_id!r} is not in TANDEM_ENCRYPTION_KEYS.")
    return key.decrypt(nonce, blob[1 + size + NONCE :], aad)


def export_request(*, actor: User) -> DataExport:
    """Ask for a copy; the worker prepares it (at once in development and tests)."""
    from tandem.privacy.tasks import export_prepare

    export = DataExport.objects.create(person=actor)
    transaction.on_commit(lambda: export_prepare.enqueue(str(export.pk)))
    return export


def export_prepare_now(export_id: str) -> None:
    export = DataExport.objects.select_related("person").get(pk=export_id)
    if export.state != DataExport.State.PREPARING:
        return
    try:
        data = export_build(export.person)
    except Exception:
        DataExport.objects.filter(pk=export.pk).update(state=DataExport.State.FAILED)
        raise
    path = _path(export)
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_suffix(".partial")
    partial.write_bytes(_seal(data, aad=_aad(export)))
    os.chmod(partial, 0o600)
    partial.replace(path)
    now = timezone.now()
    DataExport.objects.filter(pk=export.pk).update(
        state=DataExport.State.READY, ready_at=now, expires_at=now + EXPORT_TTL, size=len(data)
    )


def export_expired(export: DataExport) -> bool:
    return export.expires_at is not None and timezone.now() >= export.expires_at


def export_read(*, actor: User, export: DataExport) -> bytes | None:
    """The ZIP's bytes for its owner while the link is good; None once expired or gone."""
    if export.person_id != actor.pk:
        raise PermissionError("Not yours.")
    if export.state != DataExport.State.READY or export_expired(export):
        export_expire(export)
        return None
    path = _path(export)
    if not path.exists():
        return None
    data = _unseal(path.read_bytes(), aad=_aad(export))
    DataExport.objects.filter(pk=export.pk).update(downloaded_at=timezone.now())
    return data


def export_expire(export: DataExport) -> None:
    _path(export).unlink(missing_ok=True)
    if export.state == DataExport.State.READY:
        DataExport.objects.filter(pk=export.pk).update(state=DataExport.State.EXPIRED)
        export.state = DataExport.State.EXPIRED


def exports_expire_due(now: dt.datetime) -> int:
    """The scheduler's step: delete every export whose link has expired."""
    due = list(DataExport.objects.filter(state=DataExport.State.READY, expires_at__lte=now))
    for export in due:
        export_expire(export)
    return len(due)
