"""Pages for data rights: erasure (and its dry run), export, records of processing."""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from tandem.accounts.models import User
from tandem.accounts.selectors import membership_get, organisation_get_for_admin
from tandem.core.forms import run_service
from tandem.core.http import AuthedRequest
from tandem.privacy import erasure, export, retention
from tandem.privacy.audit import Kind as ReadKind
from tandem.privacy.audit import record_read
from tandem.privacy.forms import EraseForm, RetentionForm
from tandem.privacy.models import ContentPurge, DataExport, ReadRecord, RetentionPolicy
from tandem.privacy.records import RECORDS
from tandem.privacy.selectors import read_counts


def _erase_page(
    request: AuthedRequest,
    person: User,
    context: dict[str, object],
    done: Callable[[], HttpResponse],
) -> HttpResponse:
    refusal = erasure.erasure_refusal(actor=request.user, person=person)
    form = EraseForm(request.POST or None)
    if not refusal and request.method == "POST" and form.is_valid():
        erased = run_service(
            form,
            lambda: erasure.person_erase(
                actor=request.user, person=person, confirm=form.cleaned_data["confirm"]
            ),
        )
        if erased is not None:
            return done()
    plan = None if refusal else erasure.erasure_plan(actor=request.user, person=person)
    return render(
        request,
        "privacy/erase.html",
        {**context, "person": person, "plan": plan, "refusal": refusal, "form": form},
        status=422 if form.errors and request.method == "POST" else 200,
    )


@login_required
def member_erase(request: AuthedRequest, slug: str, pk: str) -> HttpResponse:
    """A programme admin's dry run (GET) and erasure (POST, with the address typed)."""
    organisation = organisation_get_for_admin(user=request.user, slug=slug)
    membership = membership_get(organisation=organisation, pk=pk)
    person = membership.user
    name = str(person)

    def done() -> HttpResponse:
        messages.success(request, f"{name} was erased: they show as “a former member” now.")
        return redirect("people", slug=organisation.slug)

    return _erase_page(request, person, {"organisation": organisation}, done)


@login_required
def account_erase(request: AuthedRequest) -> HttpResponse:
    """A person erasing themselves — where no programme admin of theirs does it (a client
    of an independent coach). Others are told whom to ask."""
    person = request.user

    def done() -> HttpResponse:
        logout(request)
        messages.success(request, "Your account and your coaching records were erased.")
        return redirect("login")

    return _erase_page(request, person, {"organisation": None}, done)


@login_required
def data_export(request: AuthedRequest) -> HttpResponse:
    """ "Download my data": ask for a copy (POST), see it being prepared, download it."""
    if request.method == "POST":
        export.export_request(actor=request.user)
        messages.success(
            request,
            "Your copy is being prepared. It appears below when ready, and its link works "
            f"for {export.EXPORT_TTL.days} days.",
        )
        return redirect("data_export")
    exports = list(DataExport.objects.filter(person=request.user)[:10])
    for item in exports:
        if item.state == DataExport.State.READY and export.export_expired(item):
            export.export_expire(item)
    return render(request, "privacy/export.html", {"exports": exports})


@login_required
def data_export_download(request: AuthedRequest, pk: str) -> HttpResponse:
    item = DataExport.objects.filter(pk=pk, person=request.user).first()
    if item is None:
        raise Http404("No such export.")
    data = export.export_read(actor=request.user, export=item)
    if data is None:
        messages.error(request, "That link has expired: ask for a fresh copy.")
        return redirect("data_export")
    record_read(reader=request.user, kind=ReadKind.EXPORT, owner=request.user, object_id=item.pk)
    response = HttpResponse(data, content_type="application/zip")
    day = timezone.localdate(item.ready_at or item.created_at).isoformat()
    response["Content-Disposition"] = f'attachment; filename="tandem-my-data-{day}.zip"'
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
def organisation_privacy(request: AuthedRequest, slug: str) -> HttpResponse:
    """The organisation's privacy settings: retention, and what was deleted under it."""
    organisation = organisation_get_for_admin(user=request.user, slug=slug)
    policy = RetentionPolicy.objects.filter(organisation=organisation).first()
    current = policy.months_after_close if policy else None
    form = RetentionForm(request.POST or None, initial={"months_after_close": current})
    if request.method == "POST" and form.is_valid():
        saved = run_service(
            form,
            lambda: retention.retention_set(
                actor=request.user,
                organisation=organisation,
                months_after_close=form.cleaned_data["months_after_close"],
            ),
        )
        if saved is not None:
            months = saved.months_after_close
            messages.success(
                request,
                f"Saved: confidential content of ended engagements is deleted {months} months "
                "after they end."
                if months
                else "Saved: confidential content is kept until someone erases it.",
            )
            return redirect("organisation_privacy", slug=organisation.slug)
    purges = ContentPurge.objects.filter(engagement__organisation=organisation).select_related(
        "engagement"
    )[:20]
    return render(
        request,
        "privacy/organisation.html",
        {
            "organisation": organisation,
            "form": form,
            "policy": policy,
            "purges": purges,
            "read_counts": read_counts(organisation),
        },
        status=422 if form.errors else 200,
    )


@login_required
def privacy_records(request: AuthedRequest, slug: str) -> HttpResponse:
    """Records of processing (Art. 30), from the one table in tandem/privacy/records.py."""
    organisation = organisation_get_for_admin(user=request.user, slug=slug)
    policy = RetentionPolicy.objects.filter(organisation=organisation).first()
    return render(
        request,
        "privacy/records.html",
        {"organisation": organisation, "records": RECORDS, "policy": policy},
    )


@login_required
def my_reads(request: AuthedRequest) -> HttpResponse:
    """Who has read my records: every read of what is mine by someone else, newest first."""
    reads = (
        ReadRecord.objects.filter(owner=request.user)
        .exclude(reader=request.user)
        .select_related("reader", "engagement")[:200]
    )
    return render(request, "privacy/my_reads.html", {"reads": reads})
