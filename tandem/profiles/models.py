from __future__ import annotations

from django.db import models

from tandem.accounts.models import Organisation
from tandem.core.fields import EncryptedJSONField, EncryptedTextField
from tandem.core.models import BaseModel
from tandem.engagements.models import Engagement


class PersonalityProfile(BaseModel):
    """The coachee's IPIP Big-Five self-report for one engagement. Coach and coachee only."""

    engagement = models.OneToOneField(
        Engagement, on_delete=models.CASCADE, related_name="personality_profile"
    )
    answers = EncryptedTextField()  # JSON: item number → 1..5
    scores = EncryptedJSONField()  # factor → 10..50, sealed like the answers

    def __str__(self) -> str:
        return "Big-Five profile"


class NormSnapshot(BaseModel):
    """An organisation's Big-Five scores as a comparison group, frozen.

    Norms change only in steps of at least five new people (``services.NORM_STEP``): were
    they recomputed on every new profile, anyone could watch n go from 5 to 6 and work out
    the newcomer's scores from the shift in the mean. The scores are kept per factor, sorted,
    with no link to anyone; one profile per person (their latest) counts."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="norm_snapshots"
    )
    n = models.PositiveIntegerField()
    scores = models.JSONField()  # factor → sorted list of 10..50

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"Big-Five norms, n = {self.n}"
