from __future__ import annotations

from django.conf import settings
from django.db import models

from tandem.coaching_sessions.models import AgendaTopic, CoachingSession
from tandem.core.fields import EncryptedTextField
from tandem.core.models import BaseModel, VersionedModel
from tandem.engagements.models import BehaviouralTarget, Engagement


class ActionItem(VersionedModel):
    """Something the coachee (or coach) will do before the next session.

    Open actions come back at the start of every following session until they are done or
    dropped: nothing has to copy them forward.
    """

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        DONE = "done", "Done"
        DROPPED = "dropped", "Dropped"

    engagement = models.ForeignKey(Engagement, on_delete=models.CASCADE, related_name="actions")
    session = models.ForeignKey(
        CoachingSession,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="actions_created",
    )
    topic = models.ForeignKey(
        AgendaTopic, on_delete=models.SET_NULL, null=True, blank=True, related_name="actions"
    )
    title = EncryptedTextField()
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    due_date = models.DateField(null=True, blank=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.OPEN)
    evidence = EncryptedTextField(
        blank=True, help_text="What you tried, with what result, since the session."
    )
    completed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["due_date", "created_at"]
        indexes = [models.Index(fields=["engagement", "status"])]

    def __str__(self) -> str:
        return "Action"

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.OPEN


class CheckIn(BaseModel):
    """Accountability for one action at the start of a session."""

    class Outcome(models.TextChoices):
        DONE = "done", "Done"
        PARTLY = "partly", "Partly done"
        NOT_DONE = "not_done", "Not done"

    action = models.ForeignKey(ActionItem, on_delete=models.CASCADE, related_name="checkins")
    session = models.ForeignKey(CoachingSession, on_delete=models.CASCADE, related_name="checkins")
    outcome = models.CharField(max_length=20, choices=Outcome.choices)
    what_happened = EncryptedTextField(blank=True)
    learned = EncryptedTextField(blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["created_at"]
        constraints = [
            models.UniqueConstraint(fields=["action", "session"], name="one_checkin_per_session")
        ]

    def __str__(self) -> str:
        return f"Check-in: {self.get_outcome_display()}"


class Reflection(VersionedModel):
    """A journal entry between sessions; private to its author unless shared with the coach."""

    engagement = models.ForeignKey(Engagement, on_delete=models.CASCADE, related_name="reflections")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reflections"
    )
    target = models.ForeignKey(
        BehaviouralTarget,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="reflections",
    )
    situation = EncryptedTextField()
    what_i_did = EncryptedTextField()
    what_happened = EncryptedTextField()
    what_i_learned = EncryptedTextField()
    shared_with_coach = models.BooleanField(default=False)
    shared_at = models.DateTimeField(null=True, blank=True)
    # The token of the form that created it: a submit sent twice (a double click, a retry,
    # five tabs) makes one reflection, not five.
    form_token = models.UUIDField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["author", "form_token"], name="reflection_created_once_per_form"
            )
        ]

    def __str__(self) -> str:
        return "Reflection"
