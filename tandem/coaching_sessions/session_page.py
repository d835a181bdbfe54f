"""How the session page and a topic card are drawn, shared by the views that change them.

No view lives here: the session page's views are in ``views``, GROW's in ``grow_views`` and
scheduling's in ``schedule_views``; each answers by redrawing through these functions.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from tandem.action_items.forms import ActionForm, CheckInForm
from tandem.action_items.selectors import accountability_for, session_actions
from tandem.coaching_sessions.feedback import feedback_of, may_give_feedback
from tandem.coaching_sessions.forms import (
    CloseForm,
    CommitForm,
    GrowForm,
    OptionForm,
    RevisitForm,
    SummaryForm,
    TopicForm,
)
from tandem.coaching_sessions.models import AgendaTopic, CoachingSession
from tandem.coaching_sessions.selectors import session_number, session_topics
from tandem.core.http import AuthedRequest
from tandem.core.policy import Perm, engagement_can


def topic_block(
    request: AuthedRequest, topic: AgendaTopic, bound: dict[str, forms.Form] | None = None
) -> dict[str, Any]:
    bound = bound or {}
    engagement = topic.session.engagement
    option_form = bound.get("option") or OptionForm(prefix=f"o{topic.pk.hex[:8]}")
    for field in option_form.fields.values():  # shown inside the GROW form, sent with its own
        field.widget.attrs["form"] = f"optadd-{topic.pk}"
    return {
        "topic": topic,
        "grow_form": bound.get("grow")
        or GrowForm(
            initial={
                "goal": topic.goal,
                "reality": topic.reality,
                "will": topic.will,
                "version": topic.version,
                "basis": GrowForm.digest(topic.goal, topic.reality, topic.will),
            },
            prefix=f"t{topic.pk.hex[:8]}",
        ),
        "option_form": option_form,
        "commit_form": bound.get("commit") or CommitForm(prefix=f"c{topic.pk.hex[:8]}"),
        "revisit_form": bound.get("revisit")
        or RevisitForm(
            initial={"goal": topic.goal, "version": topic.version},
            prefix=f"r{topic.pk.hex[:8]}",
        ),
        "action_form": bound.get("action")
        or ActionForm(
            engagement=engagement,
            initial={"topic": topic.pk},
            prefix=f"a{topic.pk.hex[:8]}",
        ),
        "editable": topic.session.is_planned,
        # Closed meanwhile while this person was typing: show what they typed, so it is not lost.
        "unsaved": [] if topic.session.is_planned else _typed(bound),
    }


def _typed(bound: dict[str, forms.Form]) -> list[str]:
    names = ("goal", "reality", "will", "description", "pros", "cons", "title")
    typed = []
    for form in bound.values():
        for name in names:
            value = form.data.get(form.add_prefix(name), "").strip() if form.is_bound else ""
            if value:
                typed.append(value)
    return typed


def session_context(
    request: AuthedRequest,
    session: CoachingSession,
    *,
    topic_bound: dict[Any, dict[str, forms.Form]] | None = None,
    checkin_bound: dict[Any, forms.Form] | None = None,
    **forms_: forms.Form,
) -> dict[str, Any]:
    engagement = session.engagement
    topic_bound = topic_bound or {}
    checkin_bound = checkin_bound or {}
    items = accountability_for(session)
    if not session.is_planned:
        items = [item for item in items if item.checkin is not None]
    accountability = [
        {
            "item": item,
            "form": checkin_bound.get(item.action.pk)
            or CheckInForm(
                prefix=f"k{item.action.pk.hex[:8]}",
                initial={
                    "outcome": item.checkin.outcome if item.checkin else None,
                    "what_happened": item.checkin.what_happened if item.checkin else "",
                    "learned": item.checkin.learned if item.checkin else "",
                },
            ),
        }
        for item in items
    ]
    is_coach = engagement_can(request.user, Perm.SCHEDULE_SESSIONS, engagement)
    return {
        "session": session,
        "engagement": engagement,
        "number": session_number(session),
        "is_coach": is_coach,
        # The coach's own notes stay theirs to read when the engagement has ended.
        "has_private_note": engagement_can(
            request.user, Perm.WRITE_PRIVATE_NOTES, engagement, reading=True
        ),
        "is_coachee": request.user.pk == engagement.coachee_id,
        "accountability": accountability,
        "topics": [topic_block(request, t, topic_bound.get(t.pk)) for t in session_topics(session)],
        "topic_form": forms_.get("topic_form") or TopicForm(),
        "actions": session_actions(session).filter(topic__isnull=True),
        "action_form": forms_.get("action_form") or ActionForm(engagement=engagement),
        "close_form": forms_.get("close_form")
        or CloseForm(initial={"summary": session.summary, "version": session.version}),
        "summary_form": forms_.get("summary_form")
        or SummaryForm(initial={"summary": session.summary, "version": session.version}),
        "can_close_now": session.is_planned
        and session.scheduled_at <= timezone.now() + dt.timedelta(hours=12),
        # Said before the coach presses "Close", not after.
        "accountability_open": sum(1 for item in items if item.checkin is None),
        "feedback": feedback_of(user=request.user, session=session),
        "may_rate": may_give_feedback(request.user, session),
    }


def session_page(request: AuthedRequest, session: CoachingSession, **kw: Any) -> HttpResponse:
    status = 422 if kw else 200
    return render(
        request,
        "coaching_sessions/session_detail.html",
        session_context(request, session, **kw),
        status=status,
    )


def topic_response(
    request: AuthedRequest,
    topic: AgendaTopic,
    *,
    bound: dict[str, forms.Form] | None = None,
    ok: bool = True,
    saved: str = "",
    error: str = "",
) -> HttpResponse:
    """htmx gets the topic card back; a plain POST redirects, or re-renders with errors.
    ``saved`` confirms what was stored, ``error`` says why a button did nothing — beside the
    button for htmx, at the top of the page otherwise."""
    if request.htmx:
        topic = session_topics(topic.session).get(pk=topic.pk)
        block = topic_block(request, topic, None if ok else bound)
        context = {
            "block": block,
            "session": topic.session,
            "saved": saved if ok else "",
            "card_error": error,
        }
        return render(request, "coaching_sessions/_topic.html", context)
    if error:
        messages.error(request, error)
    if ok:
        if saved:
            messages.success(request, saved)
        url = reverse("session_detail", kwargs={"pk": topic.session_id})
        return redirect(f"{url}#topic-{topic.pk}")
    return session_page(request, topic.session, topic_bound={topic.pk: bound or {}})


def card_response(
    request: AuthedRequest,
    topic: AgendaTopic,
    grow_error: GrowForm | None,
    name: str,
    form: forms.Form | None,
    ok: bool,
    error: str = "",
) -> HttpResponse:
    """The card after a button inside it: its own step done or not, and the GROW notes sent
    along kept with their clash message where they could not be saved."""
    bound: dict[str, forms.Form] = {}
    if grow_error is not None:
        bound["grow"] = grow_error
    if not ok and form is not None:
        bound[name] = form
    return topic_response(request, topic, bound=bound, ok=not bound and ok, error=error)


def attempt(call: Callable[[], object]) -> str:
    """Run a step with no form of its own; the reason it was refused, or ""."""
    try:
        call()
    except ValidationError as exc:
        return " ".join(exc.messages)
    return ""
