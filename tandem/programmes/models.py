"""Programme operations: coach matching, and the per-engagement figures the programme
dashboard adds up in SQL (kept as the engagement changes, never recomputed from raw rows per
page view)."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from tandem.accounts.models import Programme
from tandem.core.models import BaseModel
from tandem.engagements.models import Engagement


class MatchProposal(BaseModel):
    """Two or three coaches a programme admin proposes to a coachee, who picks one."""

    class State(models.TextChoices):
        OPEN = "open", "Waiting for the coachee"
        CHOSEN = "chosen", "Coach chosen"
        WITHDRAWN = "withdrawn", "Withdrawn"

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="proposals")
    coachee = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="coach_proposals"
    )
    coaches = models.ManyToManyField(settings.AUTH_USER_MODEL, related_name="+")
    note = models.CharField(max_length=500, blank=True)
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    state = models.CharField(max_length=20, choices=State.choices, default=State.OPEN)
    chosen_coach = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    engagement = models.OneToOneField(
        Engagement, on_delete=models.SET_NULL, null=True, blank=True, related_name="proposal"
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "coachee"],
                condition=models.Q(state="open"),
                name="one_open_proposal_per_coachee",
            )
        ]

    def __str__(self) -> str:
        return f"Coaches proposed to {self.coachee}"


class EngagementFigures(models.Model):
    """What the programme dashboard counts for one engagement, refreshed when its sessions,
    feedback, reviews or 360s change. Numbers only, never content."""

    engagement = models.OneToOneField(
        Engagement, on_delete=models.CASCADE, primary_key=True, related_name="figures"
    )
    # The programme these figures were last counted in: when an engagement moves, both
    # programmes' dashboards are told (``ProgrammeStamp``).
    programme = models.ForeignKey(
        Programme, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    sessions_held = models.PositiveIntegerField(default=0)
    sessions_live = models.PositiveIntegerField(default=0)  # held + planned
    sessions_with_action = models.PositiveIntegerField(default=0)
    last_held_at = models.DateTimeField(null=True, blank=True)
    feedback_count = models.PositiveIntegerField(default=0)
    feedback_sum = models.PositiveIntegerField(default=0)
    # When the first rating came in: the stable order in which engagements join the
    # programme's feedback average (five at a time).
    feedback_first_at = models.DateTimeField(null=True, blank=True)
    # The last held session itself: a stall notice names it, so a stall that persists is
    # told once and a new one after another session is told again.
    last_held_session = models.UUIDField(null=True, blank=True)
    raters_asked = models.PositiveIntegerField(default=0)
    raters_answered = models.PositiveIntegerField(default=0)
    targets = models.PositiveIntegerField(default=0)
    # Outcomes, once there are any: the close review's GAS T-score (coach and coachee mean),
    # and the close 360's targets with a reliable change.
    close_t_score = models.FloatField(null=True, blank=True)
    close_reviewed_at = models.DateTimeField(null=True, blank=True)
    targets_compared = models.PositiveIntegerField(default=0)
    targets_reliable = models.PositiveIntegerField(default=0)
    change_released_at = models.DateTimeField(null=True, blank=True)
    # What the coach was last told about a stall (``stalled.stalled_notify``): for "no
    # session for four weeks", when and after which held session (None: none held yet); for
    # "past its end date", which end date. Not figures: ``figures_refresh`` leaves them be.
    silence_notified_at = models.DateTimeField(null=True, blank=True)
    silence_notified_after = models.UUIDField(null=True, blank=True)
    overdue_notified_for = models.DateField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"Figures of {self.engagement_id}"


class CompetencyChange(models.Model):
    """One competency's mean score from the baseline to the closing 360 of one engagement."""

    engagement = models.ForeignKey(
        Engagement, on_delete=models.CASCADE, related_name="competency_changes"
    )
    competency = models.CharField(max_length=60)
    before = models.FloatField()
    after = models.FloatField()
    released_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["engagement", "competency"], name="one_change_per_competency"
            )
        ]
        indexes = [models.Index(fields=["competency", "released_at"])]

    def __str__(self) -> str:
        return f"{self.competency}: {self.before:.1f} → {self.after:.1f}"


class EngagementArea(models.Model):
    """How many of one engagement's targets work on one coaching area — the area's code,
    never the target's words. The dashboard's coaching themes add these up."""

    engagement = models.ForeignKey(
        Engagement, on_delete=models.CASCADE, related_name="target_areas"
    )
    # An ``accounts.areas.Area`` value, or "" for targets with no area and no linked question.
    area = models.CharField(max_length=20, blank=True)
    targets = models.PositiveSmallIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["engagement", "area"], name="one_count_per_area")
        ]

    def __str__(self) -> str:
        return f"{self.area or 'no area'}: {self.targets}"


class ProgrammeStamp(models.Model):
    """Raised each time a figure of one of the programme's engagements is refreshed: the
    dashboard keeps what it computed under the stamp's version and computes afresh once it
    moves, so a change shows at once and an unchanged programme costs a cache read."""

    programme = models.OneToOneField(
        Programme, on_delete=models.CASCADE, primary_key=True, related_name="figures_stamp"
    )
    version = models.PositiveBigIntegerField(default=0)
    changed_at = models.DateTimeField(auto_now=True)
    # When a snapshot of the dashboard was asked for and is waiting in the task queue:
    # changes meanwhile need no other (it reads the figures when it runs). One asked for
    # long ago is taken as lost, and asked for again.
    snapshot_asked_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"Figures of {self.programme_id}, version {self.version}"


class DashboardSnapshot(models.Model):
    """The programme's dashboard as a whole (no filter), computed in the background after
    its figures change, so the admin's page reads one row instead of adding up thousands.
    Aggregates only, as shown (``dashboard.Dashboard.to_data``)."""

    programme = models.OneToOneField(
        Programme, on_delete=models.CASCADE, primary_key=True, related_name="dashboard_snapshot"
    )
    version = models.PositiveBigIntegerField()  # of the ProgrammeStamp it was computed at
    computed_at = models.DateTimeField()
    data = models.JSONField()

    def __str__(self) -> str:
        return f"Dashboard of {self.programme_id} at version {self.version}"
