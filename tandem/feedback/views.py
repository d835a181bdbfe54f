"""360 pages: the coach's and coachee's cycle page, the rater's link, the report."""

from __future__ import annotations

import base64
import secrets
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from tandem.core import crypto
from tandem.core.forms import run_service, run_service_or_flash, service_ok
from tandem.core.http import AuthedRequest
from tandem.core.policy import Perm, engagement_can
from tandem.core.ratelimit import over_limit
from tandem.engagements.selectors import engagement_get_for
from tandem.feedback import services
from tandem.feedback.forms import CycleForm, DeadlineForm, NominateForm
from tandem.feedback.models import FeedbackCycle, Invitation, RaterGroup
from tandem.feedback.pdf import PdfUnavailable, render_report_pdf, report_filename
from tandem.feedback.report import build_report, report_context
from tandem.feedback.selectors import (
    comment_get_for,
    comments_to_review,
    completion_counts,
    cycle_get_for,
    cycle_get_report_for,
    invitation_get_for,
    nominations,
)
from tandem.feedback.snapshot import ReportSnapshot
from tandem.privacy.audit import Kind as ReadKind
from tandem.privacy.audit import record_read


@login_required
def cycle_new(request: AuthedRequest, pk: str) -> HttpResponse:
    engagement = engagement_get_for(user=request.user, pk=pk, perm=Perm.RUN_360)
    taken = set(engagement.feedback_cycles.values_list("kind", flat=True))
    form = CycleForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        cycle = run_service(
            form,
            lambda: services.cycle_create(
                actor=request.user, engagement=engagement, **form.cleaned_data
            ),
        )
        if cycle is not None:
            messages.success(request, f"{cycle} set up. Next: the coachee nominates raters.")
            return redirect("cycle_detail", pk=cycle.pk)
    return render(
        request,
        "feedback/cycle_form.html",
        {"engagement": engagement, "form": form, "taken": taken},
        status=422 if form.errors else 200,
    )


def _cycle_page(
    request: AuthedRequest, cycle: FeedbackCycle, nominate_form: NominateForm | None = None
) -> HttpResponse:
    engagement = cycle.engagement
    runs = engagement_can(request.user, Perm.RUN_360, engagement)
    progress = completion_counts(cycle)
    own = None
    if request.user.pk == engagement.coachee_id:
        own = cycle.invitations.filter(group="self").only("completed").first()
    return render(
        request,
        "feedback/cycle_detail.html",
        {
            "cycle": cycle,
            "engagement": engagement,
            "runs": runs,
            "nominations": nominations(cycle),
            "progress": progress,
            "raters_counted": any(p.group != RaterGroup.SELF for p in progress),
            "nominate_form": nominate_form or NominateForm(),
            "comments": comments_to_review(cycle) if runs and cycle.status == "closed" else [],
            "self_invitation": own,
            "deadline_form": DeadlineForm(initial={"closes_on": cycle.closes_on}),
        },
        status=422 if nominate_form is not None and nominate_form.errors else 200,
    )


@login_required
def cycle_detail(request: AuthedRequest, pk: str) -> HttpResponse:
    return _cycle_page(request, cycle_get_for(user=request.user, pk=pk))


@login_required
@require_POST
def cycle_nominate(request: AuthedRequest, pk: str) -> HttpResponse:
    cycle = cycle_get_for(user=request.user, pk=pk, perm=Perm.NOMINATE_RATERS)
    form = NominateForm(request.POST)
    if form.is_valid() and service_ok(
        form,
        lambda: services.invitation_nominate(actor=request.user, cycle=cycle, **form.cleaned_data),
    ):
        messages.success(request, f"{form.cleaned_data['name']} proposed; the coach approves.")
        return redirect("cycle_detail", pk=cycle.pk)
    return _cycle_page(request, cycle, nominate_form=form)


def _cycle_action(request: AuthedRequest, pk: str, action: Any, done: str) -> HttpResponse:
    cycle = cycle_get_for(user=request.user, pk=pk, perm=Perm.RUN_360)
    if run_service_or_flash(request, lambda: action(actor=request.user, cycle=cycle)) is not None:
        messages.success(request, done)
    return redirect("cycle_detail", pk=cycle.pk)


@login_required
@require_POST
def cycle_extend(request: AuthedRequest, pk: str) -> HttpResponse:
    cycle = cycle_get_for(user=request.user, pk=pk, perm=Perm.RUN_360)
    form = DeadlineForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose the new date raters have until.")
    elif (
        run_service_or_flash(
            request,
            lambda: services.cycle_extend(
                actor=request.user, cycle=cycle, closes_on=form.cleaned_data["closes_on"]
            ),
        )
        is not None
    ):
        new = form.cleaned_data["closes_on"]
        messages.success(request, f"Raters now have until {new:%-d %B %Y}.")
    return redirect("cycle_detail", pk=cycle.pk)


@login_required
@require_POST
def cycle_open(request: AuthedRequest, pk: str) -> HttpResponse:
    return _cycle_action(
        request, pk, services.cycle_open, "The 360 is open: raters have their links."
    )


@login_required
@require_POST
def cycle_remind(request: AuthedRequest, pk: str) -> HttpResponse:
    return _cycle_action(
        request,
        pk,
        services.cycle_send_reminders,
        "Reminders sent to raters who have not answered.",
    )


@login_required
@require_POST
def cycle_close(request: AuthedRequest, pk: str) -> HttpResponse:
    return _cycle_action(
        request,
        pk,
        services.cycle_close,
        "The 360 is closed. Answers saved but not submitted were discarded, and comments of "
        "groups too small to show were deleted unread. Review the comments, then release.",
    )


@login_required
@require_POST
def cycle_release(request: AuthedRequest, pk: str) -> HttpResponse:
    return _cycle_action(request, pk, services.cycle_release, "Report released to the coachee.")


def _report_or_none(request: AuthedRequest, cycle: FeedbackCycle) -> ReportSnapshot | None:
    """The released report (frozen), or for the coach a live preview once the cycle closed."""
    if cycle.report is not None:
        return cycle.report
    if cycle.status == FeedbackCycle.Status.CLOSED:
        return build_report(cycle)
    messages.info(request, "The report is ready once the 360 has closed.")
    return None


# A released report is frozen: its body and its PDF are made once per cycle version and kept
# (the body in the cache, the PDF sealed in file storage). Access is checked on every request.


def _frozen_body(cycle: FeedbackCycle, report: ReportSnapshot) -> SafeString:
    """The released report's body, rendered once per version. The cache (Redis when
    configured) holds it sealed like the report itself: comments never sit there in clear."""
    key = f"report-body:{cycle.pk}:{cycle.version}"
    aad = key.encode()
    sealed = cache.get(key)
    if sealed is not None:
        try:
            return mark_safe(crypto.unseal(sealed, aad=aad))  # noqa: S308 - our template's output
        except crypto.DecryptionError:  # sealed with a key since dropped: render it again
            pass
    body = render_to_string("feedback/_report_body.html", report_context(report))
    cache.set(key, crypto.seal(body, aad=aad), timeout=7 * 24 * 3600)
    return mark_safe(body)  # noqa: S308 - our own template's output


def _frozen_pdf(cycle: FeedbackCycle, report: ReportSnapshot) -> bytes:
    """The released report's PDF: rendered the first time, then read back from storage
    (sealed with the encryption keys, like every confidential text)."""
    name = f"reports/{cycle.pk}-v{cycle.version}.pdf.sealed"
    aad = f"report-pdf:{cycle.pk}:{cycle.version}".encode()
    if default_storage.exists(name):
        with default_storage.open(name, "rb") as stored:
            token = stored.read().decode()
        try:
            return base64.b64decode(crypto.unseal(token, aad=aad))
        except crypto.DecryptionError:  # sealed with a key since dropped: make it again
            default_storage.delete(name)
    pdf = render_report_pdf(cycle, report_context(report))
    token = crypto.seal(base64.b64encode(pdf).decode(), aad=aad)
    default_storage.save(name, ContentFile(token.encode()))
    return pdf


@login_required
def cycle_report(request: AuthedRequest, pk: str) -> HttpResponse:
    cycle = cycle_get_report_for(user=request.user, pk=pk)
    if cycle.report is not None:
        context: dict[str, Any] = {
            "report": cycle.report,
            "frozen_body": _frozen_body(cycle, cycle.report),
        }
    else:
        report = _report_or_none(request, cycle)
        if report is None:
            return redirect("cycle_detail", pk=cycle.pk)
        context = report_context(report)
    record_read(
        reader=request.user, kind=ReadKind.REPORT, engagement=cycle.engagement, object_id=cycle.pk
    )
    return render(
        request,
        "feedback/report.html",
        {"cycle": cycle, "engagement": cycle.engagement, **context},
    )


@login_required
def cycle_report_pdf(request: AuthedRequest, pk: str) -> HttpResponse:
    """The same report as a PDF download, charts included; same access as the page."""
    cycle = cycle_get_report_for(user=request.user, pk=pk)
    report = _report_or_none(request, cycle)
    if report is None:
        return redirect("cycle_detail", pk=cycle.pk)
    record_read(
        reader=request.user,
        kind=ReadKind.REPORT_PDF,
        engagement=cycle.engagement,
        object_id=cycle.pk,
    )
    try:
        if cycle.report is not None:
            pdf = _frozen_pdf(cycle, cycle.report)
        else:
            pdf = render_report_pdf(cycle, report_context(report))
    except PdfUnavailable as exc:
        messages.error(request, str(exc))
        return redirect("cycle_report", pk=cycle.pk)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{report_filename(cycle)}"'
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_POST
def invitation_review(request: AuthedRequest, pk: str) -> HttpResponse:
    invitation = invitation_get_for(user=request.user, pk=pk)
    approve = request.POST.get("approve") == "1"
    done = run_service_or_flash(
        request,
        lambda: services.invitation_review(
            actor=request.user, invitation=invitation, approve=approve
        ),
    )
    if done is not None and not approve:
        messages.success(request, f"{done.name} is not approved and will not be asked.")
    elif done is not None and done.sent_at:
        messages.success(request, f"{done.name} approved; their link is on its way.")
    elif done is not None:
        messages.success(request, f"{done.name} approved; they get a link when the 360 opens.")
    return redirect("cycle_detail", pk=invitation.cycle_id)


@login_required
@require_POST
def invitation_remove(request: AuthedRequest, pk: str) -> HttpResponse:
    invitation = invitation_get_for(user=request.user, pk=pk)
    if run_service_or_flash(
        request, lambda: services.invitation_remove(actor=request.user, invitation=invitation)
    ):
        messages.success(
            request,
            f"{invitation.name} removed. Any answers already given stay: they cannot be "
            "traced back to anyone.",
        )
    return redirect("cycle_detail", pk=invitation.cycle_id)


@login_required
@require_POST
def comment_review(request: AuthedRequest, pk: str) -> HttpResponse:
    comment = comment_get_for(user=request.user, pk=pk)
    run_service_or_flash(
        request,
        lambda: services.comment_review(
            actor=request.user, comment=comment, approve=request.POST.get("approve") == "1"
        ),
    )
    return redirect("cycle_detail", pk=comment.cycle_id)


# --- answering ------------------------------------------------------------------------------


def _answer_page(
    request: HttpRequest,
    invitation: Invitation,
    *,
    post_url: str,
    errors: list[str] | None = None,
    values: dict[str, Any] | None = None,
) -> HttpResponse:
    cycle = invitation.cycle
    draft = values or services.draft_of(invitation)
    return render(
        request,
        "feedback/answer.html",
        {
            "invitation": invitation,
            "cycle": cycle,
            "coachee": cycle.engagement.coachee,
            "questionnaire": cycle.questionnaire,
            "answers": draft["answers"],
            "comment": draft["comment"],
            "errors": errors or [],
            "post_url": post_url,
            "is_self": invitation.group == "self",
        },
        status=422 if errors else 200,
    )


def _handle_answers(request: HttpRequest, invitation: Invitation, post_url: str) -> HttpResponse:
    if request.method != "POST":
        return _answer_page(request, invitation, post_url=post_url)
    cycle = invitation.cycle
    keys = services.questionnaire_item_keys(cycle.questionnaire or {"sections": []})
    raw = {key: request.POST.get(key, "") for key in keys}
    comment = request.POST.get("comment", "")
    submit = request.POST.get("action") == "submit"
    try:
        services.answers_save(invitation=invitation, raw=raw, comment=comment, submit=submit)
    except services.ValidationError as exc:
        return _answer_page(
            request,
            invitation,
            post_url=post_url,
            errors=exc.messages,
            values={"answers": raw, "comment": comment},
        )
    if submit:
        return render(
            request,
            "feedback/answer_done.html",
            {
                "coachee": cycle.engagement.coachee,
                "is_self": invitation.group == RaterGroup.SELF,
                "shown_alone": invitation.group == RaterGroup.MANAGER and cycle.manager_shown_alone,
            },
        )
    messages.success(request, "Saved. Come back with the same link to finish.")
    return redirect(post_url)


# The emailed link carries a secret. On first use it is swapped for an address that holds
# none ("slot"), bound to this browser's session, as Django's PasswordResetConfirmView does:
# the secret leaves the address bar, the history, later Referer headers and access logs.
RATER_LINKS = "rater_links"
RATER_SLOTS_KEPT = 10


def _link_error(request: HttpRequest, message: str, status: int = 404) -> HttpResponse:
    return render(request, "feedback/link_error.html", {"message": message}, status=status)


@never_cache
def rater_answer(request: HttpRequest, token: str) -> HttpResponse:
    """The rater's one-time link: checked, then exchanged for a token-free address."""
    limit, window = settings.RATER_LINK_RATE
    if over_limit(request, scope="rater_link", limit=limit, window=window):
        return _link_error(
            request,
            f"Too many feedback links were opened from your network in a short time. Wait "
            f"{window // 60} minutes, then open your link again; anything you saved is kept.",
            status=429,
        )
    try:
        invitation = services.invitation_for_token(token)
    except services.RaterLinkError as exc:
        return _link_error(request, str(exc))
    if request.method == "POST":  # a page opened before links were exchanged: keep its answers
        return _handle_answers(request, invitation, request.path)
    links: dict[str, str] = request.session.get(RATER_LINKS, {})
    slot = next((s for s, t in links.items() if t == token), None) or secrets.token_urlsafe(9)
    links = {s: t for s, t in links.items() if t != token}
    links = dict(list(links.items())[-(RATER_SLOTS_KEPT - 1) :])
    links[slot] = token
    request.session[RATER_LINKS] = links
    return redirect("rater_session", slot=slot)


@never_cache
def rater_session(request: HttpRequest, slot: str) -> HttpResponse:
    """The answering page behind a rater link, for the browser that opened the link."""
    token = request.session.get(RATER_LINKS, {}).get(slot)
    if token is None:
        return _link_error(
            request,
            "This page only opens from the link in your invitation email, in the browser "
            "where you opened it. Open the link from the email again.",
        )
    try:
        invitation = services.invitation_for_token(token)
    except services.RaterLinkError as exc:
        return _link_error(request, str(exc))
    response = _handle_answers(request, invitation, request.path)
    if invitation.completed:
        links = request.session.get(RATER_LINKS, {})
        links.pop(slot, None)
        request.session[RATER_LINKS] = links
    return response


@login_required
def self_assessment(request: AuthedRequest, pk: str) -> HttpResponse:
    cycle = cycle_get_for(user=request.user, pk=pk)
    invitation = run_service_or_flash(
        request, lambda: services.self_invitation(actor=request.user, cycle=cycle)
    )
    if invitation is None:
        return redirect("cycle_detail", pk=cycle.pk)
    if invitation.completed or cycle.status != FeedbackCycle.Status.OPEN or cycle.past_deadline:
        messages.info(request, "Your self-assessment is closed.")
        return redirect("cycle_detail", pk=cycle.pk)
    invitation.cycle = cycle
    return _handle_answers(request, invitation, request.path)
