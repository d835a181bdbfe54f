"""360 feedback. Who was invited lives in ``Invitation``; what was answered lives in
``Response`` and ``Comment``. Nothing joins the two: no foreign key, no timestamp, and no
order — a cycle's responses are rewritten in random order with fresh ids on every
submission (``services._reshuffle``)."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone

from tandem.core.fields import EncryptedJSONField, EncryptedTextField
from tandem.core.models import BaseModel, VersionedModel
from tandem.engagements.models import Engagement
from tandem.feedback import snapshot


class RaterGroup(models.TextChoices):
    SELF = "self", "Self"
    MANAGER = "manager", "Manager"
    PEER = "peer", "Peers"
    DIRECT_REPORT = "direct_report", "Direct reports"
    STAKEHOLDER = "stakeholder", "Stakeholders"
    OTHER = "other", "Others"


class FeedbackCycle(VersionedModel):
    class Kind(models.TextChoices):
        BASELINE = "baseline", "Baseline 360"
        MIDPOINT = "midpoint", "Midpoint pulse"
        CLOSE = "close", "Closing 360"

    class Status(models.TextChoices):
        DRAFT = "draft", "Nominating raters"
        OPEN = "open", "Open for answers"
        CLOSED = "closed", "Closed: reviewing"
        RELEASED = "released", "Released"

    engagement = models.ForeignKey(
        Engagement, on_delete=models.CASCADE, related_name="feedback_cycles"
    )
    kind = models.CharField(max_length=20, choices=Kind.choices)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.DRAFT)
    compared_to = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    competency_keys = models.JSONField(default=list, blank=True)
    manager_shown_alone = models.BooleanField(
        default=False,
        help_text="The manager's invitation says their answers are shown as 'Manager'.",
    )
    closes_on = models.DateField()
    # Raters who have not answered are reminded this many days before the deadline.
    reminder_days = models.JSONField(default=list, blank=True)
    # Frozen when the cycle opens: later edits to the library or targets change nothing.
    # Sealed: it holds the coaching targets' wording.
    questionnaire = EncryptedJSONField(null=True, blank=True, editable=False)
    opened_at = models.DateTimeField(null=True, blank=True, editable=False)
    closed_at = models.DateTimeField(null=True, blank=True, editable=False)
    released_at = models.DateTimeField(null=True, blank=True, editable=False)
    # The released report, frozen: later responses cannot change what was shown. Sealed
    # (comments, targets, every score); read as a typed ``snapshot.ReportSnapshot``.
    report = EncryptedJSONField(
        null=True, blank=True, editable=False, load=snapshot.load, dump=snapshot.dump
    )

    class Meta:
        ordering = ["created_at"]

    def __str__(self) -> str:
        return self.get_kind_display()

    @property
    def past_deadline(self) -> bool:
        """Open, but the day raters were given has passed: links stop working until the
        coach extends the deadline or closes the round."""
        return self.status == self.Status.OPEN and timezone.localdate() > self.closes_on


class Invitation(BaseModel):
    """Who was asked, and whether they have answered. Never what they answered."""

    class Status(models.TextChoices):
        PROPOSED = "proposed", "Proposed"
        APPROVED = "approved", "Approved"
        DECLINED = "declined", "Not approved"
        REMOVED = "removed", "Removed"

    cycle = models.ForeignKey(FeedbackCycle, on_delete=models.CASCADE, related_name="invitations")
    name = models.CharField(max_length=150)
    email = models.EmailField()
    group = models.CharField(max_length=20, choices=RaterGroup.choices)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PROPOSED)
    nominated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    # The link's token: a hash to look it up, the token itself sealed so reminders can
    # resend the same link.
    token_hash = models.CharField(max_length=64, unique=True, null=True, blank=True)
    token = EncryptedTextField(blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    reminded_at = models.DateTimeField(null=True, blank=True)
    completed = models.BooleanField(default=False)
    # Answers saved to resume later; wiped the moment they are submitted.
    draft = EncryptedTextField(blank=True)

    class Meta:
        ordering = ["group", "name"]
        constraints = [
            models.UniqueConstraint(fields=["cycle", "email"], name="one_invitation_per_email")
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.get_group_display()})"


class Response(models.Model):
    """One rater's answers. Deliberately no timestamps and no link to an invitation."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    cycle = models.ForeignKey(FeedbackCycle, on_delete=models.CASCADE, related_name="responses")
    group = models.CharField(max_length=20, choices=RaterGroup.choices)
    # {item key: 1..5 or None for "can't say"}, sealed: a database reader must not see
    # a lone manager's answers.
    answers = EncryptedJSONField()

    def __str__(self) -> str:
        return "Response"


class Comment(models.Model):
    """A free-text comment; the coach reviews each before the report is released."""

    class Review(models.TextChoices):
        PENDING = "pending", "Awaiting review"
        APPROVED = "approved", "Approved"
        WITHHELD = "withheld", "Withheld"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    cycle = models.ForeignKey(FeedbackCycle, on_delete=models.CASCADE, related_name="comments")
    group = models.CharField(max_length=20, choices=RaterGroup.choices)
    text = EncryptedTextField()
    review = models.CharField(max_length=20, choices=Review.choices, default=Review.PENDING)

    def __str__(self) -> str:
        return "Comment"
