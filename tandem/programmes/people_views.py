"""The programme's people page and its CSV import (programme admins only)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_POST

from tandem.accounts.models import Programme
from tandem.core.forms import add_service_errors, run_service, run_service_or_flash
from tandem.core.http import AuthedRequest, search_text
from tandem.programmes.people import selectors, services
from tandem.programmes.people.csv_file import MAX_ROWS
from tandem.programmes.people.forms import (
    AddToProgrammeForm,
    CoacheeDetailsForm,
    ConfirmForm,
    TextForm,
    UploadForm,
    training_value,
)
from tandem.programmes.people.plan import Plan
from tandem.programmes.selectors import programme_get_for

EXAMPLE_CSV = Path(__file__).resolve().parent / "demo" / "people-example.csv"


def _base_url(request: AuthedRequest) -> str:
    return request.build_absolute_uri("/")


def _back(request: AuthedRequest, programme: Programme) -> HttpResponse:
    """Back to the people page the form was on (its search and page kept)."""
    people_url = reverse("programme_people", args=[programme.pk])
    back = request.POST.get("back", "")
    if back.startswith(people_url) and url_has_allowed_host_and_scheme(back, allowed_hosts=None):
        return redirect(back)
    return redirect(people_url)


@login_required
def programme_people(request: AuthedRequest, pk: str) -> HttpResponse:
    """The coach pool, the coachees and the sponsors, a page at a time; add one person."""
    programme = programme_get_for(user=request.user, pk=pk)
    form = AddToProgrammeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        result = run_service(
            form,
            lambda: services.programme_member_add(
                actor=request.user,
                programme=programme,
                email=data["email"],
                full_name=data["full_name"],
                role=data["role"],
                sponsor_email=data["sponsor_email"],
                cohort=data["cohort"],
                took_training=training_value(data["training"]),
                base_url=_base_url(request),
            ),
        )
        if result is not None:
            who = data["full_name"] or data["email"].lower()
            messages.success(request, _added_message(result, programme, who))
            return redirect("programme_people", pk=programme.pk)
    people = selectors.programme_people(
        programme=programme,
        query=search_text(request.GET.get("q", "")),
        role=request.GET.get("role", ""),
        page=request.GET.get("page"),
    )
    return render(
        request,
        "programmes/people/people.html",
        {
            "programme": programme,
            "tab": "people",
            "people": people,
            "form": form,
            "needing_coach": selectors.engagements_needing_a_coach(
                organisation=programme.organisation, programme=programme
            ),
        },
        status=422 if form.errors else 200,
    )


def _added_message(result: services.ImportResult, programme: Programme, who: str) -> str:
    if result.new_people:
        how = "They were emailed a link to choose a password."
    else:
        how = f"They were already in {programme.organisation}: they were told they were added."
    extra = " Their sponsor was added to the programme's sponsors too." if result.places > 1 else ""
    return f"{who} added to {programme}. {how}{extra}"


@login_required
@require_POST
def programme_member_update(request: AuthedRequest, pk: str) -> HttpResponse:
    """Correct a coachee's sponsor, cohort and training (a form in their row)."""
    programme = programme_get_for(user=request.user, pk=pk)
    form = CoacheeDetailsForm(request.POST)
    if not form.is_valid():
        if "member" in form.errors:
            messages.error(request, "Choose whose details to change.")
        else:
            messages.error(request, " ".join(str(e) for errs in form.errors.values() for e in errs))
        return _back(request, programme)
    member = selectors.programme_member_get(programme=programme, pk=form.cleaned_data["member"])
    updated = run_service_or_flash(
        request,
        lambda: services.programme_member_update(
            actor=request.user,
            member=member,
            sponsor_email=form.cleaned_data["sponsor_email"],
            cohort=form.cleaned_data["cohort"],
            took_training=training_value(form.cleaned_data["training"]),
            base_url=_base_url(request),
        ),
    )
    if updated is not None:
        messages.success(request, f"Saved {member.user}'s details.")
    return _back(request, programme)


@login_required
@require_POST
def programme_member_remove(request: AuthedRequest, pk: str) -> HttpResponse:
    """Take someone out of the programme in one role (they stay in the organisation)."""
    programme = programme_get_for(user=request.user, pk=pk)
    if not request.POST.get("member"):
        messages.error(request, "Choose whom to take out of the programme.")
        return _back(request, programme)
    member = selectors.programme_member_get(programme=programme, pk=request.POST["member"])
    done = run_service_or_flash(
        request,
        lambda: services.programme_member_remove(actor=request.user, member=member) or True,
    )
    if done:
        messages.success(
            request,
            f"{member.user} is no longer {member.get_role_display().lower()} in {programme}. "
            "They stay in the organisation.",
        )
    return _back(request, programme)


@login_required
def programme_people_import(request: AuthedRequest, pk: str) -> HttpResponse:
    """Upload a CSV, see every row's problems (nothing stored), correct, then confirm."""
    programme = programme_get_for(user=request.user, pk=pk)
    if request.method != "POST":
        return _upload_page(request, programme, UploadForm())
    if request.POST.get("step") == "import":
        return _confirm(request, programme)
    if request.POST.get("step") == "recheck":
        text_form = TextForm(request.POST)
        if not text_form.is_valid():
            return _upload_page(request, programme, UploadForm(), errors=text_form, status=422)
        text = text_form.cleaned_data["text"]
    else:
        upload = UploadForm(request.POST, request.FILES)
        if not upload.is_valid():
            return _upload_page(request, programme, upload, status=422)
        text = upload.cleaned_data["file"]
    try:
        plan = services.plan_text(actor=request.user, programme=programme, text=text)
    except ValidationError as exc:
        return _upload_page(
            request, programme, UploadForm(), errors=_unreadable(text, exc), status=422
        )
    return _preview(request, programme, plan, text)


def _unreadable(text: str, exc: ValidationError) -> TextForm:
    """The text back in a form, with why it cannot be read, for correcting in place."""
    form = TextForm({"text": text})
    form.is_valid()
    add_service_errors(form, exc)
    return form


def _upload_page(
    request: AuthedRequest,
    programme: Programme,
    upload: UploadForm,
    *,
    errors: TextForm | None = None,
    status: int = 200,
) -> HttpResponse:
    return render(
        request,
        "programmes/people/import.html",
        {
            "programme": programme,
            "tab": "people",
            "upload": upload,
            "text_form": errors,
            "max_rows": MAX_ROWS,
        },
        status=status,
    )


def _preview(
    request: AuthedRequest,
    programme: Programme,
    plan: Plan,
    text: str,
    *,
    problem: str = "",
    status: int = 200,
) -> HttpResponse:
    context: dict[str, Any] = {
        "programme": programme,
        "tab": "people",
        "plan": plan,
        "problem": problem,
        "text_form": TextForm(initial={"text": text}),
        "upload": UploadForm(),
        "confirm": ConfirmForm(
            initial={"text": text, "fingerprint": plan.fingerprint}, auto_id="confirm-%s"
        ),
        "max_rows": MAX_ROWS,
    }
    return render(request, "programmes/people/preview.html", context, status=status)


def _confirm(request: AuthedRequest, programme: Programme) -> HttpResponse:
    form = ConfirmForm(request.POST)
    if not form.is_valid():
        messages.error(request, "The preview did not come back whole: upload the file again.")
        return redirect("programme_people_import", pk=programme.pk)
    text = form.cleaned_data["text"]
    try:
        result = services.people_import(
            actor=request.user,
            programme=programme,
            text=text,
            fingerprint=form.cleaned_data["fingerprint"],
            skip_errors=form.cleaned_data["skip_errors"],
            base_url=_base_url(request),
        )
    except ValidationError as exc:
        try:  # show the preview as it is now, with why nothing was imported
            plan = services.plan_text(actor=request.user, programme=programme, text=text)
        except ValidationError as unreadable:
            return _upload_page(
                request, programme, UploadForm(), errors=_unreadable(text, unreadable), status=422
            )
        return _preview(request, programme, plan, text, problem=" ".join(exc.messages), status=422)
    messages.success(request, _import_message(result, programme))
    return redirect("programme_people", pk=programme.pk)


def _import_message(result: services.ImportResult, programme: Programme) -> str:
    organisation = programme.organisation
    people = f"{result.people} {'person' if result.people == 1 else 'people'}"
    roles = f" ({result.places} roles)" if result.places != result.people else ""
    parts = [f"Added {people} to {programme}{roles}."]
    if result.new_people:
        parts.append(
            f"{result.new_people} new to {organisation} "
            f"{'was' if result.new_people == 1 else 'were'} emailed a link to choose a password."
        )
    if result.known_people:
        parts.append(
            f"{result.known_people} already in {organisation} "
            f"{'was' if result.known_people == 1 else 'were'} told of it."
        )
    if result.unchanged:
        parts.append(f"{services.count_rows(result.unchanged)} for places held already: unchanged.")
    if result.skipped:
        parts.append(f"{services.count_rows(result.skipped)} with problems skipped.")
    return " ".join(parts)


@login_required
@require_GET
def programme_people_example(request: AuthedRequest, pk: str) -> HttpResponse:
    """An example CSV to start from (the layout the import reads)."""
    programme_get_for(user=request.user, pk=pk)
    response = HttpResponse(EXAMPLE_CSV.read_bytes(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="people-example.csv"'
    return response
