"""The session page and what is done on it outside GROW: agenda, accountability, actions,
the shared summary, closing, and the coach's private note.

GROW on a topic card is in ``grow_views``, scheduling in ``schedule_views``; how the page is
drawn is in ``session_page``.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from tandem.action_items import services as action_services
from tandem.action_items.forms import ActionForm, CheckInForm
from tandem.action_items.selectors import action_get_for
from tandem.coaching_sessions import services
from tandem.coaching_sessions.forms import CloseForm, PrivateNoteForm, SummaryForm, TopicForm
from tandem.coaching_sessions.grow_views import save_grow_sent_along
from tandem.coaching_sessions.selectors import private_note_for, session_get_for, topic_get_for
from tandem.coaching_sessions.session_page import card_response, session_page
from tandem.core.forms import run_service, run_service_or_flash, service_ok
from tandem.core.http import AuthedRequest, uuid_or_none
from tandem.core.policy import Perm, engagement_can
from tandem.privacy.audit import Kind as ReadKind
from tandem.privacy.audit import record_read


@login_required
def session_detail(request: AuthedRequest, pk: str) -> HttpResponse:
    session = session_get_for(user=request.user, pk=pk)
    record_read(
        reader=request.user,
        kind=ReadKind.SESSION_NOTES,
        engagement=session.engagement,
        object_id=session.pk,
    )
    return session_page(request, session)


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
    return session_page(request, session, topic_form=form)


@login_required
@require_POST
def topic_remove(request: AuthedRequest, pk: str) -> HttpResponse:
    topic = topic_get_for(user=request.user, pk=pk)
    run_service_or_flash(
        request, lambda: services.agenda_topic_remove(actor=request.user, topic=topic)
    )
    return redirect(reverse("session_detail", kwargs={"pk": topic.session_id}) + "#agenda")


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
        topic, grow_error = save_grow_sent_along(request, topic)
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
        return card_response(request, topic, grow_error, "action", form, ok)
    if ok:
        return redirect(reverse("session_detail", kwargs={"pk": session.pk}) + "#actions")
    return session_page(request, session, action_form=form)


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
    return session_page(request, session, checkin_bound={action.pk: form})


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
    return session_page(request, session, close_form=form)


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
    return session_page(request, session, summary_form=form)


@login_required
def private_note(request: AuthedRequest, pk: str) -> HttpResponse:
    session = session_get_for(
        user=request.user, pk=pk, perm=Perm.WRITE_PRIVATE_NOTES, reading=request.method == "GET"
    )
    note = private_note_for(user=request.user, session=session)
    if note is not None and request.method == "GET":
        record_read(
            reader=request.user,
            kind=ReadKind.PRIVATE_NOTE,
            engagement=session.engagement,
            owner=note.author_id,
            object_id=note.pk,
        )
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
