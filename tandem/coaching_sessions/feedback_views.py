from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.views.decorators.http import require_POST

from tandem.coaching_sessions.feedback import WORD_MAX, session_feedback_give
from tandem.coaching_sessions.selectors import session_get_for
from tandem.core.forms import run_service_or_flash
from tandem.core.http import AuthedRequest


class FeedbackForm(forms.Form):
    usefulness = forms.TypedChoiceField(
        label="How useful was this session?",
        choices=[(n, str(n)) for n in range(1, 6)],
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Choose from 1 (not useful) to 5 (very useful).",
            "invalid_choice": "Choose from 1 (not useful) to 5 (very useful).",
        },
    )
    word = forms.CharField(label="In a word (optional)", max_length=WORD_MAX, required=False)


@login_required
@require_POST
def session_feedback(request: AuthedRequest, pk: str) -> HttpResponse:
    session = session_get_for(user=request.user, pk=pk, reading=True)
    if request.user.pk != session.engagement.coachee_id:
        raise PermissionDenied("The coachee rates the session: only they see their rating.")
    form = FeedbackForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            messages.error(request, " ".join(str(e) for e in errors))
    elif run_service_or_flash(
        request,
        lambda: session_feedback_give(actor=request.user, session=session, **form.cleaned_data),
    ):
        messages.success(
            request,
            "Thank you. Only you see your rating; your coach sees an average over at least five.",
        )
    return redirect(reverse("session_detail", kwargs={"pk": session.pk}) + "#feedback")
