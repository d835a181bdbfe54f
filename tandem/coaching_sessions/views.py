"""The session page and everything done on it: agenda, accountability, GROW, close."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from tandem.action_items import services as action_services
from tandem.action_items.forms import ActionForm, CheckInForm
from tandem.action_items.selectors import accountability_for, action_get_for, session_actions
from tandem.coaching_sessions import services
from tandem.coaching_sessions.feedback import feedback_of, may_give_feedback
from tandem.coaching_sessions.forms import (
    CloseForm,
    CommitForm,
    GrowForm,
    MarkForm,
    OptionForm,
    PlanSessionsForm,
    PrivateNoteForm,
    RescheduleForm,
    RevisitForm,
    SummaryForm,
    TopicForm,
)
from tandem.coaching_sessions.models import AgendaTopic, CoachingSession
from tandem.coaching_sessions.selectors import (
    option_get_for,
    private_note_for,
    session_get_for,
    session_number,
    session_topics,
    topic_get_for,
)
from tandem.core.forms import run_service, run_service_or_flash, service_ok
from tandem.core.http import AuthedRequest, uuid_or_none
from tandem.core.policy import Perm, engagement_can
from tandem.engagements.selectors import engagement_get_for

# --- the session page ---------------------------------------------------------------------


def _topic_block(
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


def _session_context(
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
        "topics": [
            _topic_block(request, t, topic_bound.get(t.pk)) for t in session_topics(session)
        ],
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


def _session_page(request: AuthedRequest, session: CoachingSession, **kw: Any) -> HttpResponse:
    status = 422 if kw else 200
    return render(
        request,
        "coaching_sessions/session_detail.html",
        _session_context(request, session, **kw),
        status=status,
    )


@login_required
def session_detail(request: AuthedRequest, pk: str) -> HttpResponse:
    session = session_get_for(user=request.user, pk=pk)
    return _session_page(request, session)


def _topic_response(
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
        block = _topic_block(request, topic, None if ok else bound)
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
    return _session_page(request, topic.session, topic_bound={topic.pk: bound or {}})


def _save_grow_sent_along(
    request: AuthedRequest, topic: AgendaTopic
) -> tuple[AgendaTopic, GrowForm | None]:
    """Buttons inside a topic card send its GROW notes along (hx-include), so adding an
    option or an action never loses notes typed but not yet saved. Returns the topic as
    saved, and the GROW form when saving it failed (a clash, say)."""
    prefix = f"t{topic.pk.hex[:8]}"
    if f"{prefix}-goal" not in request.POST:
        return topic, None
    return _save_grow(request, topic, GrowForm(request.POST, prefix=prefix))


def _save_grow(
    request: AuthedRequest, topic: AgendaTopic, form: GrowForm
) -> tuple[AgendaTopic, GrowForm | None]:
    """Save the notes this person changed, merged with what the other person saved meanwhile:
    a note only they changed is theirs, a note only the other changed stays the other's, and
    only a note both changed differently is a clash — shown with both versions, nothing lost."""
    if not form.is_valid():
        return topic, form
    basis = form.basis_digests()
    merged: dict[str, str] = {}
    clashes: list[str] = []
    for note in GrowForm.NOTES:
        mine, saved = form.cleaned_data[note], getattr(topic, note)
        seen = basis.get(note)
        if seen is not None and GrowForm.note_digest(mine) == seen:
            merged[note] = saved  # not touched here
        elif seen is None or GrowForm.note_digest(saved) == seen or mine.strip() == saved:
            merged[note] = mine  # nobody else changed it, or both wrote the same
        else:
            merged[note] = mine
            clashes.append(note)
    if clashes:
        return topic, _grow_clash(form, topic, clashes, merged)
    if all(merged[n].strip() == getattr(topic, n) for n in GrowForm.NOTES):
        return topic, None
    saved_topic = run_service(
        form,
        lambda: services.grow_topic_update(
            actor=request.user,
            topic=topic,
            expected_version=topic.version if basis else form.cleaned_data["version"],
            **merged,
        ),
    )
    if saved_topic is None:
        stale = any(e.code == "stale" for e in form.non_field_errors().as_data())
        if not stale:
            return topic, form  # the session closed, say: the form says why
        # Saved again in the instant between: show it as a clash, both versions in view.
        return topic, _grow_clash(form, topic, list(GrowForm.NOTES), merged)
    return saved_topic, None


def _grow_clash(
    form: GrowForm, topic: AgendaTopic, clashes: list[str], merged: dict[str, str]
) -> GrowForm:
    """Nothing saved; the fields show this person's text for every note they changed (the
    clashing ones and the others alike) and the saved text for notes they left alone, with
    the other person's version of the clashing notes quoted above: merge, then save."""
    topic.refresh_from_db()
    data = dict(form.data.items())
    for note in GrowForm.NOTES:
        if note not in clashes:
            data[form.add_prefix(note)] = merged[note]
    data[form.add_prefix("version")] = str(topic.version)
    data[form.add_prefix("basis")] = GrowForm.digest(topic.goal, topic.reality, topic.will)
    clash = GrowForm(data, prefix=form.prefix)
    clash.is_valid()
    theirs = "; ".join(
        f"{note.capitalize()}: “{getattr(topic, note)}”" for note in clashes if getattr(topic, note)
    )
    clash.add_error(
        None,
        "The other person saved these notes while you were typing"
        + (f" — theirs read {theirs}" if theirs else "")
        + ". Yours are kept below, not saved yet: merge the two, then save.",
    )
    return clash


def _respond(
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
    return _topic_response(request, topic, bound=bound, ok=not bound and ok, error=error)


def _attempt(call: Callable[[], object]) -> str:
    """Run a step with no form of its own; the reason it was refused, or ""."""
    try:
        call()
    except ValidationError as exc:
        return " ".join(exc.messages)
    return ""


# --- agenda -----------------------------------------------------------------------------


@login_required
@require_POST
def topic_add(request: AuthedRequest, pk: str) -> HttpResponse:
    session = session_get_for(user=request.user, pk=pk, perm=Perm.EDIT_SESSION_CONTENT)
    form = TopicForm(request.POST)
    if form.is_valid() and service_ok(
        form,
        lambda: services.agenda_topic_add(
            actor=request.user, session=session, title=form.cleaned_data["title"]
        ),
    ):
        return redirect(reverse("session_detail", kwargs={"pk": session.pk}) + "#agenda")
    return _session_page(request, session, topic_form=form)


@login_required
@require_POST
def topic_remove(request: AuthedRequest, pk: str) -> HttpResponse:
    topic = topic_get_for(user=request.user, pk=pk)
    run_service_or_flash(
        request, lambda: services.agenda_topic_remove(actor=request.user, topic=topic)
    )
    return redirect(reverse("session_detail", kwargs={"pk": topic.session_id}) + "#agenda")


# --- GROW -------------------------------------------------------------------------------


@login_required
@require_POST
def topic_grow(request: AuthedRequest, pk: str) -> HttpResponse:
    topic = topic_get_for(user=request.user, pk=pk)
    form = GrowForm(request.POST, prefix=f"t{topic.pk.hex[:8]}")
    topic, failed = _save_grow(request, topic, form)
    saved = f"Notes saved at {timezone.localtime():%H:%M}."
    bound: dict[str, forms.Form] = {"grow": failed} if failed is not None else {}
    return _topic_response(request, topic, bound=bound, ok=failed is None, saved=saved)


@login_required
@require_POST
def option_add(request: AuthedRequest, pk: str) -> HttpResponse:
    topic = topic_get_for(user=request.user, pk=pk)
    topic, grow_error = _save_grow_sent_along(request, topic)
    form = OptionForm(request.POST, prefix=f"o{topic.pk.hex[:8]}")
    ok = form.is_valid() and (
        run_service(
            form,
            lambda: services.grow_option_add(actor=request.user, topic=topic, **form.cleaned_data),
        )
        is not None
    )
    return _respond(request, topic, grow_error, "option", form, ok)


@login_required
@require_POST
def option_choose(request: AuthedRequest, pk: str) -> HttpResponse:
    option = option_get_for(user=request.user, pk=pk)
    topic, grow_error = _save_grow_sent_along(request, option.topic)
    error = _attempt(
        lambda: services.grow_option_set_chosen(
            actor=request.user, option=option, chosen=request.POST.get("chosen") == "1"
        )
    )
    return _respond(request, topic, grow_error, "", None, not error, error)


@login_required
@require_POST
def option_delete(request: AuthedRequest, pk: str) -> HttpResponse:
    option = option_get_for(user=request.user, pk=pk)
    topic, grow_error = _save_grow_sent_along(request, option.topic)
    error = _attempt(lambda: services.grow_option_delete(actor=request.user, option=option))
    return _respond(request, topic, grow_error, "", None, not error, error)


@login_required
@require_POST
def topic_commit(request: AuthedRequest, pk: str) -> HttpResponse:
    topic = topic_get_for(user=request.user, pk=pk)
    topic, grow_error = _save_grow_sent_along(request, topic)
    form = CommitForm(request.POST, prefix=f"c{topic.pk.hex[:8]}")
    outcome = None
    if form.is_valid():
        outcome = run_service(
            form,
            lambda: services.grow_topic_commit(
                actor=request.user, topic=topic, rating=form.cleaned_data["rating"]
            ),
        )
    # Asking to revisit the goal is not an error: the card now shows the revisit prompt.
    return _respond(request, topic, grow_error, "commit", form, outcome is not None)


@login_required
@require_POST
def topic_revisit(request: AuthedRequest, pk: str) -> HttpResponse:
    topic = topic_get_for(user=request.user, pk=pk)
    before = topic.version
    topic, grow_error = _save_grow_sent_along(request, topic)
    form = RevisitForm(request.POST, prefix=f"r{topic.pk.hex[:8]}")
    ok = form.is_valid() and (
        run_service(
            form,
            lambda: services.grow_topic_revisit_goal(
                actor=request.user,
                topic=topic,
                goal=form.cleaned_data["goal"],
                # Notes saved a moment ago in this same request are not someone else's edit;
                # a revision based on an older page still is.
                expected_version=topic.version
                if topic.version != before and form.cleaned_data["version"] == before
                else form.cleaned_data["version"],
            ),
        )
        is not None
    )
    return _respond(request, topic, grow_error, "revisit", form, ok)


# --- actions and accountability ---------------------------------------------------------


@login_required
@require_POST
def session_action_add(request: AuthedRequest, pk: str) -> HttpResponse:
    session = session_get_for(user=request.user, pk=pk, perm=Perm.EDIT_SESSION_CONTENT)
    topic_id = uuid_or_none(request.POST.get("topic_id"))
    topic = topic_get_for(user=request.user, pk=topic_id) if topic_id else None
    if topic is not None and topic.session_id != session.pk:
        topic = None
    grow_error = None
    if topic is not None:
        topic, grow_error = _save_grow_sent_along(request, topic)
    prefix = f"a{topic.pk.hex[:8]}" if topic else None
    form = ActionForm(request.POST, engagement=session.engagement, prefix=prefix)
    ok = form.is_valid() and (
        run_service(
            form,
            lambda: action_services.action_create(
                actor=request.user,
                engagement=session.engagement,
                session=session,
                topic=topic,
                title=form.cleaned_data["title"],
                owner=form.owner_user(),
                due_date=form.cleaned_data["due_date"],
            ),
        )
        is not None
    )
    if topic is not None:
        return _respond(request, topic, grow_error, "action", form, ok)
    if ok:
        return redirect(reverse("session_detail", kwargs={"pk": session.pk}) + "#actions")
    return _session_page(request, session, action_form=form)


@login_required
@require_POST
def checkin_record(request: AuthedRequest, pk: str, action_pk: str) -> HttpResponse:
    session = session_get_for(user=request.user, pk=pk, perm=Perm.EDIT_SESSION_CONTENT)
    action = action_get_for(user=request.user, pk=action_pk)
    form = CheckInForm(request.POST, prefix=f"k{action.pk.hex[:8]}")
    if form.is_valid() and service_ok(
        form,
        lambda: action_services.checkin_record(
            actor=request.user, session=session, action=action, **form.cleaned_data
        ),
    ):
        return redirect(reverse("session_detail", kwargs={"pk": session.pk}) + "#accountability")
    return _session_page(request, session, checkin_bound={action.pk: form})


# --- closing and after ------------------------------------------------------------------


@login_required
@require_POST
def session_close(request: AuthedRequest, pk: str) -> HttpResponse:
    session = session_get_for(user=request.user, pk=pk, perm=Perm.SCHEDULE_SESSIONS)
    if not session.is_planned:  # a second click, or a retry after a slow answer
        messages.info(request, f"This session is already {session.get_status_display().lower()}.")
        return redirect("session_detail", pk=session.pk)
    form = CloseForm(request.POST)
    if form.is_valid() and service_ok(
        form,
        lambda: services.session_close(
            actor=request.user,
            session=session,
            summary=form.cleaned_data["summary"],
            no_action=form.cleaned_data["no_action"],
            no_action_reason=form.cleaned_data["no_action_reason"],
            expected_version=form.cleaned_data["version"],
        ),
    ):
        messages.success(request, "Session closed. Open actions will come back next time.")
        return redirect("session_detail", pk=session.pk)
    return _session_page(request, session, close_form=form)


@login_required
@require_POST
def session_summary(request: AuthedRequest, pk: str) -> HttpResponse:
    session = session_get_for(user=request.user, pk=pk, perm=Perm.EDIT_SESSION_CONTENT)
    form = SummaryForm(request.POST)
    if form.is_valid() and service_ok(
        form,
        lambda: services.session_save_summary(
            actor=request.user,
            session=session,
            summary=form.cleaned_data["summary"],
            expected_version=form.cleaned_data["version"],
        ),
    ):
        messages.success(request, "Summary saved.")
        return redirect("session_detail", pk=session.pk)
    return _session_page(request, session, summary_form=form)


@login_required
def private_note(request: AuthedRequest, pk: str) -> HttpResponse:
    session = session_get_for(
        user=request.user, pk=pk, perm=Perm.WRITE_PRIVATE_NOTES, reading=request.method == "GET"
    )
    note = private_note_for(user=request.user, session=session)
    initial = {"body": note.body if note else "", "version": note.version if note else None}
    form = PrivateNoteForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        saved = run_service(
            form,
            lambda: services.private_note_save(
                actor=request.user,
                session=session,
                body=form.cleaned_data["body"],
                expected_version=form.cleaned_data["version"],
            ),
        )
        if saved is not None:
            messages.success(request, "Private note saved. Only you can read it.")
            return redirect("private_note", pk=session.pk)
    return render(
        request,
        "coaching_sessions/private_note.html",
        {
            "session": session,
            "engagement": session.engagement,
            "form": form,
            "note": note,
            "can_write": engagement_can(request.user, Perm.WRITE_PRIVATE_NOTES, session.engagement),
        },
    )


# --- scheduling -------------------------------------------------------------------------


@login_required
def sessions_plan(request: AuthedRequest, pk: str) -> HttpResponse:
    engagement = engagement_get_for(user=request.user, pk=pk, perm=Perm.SCHEDULE_SESSIONS)
    live = engagement.sessions.exclude(status="cancelled").count()
    default_count = max(min(engagement.planned_sessions - live, 12), 1)
    form = PlanSessionsForm(
        request.POST or None,
        initial={
            "count": default_count,
            "cadence_days": engagement.cadence_days,
            "duration_minutes": engagement.session_minutes,
        },
    )
    if request.method == "POST" and form.is_valid():
        planned = run_service(
            form,
            lambda: services.sessions_plan(
                actor=request.user, engagement=engagement, **form.cleaned_data
            ),
        )
        if planned is not None:
            messages.success(
                request,
                f"{len(planned)} session(s) planned; invitations are on their way to "
                f"{engagement.coachee.get_short_name()} and you.",
            )
            return redirect("engagement_detail", pk=engagement.pk)
    return render(request, "coaching_sessions/plan.html", {"engagement": engagement, "form": form})


@login_required
def session_schedule(request: AuthedRequest, pk: str) -> HttpResponse:
    session = session_get_for(user=request.user, pk=pk, perm=Perm.SCHEDULE_SESSIONS)
    local = timezone.localtime(session.scheduled_at)
    form = RescheduleForm(
        request.POST or None,
        initial={
            "scheduled_at": local.strftime("%Y-%m-%dT%H:%M"),
            "duration_minutes": session.duration_minutes,
            "version": session.version,
        },
    )
    mark_form = MarkForm()
    if request.method == "POST" and form.is_valid():
        saved = run_service(
            form,
            lambda: services.session_reschedule(
                actor=request.user,
                session=session,
                scheduled_at=form.cleaned_data["scheduled_at"],
                duration_minutes=form.cleaned_data["duration_minutes"],
                expected_version=form.cleaned_data["version"],
                allow_overlap=form.cleaned_data["allow_overlap"],
            ),
        )
        if saved is not None:
            messages.success(request, "Session rescheduled; both calendars get the new time.")
            return redirect("engagement_detail", pk=session.engagement_id)
    return render(
        request,
        "coaching_sessions/schedule.html",
        {
            "session": session,
            "engagement": session.engagement,
            "form": form,
            "mark_form": mark_form,
        },
    )


@login_required
@require_POST
def session_mark(request: AuthedRequest, pk: str) -> HttpResponse:
    session = session_get_for(user=request.user, pk=pk, perm=Perm.SCHEDULE_SESSIONS)
    form = MarkForm(request.POST)
    if form.is_valid() and service_ok(
        form,
        lambda: services.session_mark(
            actor=request.user, session=session, status=form.cleaned_data["status"]
        ),
    ):
        messages.success(request, "Session updated; its open topics move to the next session.")
        return redirect("engagement_detail", pk=session.engagement_id)
    return render(
        request,
        "coaching_sessions/schedule.html",
        {
            "session": session,
            "engagement": session.engagement,
            "form": RescheduleForm(initial={"version": session.version}),
            "mark_form": form,
        },
        status=422,
    )
