"""Stored notifications, each person's choices, and their private calendar feed.

A notification is a row before it is an email: created in the same transaction as the change
it tells of (so a rolled-back change tells nobody), sent by the worker when due, at most once
(``key`` is unique and sending claims the row first), and kept as the record of what was sent.
Its text is made when it is sent, from the state at that moment and in the recipient's time
zone; a reminder that is no longer needed (the agenda was added meanwhile) is skipped.
Nothing confidential is ever in it: subjects and bodies say what happened and link to the app.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from tandem.core.fields import EncryptedTextField
from tandem.core.models import BaseModel
from tandem.notifications.kinds import Kind, Mode


class Notification(BaseModel):
    class State(models.TextChoices):
        PENDING = "pending", "Waiting to be sent"
        SENDING = "sending", "Being sent"
        SENT = "sent", "Emailed"
        IN_DIGEST = "in_digest", "Waiting for the weekly digest"
        DIGESTED = "digested", "Sent in a digest"
        NOT_EMAILED = "not_emailed", "In the app only (email turned off)"
        SKIPPED = "skipped", "No longer needed"
        FAILED = "failed", "Could not be sent"

    kind = models.CharField(max_length=40, choices=Kind.choices)
    # The same key is never notified twice: "agenda:<session>:<its time>:<person>".
    key = models.CharField(max_length=200, unique=True)
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="notifications",
    )
    # Raters have no account: their address (sealed, like the invitation's).
    rater_email = EncryptedTextField(blank=True)
    engagement = models.ForeignKey(
        "engagements.Engagement",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
    )
    # What it is about (a session, a cycle, an invitation…), read by the kind's message.
    about = models.UUIDField(null=True, blank=True)
    params = models.JSONField(default=dict, blank=True)
    due_at = models.DateTimeField(default=timezone.now)
    state = models.CharField(max_length=20, choices=State.choices, default=State.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    enqueued_at = models.DateTimeField(null=True, blank=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    last_error = models.CharField(max_length=300, blank=True)
    bounced = models.BooleanField(default=False)
    # As sent (never a one-time link: those are added to the email only).
    subject = models.CharField(max_length=200, blank=True)
    body = models.TextField(blank=True)
    link = models.CharField(max_length=300, blank=True)
    has_calendar = models.BooleanField(default=False)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-due_at"]
        indexes = [
            models.Index(fields=["state", "due_at"]),
            models.Index(fields=["recipient", "read_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.get_state_display().lower()})"

    @property
    def in_app(self) -> bool:
        """Shown under the bell: it was due and still needed when the worker looked."""
        return self.state in {
            self.State.SENT,
            self.State.IN_DIGEST,
            self.State.DIGESTED,
            self.State.NOT_EMAILED,
            self.State.FAILED,
        }


class NotificationPreference(BaseModel):
    """One person's choice for one kind; without a row, the kind is emailed at once."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_prefs"
    )
    kind = models.CharField(max_length=40, choices=Kind.choices)
    mode = models.CharField(max_length=10, choices=Mode.choices, default=Mode.NOW)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "kind"], name="one_preference_per_kind")
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.get_mode_display()}"


class CalendarFeed(BaseModel):
    """A person's private calendar address. The token is looked up by its hash and kept
    sealed so the settings page can show the address again; regenerating replaces it and
    revoking removes it, after which the old address answers 404."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_feed"
    )
    token_hash = models.CharField(max_length=64, unique=True)
    token = EncryptedTextField()
    last_fetched_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"Calendar feed of {self.user}"
