from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from tandem.accounts.areas import Area
from tandem.accounts.models import Organisation, Programme
from tandem.core.fields import EncryptedCharField, EncryptedTextField
from tandem.core.models import BaseModel, VersionedModel
from tandem.engagements.wording import rater_wording
from tandem.feedback import library


class Engagement(VersionedModel):
    """A coach working with a coachee: a time-bound coaching contract or an ongoing 1:1 series."""

    confidential_fields = ("targets_changes_requested",)  # the sponsor's change note

    class Kind(models.TextChoices):
        COACHING = "coaching", "Coaching engagement"
        ONE_ON_ONE = "one_on_one", "Manager 1:1 series"

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        CONTRACTING = "contracting", "Contracting"
        ACTIVE = "active", "Active"
        CLOSING = "closing", "Closing"
        COMPLETED = "completed", "Completed"
        PAUSED = "paused", "Paused"
        CANCELLED = "cancelled", "Cancelled"

    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="engagements"
    )
    # Every coaching engagement runs inside a programme; a manager's 1:1 series is the
    # manager's own and belongs to none.
    programme = models.ForeignKey(
        Programme, on_delete=models.PROTECT, null=True, blank=True, related_name="engagements"
    )
    cohort = models.CharField(max_length=100, blank=True)
    after_training = models.BooleanField(
        "Took the programme's training first", null=True, blank=True
    )
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.COACHING)
    title = models.CharField(max_length=200, blank=True)
    coach = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="engagements_as_coach"
    )
    coachee = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="engagements_as_coachee"
    )
    sponsor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="engagements_as_sponsor",
    )
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.DRAFT)
    # Where a paused engagement returns to when it resumes.
    status_before_pause = models.CharField(
        max_length=20, choices=Status.choices, blank=True, editable=False
    )
    start_date = models.DateField()
    end_date = models.DateField(null=True, blank=True)
    cadence_days = models.PositiveSmallIntegerField(
        default=14, validators=[MinValueValidator(7), MaxValueValidator(35)]
    )
    session_minutes = models.PositiveSmallIntegerField(
        default=60, validators=[MinValueValidator(15), MaxValueValidator(120)]
    )
    planned_sessions = models.PositiveSmallIntegerField(
        default=8, validators=[MinValueValidator(1), MaxValueValidator(52)]
    )
    # The contract's way to sign-off: coach or coachee submit the targets, the sponsor then sees
    # them and signs off or asks for changes (with a note the coach and coachee read).
    targets_submitted_at = models.DateTimeField(null=True, blank=True, editable=False)
    targets_submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )
    targets_changes_requested = EncryptedTextField(blank=True, editable=False)
    targets_signed_off_at = models.DateTimeField(null=True, blank=True, editable=False)
    targets_signed_off_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )

    class Meta:
        ordering = ["-start_date", "id"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(coach=models.F("coachee")), name="coach_is_not_coachee"
            ),
            models.CheckConstraint(
                condition=models.Q(kind="one_on_one") | models.Q(programme__isnull=False),
                name="coaching_belongs_to_a_programme",
            ),
        ]
        indexes = [
            models.Index(fields=["programme", "status"]),
            # The programme's engagement list, newest first, a page at a time.
            models.Index(
                fields=["programme", "start_date", "id"], name="engagement_programme_start"
            ),
            # The home list's order: a programme admin's first page is read off this index,
            # stopping after one page, however large the organisation.
            models.Index(fields=["status", "-start_date", "id"], name="engagement_home_order"),
        ]

    def __str__(self) -> str:
        return self.display_title

    @property
    def display_title(self) -> str:
        if self.title:
            return self.title
        kind = "1:1s" if self.is_one_on_one else "Coaching"
        return f"{kind}: {self.coachee}"

    @property
    def is_coaching(self) -> bool:
        return self.kind == self.Kind.COACHING

    @property
    def is_one_on_one(self) -> bool:
        return self.kind == self.Kind.ONE_ON_ONE

    @property
    def targets_signed_off(self) -> bool:
        return self.targets_signed_off_at is not None

    @property
    def targets_awaiting_sign_off(self) -> bool:
        return self.targets_submitted_at is not None and not self.targets_signed_off


class BehaviouralTarget(VersionedModel):
    """An observable behaviour the coachee sets out to change, with its Goal Attainment Scale.

    GAS levels (Kiresuk & Sherman 1968): -2 much less than expected, -1 somewhat less,
    0 the expected outcome, +1 somewhat more, +2 much more than expected.
    """

    # Confidential to the engagement: left out of Django admin (tandem.core.admin) and
    # written as canaries by the confidentiality tests.
    confidential_fields = (
        "behaviour", "rater_wording", "why_it_matters", "success_indicators",
        "gas_minus_2", "gas_minus_1", "gas_0", "gas_plus_1", "gas_plus_2",
    )  # fmt: skip
    confidential_name = True  # str() is the behaviour

    engagement = models.ForeignKey(Engagement, on_delete=models.CASCADE, related_name="targets")
    position = models.PositiveSmallIntegerField(default=0)
    behaviour = EncryptedCharField(
        max_length=300, help_text="What others will see you do, e.g. 'I raise concerns early'."
    )
    rater_wording = EncryptedCharField(
        "How 360 raters read it",
        max_length=300,
        blank=True,
        help_text="Raters are asked how often they see you do this, so it is worded about you: "
        "'I raise concerns early' becomes 'Raises concerns early'. Left empty, it is worded "
        "like that for you.",
    )
    baseline_item = models.CharField(
        "Closest 360 question",
        max_length=60,
        blank=True,
        validators=[library.validate_item_key],
        help_text="The competency question that asks about the same behaviour. A target agreed "
        "after the baseline 360 is compared with the baseline's answers to it.",
    )
    why_it_matters = EncryptedTextField()
    success_indicators = EncryptedTextField(help_text="How you and others will notice the change.")
    area = models.CharField(
        "Coaching area",
        max_length=20,
        choices=Area.choices,
        blank=True,
        help_text="What kind of change this is; programmes count their coaching themes by it "
        "(never the target's words).",
    )
    weight = models.PositiveSmallIntegerField(
        default=1, validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    gas_minus_2 = EncryptedCharField("Much less than expected (−2)", max_length=300)
    gas_minus_1 = EncryptedCharField("Somewhat less than expected (−1)", max_length=300)
    gas_0 = EncryptedCharField("Expected outcome (0)", max_length=300)
    gas_plus_1 = EncryptedCharField("Somewhat more than expected (+1)", max_length=300)
    gas_plus_2 = EncryptedCharField("Much more than expected (+2)", max_length=300)

    class Meta:
        ordering = ["position", "created_at"]

    def __str__(self) -> str:
        return self.behaviour

    @property
    def rater_text(self) -> str:
        """What raters are shown: the saved wording, or one made from the behaviour."""
        return self.rater_wording or rater_wording(self.behaviour)

    @property
    def gas_levels(self) -> list[tuple[int, str]]:
        return [
            (-2, self.gas_minus_2),
            (-1, self.gas_minus_1),
            (0, self.gas_0),
            (1, self.gas_plus_1),
            (2, self.gas_plus_2),
        ]


class Review(BaseModel):
    """Midpoint or close review: coach and coachee each rate every target on its GAS."""

    class Kind(models.TextChoices):
        MIDPOINT = "midpoint", "Midpoint review"
        CLOSE = "close", "Close review"

    engagement = models.ForeignKey(Engagement, on_delete=models.CASCADE, related_name="reviews")
    kind = models.CharField(max_length=20, choices=Kind.choices)

    class Meta:
        ordering = ["created_at"]
        constraints = [
            models.UniqueConstraint(fields=["engagement", "kind"], name="one_review_per_kind")
        ]

    def __str__(self) -> str:
        return self.get_kind_display()


class TargetRating(BaseModel):
    confidential_fields = ("behaviour", "level_text")  # copies of the target's words

    class Rater(models.TextChoices):
        COACH = "coach", "Coach"
        COACHEE = "coachee", "Coachee"

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="ratings")
    # A target removed from the contract later keeps its ratings: a past review stands.
    target = models.ForeignKey(
        BehaviouralTarget, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    rater = models.CharField(max_length=20, choices=Rater.choices)
    level = models.SmallIntegerField(validators=[MinValueValidator(-2), MaxValueValidator(2)])
    # The target as it was rated: a later edit of the contract does not rewrite a past review.
    behaviour = EncryptedCharField(max_length=300, blank=True)
    weight = models.PositiveSmallIntegerField(default=1)
    level_text = EncryptedCharField(max_length=300, blank=True)  # what the chosen level said

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["review", "target", "rater"], name="one_rating_per_rater"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_rater_display()}: {self.level:+d}"


class SponsorSummary(VersionedModel):
    """What the sponsor is told: written and approved by the coachee. A separate record,
    never a filtered view of session notes."""

    engagement = models.ForeignKey(
        Engagement, on_delete=models.CASCADE, related_name="sponsor_summaries"
    )
    review = models.OneToOneField(
        Review, on_delete=models.SET_NULL, null=True, blank=True, related_name="sponsor_summary"
    )
    text = EncryptedTextField(blank=True)
    approved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at"]

    def __str__(self) -> str:
        return "Sponsor summary"


class CoachHandover(BaseModel):
    """One coach handing an engagement to another. The new coach reads the shared record
    (sessions, actions, reviews, 360); the old coach's private notes stay the old coach's."""

    engagement = models.ForeignKey(Engagement, on_delete=models.CASCADE, related_name="handovers")
    from_coach = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    to_coach = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    reason = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["created_at"]

    def __str__(self) -> str:
        return f"Handover from {self.from_coach} to {self.to_coach}"


class SponsorChange(BaseModel):
    """A new sponsor, proposed by the coach or programme admin and agreed by the coachee.
    Until the coachee agrees, nothing changes; after, the new sponsor sees the targets only
    once they are put to them."""

    class State(models.TextChoices):
        PROPOSED = "proposed", "Waiting for the coachee"
        ACCEPTED = "accepted", "Agreed"
        DECLINED = "declined", "Declined"
        WITHDRAWN = "withdrawn", "Withdrawn"

    engagement = models.ForeignKey(
        Engagement, on_delete=models.CASCADE, related_name="sponsor_changes"
    )
    from_sponsor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    to_sponsor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    reason = models.CharField(max_length=300, blank=True)
    state = models.CharField(max_length=20, choices=State.choices, default=State.PROPOSED)
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["engagement"],
                condition=models.Q(state="proposed"),
                name="one_open_sponsor_change",
            )
        ]

    def __str__(self) -> str:
        return f"Sponsor change to {self.to_sponsor or 'no sponsor'}"
