from __future__ import annotations

from django.db import models

from tandem.core.fields import EncryptedTextField
from tandem.core.models import BaseModel
from tandem.engagements.models import Engagement


class PersonalityProfile(BaseModel):
    """The coachee's IPIP Big-Five self-report for one engagement. Coach and coachee only."""

    engagement = models.OneToOneField(
        Engagement, on_delete=models.CASCADE, related_name="personality_profile"
    )
    answers = EncryptedTextField()  # JSON: item number → 1..5
    scores = models.JSONField()  # factor → 10..50

    def __str__(self) -> str:
        return "Big-Five profile"
