from __future__ import annotations

from django.conf import settings
from django.db import models

from tandem.accounts.models import Organisation

FORMER_MEMBER = "a former member"


class Erasure(models.Model):
    """That a person was erased (GDPR Art. 17), by whom, and how much went — never what.

    The person's account row stays as a tombstone named "a former member", so other people's
    records that point at it (an engagement they coached, a check-in they recorded) stay whole.
    """

    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    erased_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    erased_at = models.DateTimeField(auto_now_add=True)
    counts = models.JSONField(default=dict)  # what went, as "label": number

    class Meta:
        ordering = ["-erased_at"]

    def __str__(self) -> str:
        return f"Erasure of person #{self.person_id}"
