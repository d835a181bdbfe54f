from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render

from tandem.core.http import AuthedRequest
from tandem.core.policy import Perm, engagement_can
from tandem.core.svg import bar_chart
from tandem.engagements.selectors import engagement_get_for
from tandem.privacy.audit import Kind as ReadKind
from tandem.privacy.audit import record_read
from tandem.profiles import ipip, services
from tandem.profiles.selectors import in_own_norms, norms_as_of, profile_for, profile_rows

CHOICES = [
    (1, "Very inaccurate"),
    (2, "Moderately inaccurate"),
    (3, "Neither"),
    (4, "Moderately accurate"),
    (5, "Very accurate"),
]


@login_required
def profile(request: AuthedRequest, pk: str) -> HttpResponse:
    engagement = engagement_get_for(user=request.user, pk=pk, perm=Perm.VIEW_PROFILE)
    existing = profile_for(user=request.user, engagement=engagement)
    if existing is not None and request.method == "GET":
        record_read(
            reader=request.user, kind=ReadKind.PROFILE, engagement=engagement, object_id=existing.pk
        )
    can_take = engagement_can(request.user, Perm.TAKE_PROFILE, engagement)
    errors: list[str] = []
    answers: dict[int, int] = {}
    if request.method == "POST" and can_take and existing is None:
        for item in ipip.load_items():
            value = request.POST.get(f"i{item.number}", "")
            if value in {"1", "2", "3", "4", "5"}:
                answers[item.number] = int(value)
        try:
            services.profile_submit(actor=request.user, engagement=engagement, answers=answers)
            messages.success(request, "Your profile is ready. Only you and your coach see it.")
            return redirect("profile", pk=engagement.pk)
        except ValidationError as exc:
            errors = exc.messages
    context: dict[str, object] = {
        "engagement": engagement,
        "profile": existing,
        "can_take": can_take,
        "errors": errors,
        "answers": answers,
        "choices": CHOICES,
        "items": ipip.load_items(),
    }
    if existing is not None:
        norms = norms_as_of(existing)
        rows = profile_rows(existing, norms)
        context["rows"] = rows
        context["norms"] = norms
        context["self_included"] = in_own_norms(existing, norms)
        context["chart"] = bar_chart(
            [(r.factor, float(r.score)) for r in rows],
            low=10,
            high=50,
            label="Big-Five factor scores, 10 to 50",
        )
    return render(request, "profiles/profile.html", context, status=422 if errors else 200)
