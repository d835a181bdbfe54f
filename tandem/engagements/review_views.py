"""The review page: GAS ratings and T-scores, the 360 change, the sponsor summary."""

from __future__ import annotations

from uuid import UUID

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render

from tandem.core.http import AuthedRequest
from tandem.core.policy import Perm, engagement_can
from tandem.engagements import reviews
from tandem.engagements.models import Review
from tandem.engagements.selectors import engagement_get_for
from tandem.feedback.models import FeedbackCycle
from tandem.feedback.snapshot import Change
from tandem.privacy.audit import Kind as ReadKind
from tandem.privacy.audit import record_read


def _levels_from(post: dict[str, str], target_ids: list[UUID]) -> dict[UUID, int]:
    levels = {}
    for pk in target_ids:
        value = post.get(f"t-{pk}", "")
        if value.lstrip("-").isdigit():
            levels[pk] = int(value)
    return levels


def _measured(change: Change) -> str:
    """ "2 targets and 4 competencies": what the 360 compared with the baseline."""
    parts = []
    for rows, one, many in (
        (change.targets, "target", "targets"),
        (change.competencies, "competency", "competencies"),
    ):
        n = sum(1 for c in rows if c.before is not None)
        if n:
            parts.append(f"{n} {one if n == 1 else many}")
    return " and ".join(parts)


@login_required
def review_detail(request: AuthedRequest, pk: str, kind: str) -> HttpResponse:
    if kind not in Review.Kind.values:
        raise Http404("No such review.")
    engagement = engagement_get_for(
        user=request.user, pk=pk, perm=Perm.RATE_REVIEW, reading=request.method == "GET"
    )
    if request.method == "GET":
        record_read(
            reader=request.user, kind=ReadKind.REVIEW, engagement=engagement, object_id=kind
        )
    targets = list(engagement.targets.all())
    errors: list[str] = []
    if request.method == "POST":
        try:
            if request.POST.get("form") == "summary":
                saved = reviews.sponsor_summary_save(
                    actor=request.user,
                    engagement=engagement,
                    kind=kind,
                    text=request.POST.get("text", ""),
                    approve=request.POST.get("approve") == "1",
                    expected_version=int(request.POST["version"])
                    if request.POST.get("version", "").isdigit()
                    else None,
                )
                messages.success(
                    request,
                    "Approved: your sponsor can now read this summary."
                    if saved.approved_at
                    else "Draft saved. Only you and your coach can see it.",
                )
            else:
                reviews.review_rate(
                    actor=request.user,
                    engagement=engagement,
                    kind=kind,
                    levels=_levels_from(request.POST, [t.pk for t in targets]),
                )
                messages.success(request, "Your ratings are saved.")
            return redirect("review_detail", pk=engagement.pk, kind=kind)
        except ValidationError as exc:
            errors = exc.messages
    review = Review.objects.filter(engagement=engagement, kind=kind).first()
    scores = reviews.review_scores(review, targets) if review else None
    me = "coach" if request.user.pk == engagement.coach_id else "coachee"
    cycle = (
        engagement.feedback_cycles.filter(kind=kind, status=FeedbackCycle.Status.RELEASED)
        .only("id", "report", "kind", "status")
        .first()
    )
    change = (cycle.report.change if cycle and cycle.report else None) or Change()
    by_target = {c.key.removeprefix("target:"): c for c in change.targets}
    rows = [
        {
            "target": t,
            "coach": scores.levels.get(t.pk, {}).get("coach") if scores else None,
            "coachee": scores.levels.get(t.pk, {}).get("coachee") if scores else None,
            "mine": scores.levels.get(t.pk, {}).get(me) if scores else None,
            "change": by_target.get(str(t.pk)),  # the 360's change for this target, if any
            "rated_as": scores.rated_as.get(t.pk, {}) if scores else {},
        }
        for t in targets
    ]
    measured = [*change.targets, *change.competencies]
    summary = engagement.sponsor_summaries.filter(review=review).first() if review else None
    return render(
        request,
        "engagements/review.html",
        {
            "engagement": engagement,
            "kind": kind,
            "label": Review.Kind(kind).label,
            "me": me,
            "can_rate": engagement_can(request.user, Perm.RATE_REVIEW, engagement),
            "rows": rows,
            "scores": scores,
            "errors": errors,
            "cycle": cycle,
            "reliable_up": sum(1 for c in measured if c.reliable and (c.rci or 0) > 0),
            "reliable_down": sum(1 for c in measured if c.reliable and (c.rci or 0) < 0),
            "measured": _measured(change),
            "mix": change.mix,
            "summary": summary,
            "can_write_summary": engagement_can(
                request.user, Perm.WRITE_SPONSOR_SUMMARY, engagement
            ),
        },
        status=422 if errors else 200,
    )
