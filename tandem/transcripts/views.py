from __future__ import annotations

import json

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render

from tandem.core.forms import run_service
from tandem.core.http import AuthedRequest
from tandem.core.policy import Perm
from tandem.engagements.selectors import engagement_get_for
from tandem.privacy.audit import Kind as ReadKind
from tandem.privacy.audit import record_read
from tandem.transcripts import services
from tandem.transcripts.charts import COLOURS, STAGES, timeline
from tandem.transcripts.selectors import analyses_for, analysis_get_for


class UploadForm(forms.Form):
    file = forms.FileField(
        label="Transcript",
        help_text="WebVTT from Zoom or Teams, SRT, or plain text with one 'Name: text' per line.",
    )
    coach = forms.CharField(
        label="Who was coaching?",
        required=False,
        max_length=150,
        help_text="Their name as in the transcript. Empty: the one who asks most questions.",
    )
    keep = forms.BooleanField(
        label="Keep the transcript",
        required=False,
        help_text="Otherwise only the labels and numbers are stored, not what was said.",
    )


@login_required
def analysis_list(request: AuthedRequest, pk: str) -> HttpResponse:
    engagement = engagement_get_for(user=request.user, pk=pk, perm=Perm.EDIT_SESSION_CONTENT)
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        record = run_service(
            form,
            lambda: services.transcript_upload(
                actor=request.user,
                engagement=engagement,
                filename=upload.name,
                data=upload.read(),
                coach=form.cleaned_data["coach"],
                keep=form.cleaned_data["keep"],
            ),
        )
        if record is not None:
            if record.status == record.Status.DONE:
                messages.success(request, "Analysed.")
            return redirect("analysis_detail", pk=record.pk)
    return render(
        request,
        "transcripts/analysis_list.html",
        {
            "engagement": engagement,
            "form": form,
            "analyses": analyses_for(user=request.user, engagement=engagement),
        },
        status=422 if form.errors else 200,
    )


@login_required
def analysis_detail(request: AuthedRequest, pk: str) -> HttpResponse:
    record = analysis_get_for(user=request.user, pk=pk)
    record_read(
        reader=request.user,
        kind=ReadKind.TRANSCRIPT,
        engagement=record.engagement,
        owner=record.uploaded_by_id,
        object_id=record.pk,
    )
    if record.status != record.Status.DONE:
        # A large upload waiting for the worker: this page reloads itself until it is done.
        return render(
            request,
            "transcripts/analysis_progress.html",
            {"record": record, "engagement": record.engagement},
            status=200,
        )
    result = json.loads(record.result)
    metrics = result["metrics"]
    return render(
        request,
        "transcripts/analysis_detail.html",
        {
            "record": record,
            "engagement": record.engagement,
            "result": result,
            "metrics": metrics,
            "timeline": timeline(result),
            "legend": COLOURS,
            "stages": STAGES,
            "coverage": [(k, round(v * 100)) for k, v in metrics["grow_coverage"].items()],
        },
    )
