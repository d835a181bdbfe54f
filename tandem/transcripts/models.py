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
    coach_name = models.CharField(max_length=150)
    coaching_score = models.PositiveSmallIntegerField()
    result = EncryptedTextField()  # the analysis JSON (without texts unless kept)
    transcript = EncryptedTextField(blank=True)
    kept = models.BooleanField(default=False)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.filename
