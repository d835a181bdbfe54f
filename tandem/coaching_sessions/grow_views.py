"""GROW on a topic card: notes, options, commitment and revisiting the goal.

Every button inside a card sends the card's GROW notes along, so nothing typed is lost; they
are saved through ``services.grow_notes_save``, which owns the rule for two people writing
at once. What is here is only how a clash is shown on the form.
"""

from __future__ import annotations

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.utils import timezone
from django.views.decorators.http import require_POST

from tandem.coaching_sessions import services
from tandem.coaching_sessions.forms import CommitForm, GrowForm, OptionForm, RevisitForm
from tandem.coaching_sessions.models import AgendaTopic
from tandem.coaching_sessions.selectors import option_get_for, topic_get_for
from tandem.coaching_sessions.services import GrowClash
from tandem.coaching_sessions.session_page import attempt, card_response, topic_response
from tandem.core.forms import run_service
from tandem.core.http import AuthedRequest


def save_grow_sent_along(
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
    """The topic as saved, and the form to show again when the notes could not be saved."""
    if not form.is_valid():
        return topic, form
    try:
        saved = run_service(
            form,
            lambda: services.grow_notes_save(
                actor=request.user,
                topic=topic,
                mine=form.notes(),
                basis=form.basis_digests(),
                expected_version=form.cleaned_data["version"],
            ),
        )
    except GrowClash as clash:
        return clash.topic, _grow_clash(form, clash)
    if saved is None:
        return topic, form  # the session closed, say: the form says why
    return saved, None


def _grow_clash(form: GrowForm, clash: GrowClash) -> GrowForm:
    """Nothing saved; the fields show this person's text for every note they changed (the
    clashing ones and the others alike) and the saved text for notes they left alone, with
    the other person's version of the clashing notes quoted above: merge, then save."""
    topic = clash.topic
    data = dict(form.data.items())
    for note in GrowForm.NOTES:
        if note not in clash.clashes:
            data[form.add_prefix(note)] = clash.merged[note]
    data[form.add_prefix("version")] = str(topic.version)
    data[form.add_prefix("basis")] = GrowForm.digest(topic.goal, topic.reality, topic.will)
    shown = GrowForm(data, prefix=form.prefix)
    shown.is_valid()
    theirs = "; ".join(
        f"{note.capitalize()}: “{getattr(topic, note)}”"
        for note in clash.clashes
        if getattr(topic, note)
    )
    shown.add_error(
        None,
        "The other person saved these notes while you were typing"
        + (f" — theirs read {theirs}" if theirs else "")
        + ". Yours are kept below, not saved yet: merge the two, then save.",
    )
    return shown


@login_required
@require_POST
def topic_grow(request: AuthedRequest, pk: str) -> HttpResponse:
    topic = topic_get_for(user=request.user, pk=pk)
    form = GrowForm(request.POST, prefix=f"t{topic.pk.hex[:8]}")
    topic, failed = _save_grow(request, topic, form)
    saved = f"Notes saved at {timezone.localtime():%H:%M}."
    bound: dict[str, forms.Form] = {"grow": failed} if failed is not None else {}
    return topic_response(request, topic, bound=bound, ok=failed is None, saved=saved)


@login_required
@require_POST
def option_add(request: AuthedRequest, pk: str) -> HttpResponse:
    topic = topic_get_for(user=request.user, pk=pk)
    topic, grow_error = save_grow_sent_along(request, topic)
    form = OptionForm(request.POST, prefix=f"o{topic.pk.hex[:8]}")
    ok = form.is_valid() and (
        run_service(
            form,
            lambda: services.grow_option_add(actor=request.user, topic=topic, **form.cleaned_data),
        )
        is not None
    )
    return card_response(request, topic, grow_error, "option", form, ok)


@login_required
@require_POST
def option_choose(request: AuthedRequest, pk: str) -> HttpResponse:
    option = option_get_for(user=request.user, pk=pk)
    topic, grow_error = save_grow_sent_along(request, option.topic)
    error = attempt(
        lambda: services.grow_option_set_chosen(
            actor=request.user, option=option, chosen=request.POST.get("chosen") == "1"
        )
    )
    return card_response(request, topic, grow_error, "", None, not error, error)


@login_required
@require_POST
def option_delete(request: AuthedRequest, pk: str) -> HttpResponse:
    option = option_get_for(user=request.user, pk=pk)
    topic, grow_error = save_grow_sent_along(request, option.topic)
    error = attempt(lambda: services.grow_option_delete(actor=request.user, option=option))
    return card_response(request, topic, grow_error, "", None, not error, error)


@login_required
@require_POST
def topic_commit(request: AuthedRequest, pk: str) -> HttpResponse:
    topic = topic_get_for(user=request.user, pk=pk)
    topic, grow_error = save_grow_sent_along(request, topic)
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
    return card_response(request, topic, grow_error, "commit", form, outcome is not None)


@login_required
@require_POST
def topic_revisit(request: AuthedRequest, pk: str) -> HttpResponse:
    topic = topic_get_for(user=request.user, pk=pk)
    before = topic.version
    topic, grow_error = save_grow_sent_along(request, topic)
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
    return card_response(request, topic, grow_error, "revisit", form, ok)
