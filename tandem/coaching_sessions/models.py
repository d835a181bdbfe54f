from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from tandem.core.fields import EncryptedTextField
from tandem.core.models import BaseModel, VersionedModel
from tandem.engagements.models import Engagement

COMMITMENT_THRESHOLD = 8  # below this, the coachee is asked to revisit the goal first


class CoachingSession(VersionedModel):
    class Status(models.TextChoices):
        PLANNED = "planned", "Planned"
        HELD = "held", "Held"
        CANCELLED = "cancelled", "Cancelled"
        NO_SHOW = "no_show", "No-show"

    engagement = models.ForeignKey(Engagement, on_delete=models.CASCADE, related_name="sessions")
    scheduled_at = models.DateTimeField()
    duration_minutes = models.PositiveSmallIntegerField(
        default=60, validators=[MinValueValidator(15), MaxValueValidator(180)]
    )
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PLANNED)
    summary = EncryptedTextField(
        blank=True, help_text="Shared with the coachee: what you explored and agreed."
    )
    no_action = models.BooleanField(
        default=False, help_text="Closed deliberately without a new action."
    )
    no_action_reason = EncryptedTextField(blank=True)
    closed_at = models.DateTimeField(null=True, blank=True, editable=False)
    # The calendar entry's SEQUENCE (RFC 5545): raised on every change of time or status,
    # so calendars update the one entry instead of adding another.
    calendar_sequence = models.PositiveIntegerField(default=0, editable=False)

    class Meta:
        ordering = ["scheduled_at", "id"]
        indexes = [models.Index(fields=["engagement", "scheduled_at"])]

    def __str__(self) -> str:
        return f"Session on {self.scheduled_at:%d %b %Y}"

    @property
    def is_planned(self) -> bool:
        return self.status == self.Status.PLANNED

    @property
    def is_held(self) -> bool:
        return self.status == self.Status.HELD


class AgendaTopic(VersionedModel):
    """One agenda item, worked through GROW: Goal, Reality, Options, Will."""

    class Status(models.TextChoices):
        OPEN = "open", "Not yet covered"
        COVERED = "covered", "Covered"
        CARRIED = "carried", "Carried forward"

    session = models.ForeignKey(CoachingSession, on_delete=models.CASCADE, related_name="topics")
    position = models.PositiveSmallIntegerField(default=0)
    title = EncryptedTextField()
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.OPEN)
    carried_from = models.OneToOneField(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="carried_to"
    )
    goal = EncryptedTextField(blank=True)
    reality = EncryptedTextField(blank=True)
    will = EncryptedTextField(blank=True)
    commitment = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(10)]
    )
    committed_at = models.DateTimeField(null=True, blank=True)
    # The first rating below the threshold, kept so the record shows the goal was revisited.
    low_commitment = models.PositiveSmallIntegerField(null=True, blank=True)
    goal_revisited_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["position", "created_at"]

    def __str__(self) -> str:
        return f"Topic {self.position + 1}"

    @property
    def is_committed(self) -> bool:
        return self.commitment is not None

    @property
    def needs_goal_revisit(self) -> bool:
        """A low rating was offered and the goal has not been looked at again since."""
        return self.low_commitment is not None and self.goal_revisited_at is None


class GrowOption(BaseModel):
    topic = models.ForeignKey(AgendaTopic, on_delete=models.CASCADE, related_name="options")
    description = EncryptedTextField()
    pros = EncryptedTextField(blank=True)
    cons = EncryptedTextField(blank=True)
    chosen = models.BooleanField(default=False)

    class Meta:
        ordering = ["created_at"]

    def __str__(self) -> str:
        return "Option"


class PrivateNote(VersionedModel):
    """A coach's own notes on a session. Only the author can ever read it."""

    session = models.ForeignKey(
        CoachingSession, on_delete=models.CASCADE, related_name="private_notes"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="private_notes"
    )
    body = EncryptedTextField(blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["session", "author"], name="one_private_note_per_author"
            )
        ]

    def __str__(self) -> str:
        return "Private note"


class SessionFeedback(BaseModel):
    """How useful the coachee found a held session. Only the coachee ever reads one; coach
    and programme admin see averages over enough ratings that nobody's can be told apart."""

    session = models.OneToOneField(
        CoachingSession, on_delete=models.CASCADE, related_name="feedback"
    )
    usefulness = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    word = EncryptedTextField(blank=True)

    class Meta:
        ordering = ["created_at"]

    def __str__(self) -> str:
        return "Session feedback"
