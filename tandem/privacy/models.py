from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone

from tandem.accounts.models import Organisation
from tandem.core.models import BaseModel

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


class DataExport(BaseModel):
    """A person's copy of their data (GDPR Art. 15 and 20), prepared by the worker.

    The ZIP is kept sealed (AES-GCM with the encryption keys, bound to this row) under
    DATA_DIR/exports until it expires, then deleted."""

    class State(models.TextChoices):
        PREPARING = "preparing", "Being prepared"
        READY = "ready", "Ready"
        FAILED = "failed", "Could not be prepared"
        EXPIRED = "expired", "Expired"

    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="data_exports"
    )
    state = models.CharField(max_length=20, choices=State.choices, default=State.PREPARING)
    ready_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True)
    size = models.PositiveIntegerField(default=0)
    downloaded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"Data export of {self.person}"


class RetentionPolicy(BaseModel):
    """How long an organisation keeps the confidential content of ended engagements."""

    organisation = models.OneToOneField(
        Organisation, on_delete=models.CASCADE, related_name="retention_policy"
    )
    months_after_close = models.PositiveSmallIntegerField(
        "Keep confidential content for (months after the engagement ends)",
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(120)],
        help_text="Empty keeps it until someone erases it. 12 is common: long enough for a "
        "follow-up, short enough to hold nothing stale.",
    )
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    def __str__(self) -> str:
        return f"Retention in {self.organisation}"


class ContentPurge(models.Model):
    """That an ended engagement's confidential content was deleted under the retention
    policy: when, and how much. The engagement keeps its dates and counts."""

    engagement = models.OneToOneField(
        "engagements.Engagement", on_delete=models.CASCADE, related_name="content_purge"
    )
    purged_at = models.DateTimeField(auto_now_add=True)
    months_after_close = models.PositiveSmallIntegerField()
    counts = models.JSONField(default=dict)

    def __str__(self) -> str:
        return f"Content deleted {self.purged_at:%d %b %Y}"


class AppendOnlyError(Exception):
    """Audit records are written once and never changed or removed by the app."""


class ReadRecordQuerySet(models.QuerySet["ReadRecord"]):
    def update(self, **kwargs: object) -> int:
        raise AppendOnlyError("The audit of reads is append-only: records cannot change.")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise AppendOnlyError("The audit of reads is append-only: records cannot be deleted.")


class ReadRecord(models.Model):
    """Someone read confidential content, or downloaded an export: who, what, when, from
    where. Append-only: no update or delete path here, and on PostgreSQL a trigger refuses
    both (migration 0005). References carry no database constraint, so nothing deleted
    elsewhere cascades into the audit."""

    class Kind(models.TextChoices):
        SESSION_NOTES = "session_notes", "Session notes"
        PRIVATE_NOTE = "private_note", "Private note"
        REFLECTION = "reflection", "Reflection"
        REPORT = "report", "360 report"
        REPORT_PDF = "report_pdf", "360 report (PDF)"
        REVIEW = "review", "Review"
        SPONSOR_SUMMARY = "sponsor_summary", "Sponsor summary"
        PROFILE = "profile", "Big-Five profile"
        TRANSCRIPT = "transcript", "Transcript analysis"
        EXPORT = "export", "Data export"

    at = models.DateTimeField(default=timezone.now, db_index=True)
    reader = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        null=True,
        related_name="+",
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        null=True,
        related_name="+",
    )
    engagement = models.ForeignKey(
        "engagements.Engagement",
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        null=True,
        related_name="+",
    )
    kind = models.CharField(max_length=20, choices=Kind.choices)
    object_id = models.CharField(max_length=64, blank=True)
    ip = models.GenericIPAddressField(null=True, blank=True)

    objects = ReadRecordQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["owner", "-at"], name="read_owner_at")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} read"

    def save(self, *args: object, **kwargs: object) -> None:
        if not self._state.adding:
            raise AppendOnlyError("The audit of reads is append-only: records cannot change.")
        kwargs["force_insert"] = True
        super().save(*args, **kwargs)  # type: ignore[arg-type]

    def delete(self, *args: object, **kwargs: object) -> tuple[int, dict[str, int]]:
        raise AppendOnlyError("The audit of reads is append-only: records cannot be deleted.")
