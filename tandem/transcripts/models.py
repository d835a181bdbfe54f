from __future__ import annotations

from django.conf import settings
from django.db import models

from tandem.core.fields import EncryptedCharField, EncryptedTextField
from tandem.core.models import BaseModel
from tandem.engagements.models import Engagement


class TranscriptAnalysis(BaseModel):
    """The analyser's result for one uploaded meeting. Utterance texts and the raw
    transcript are kept (encrypted) only when the uploader ticked "keep"."""

    engagement = models.ForeignKey(
        Engagement, on_delete=models.CASCADE, related_name="transcript_analyses"
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    # Sealed: a file name often says what the conversation was about.
    filename = EncryptedCharField(max_length=255)

    class Status(models.TextChoices):
        QUEUED = "queued", "Analysing"  # a large upload, waiting for the worker
        DONE = "done", "Done"
        FAILED = "failed", "Could not be read"

    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DONE)
    problem = models.TextField(blank=True)  # what to change, when the worker could not read it
    coach_name = models.CharField(max_length=150)
    coaching_score = models.PositiveSmallIntegerField(default=0)
    result = EncryptedTextField(blank=True)  # the analysis JSON (without texts unless kept)
    # Kept only when asked, and while a queued upload waits for the worker.
    transcript = EncryptedTextField(blank=True)
    kept = models.BooleanField(default=False)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.filename
