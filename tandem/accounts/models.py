from __future__ import annotations

import zoneinfo
from functools import cache
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models.signals import post_delete, post_save
from django.utils import timezone

from tandem.accounts.areas import validate_areas
from tandem.core.models import BaseModel


@cache
def time_zone_names() -> frozenset[str]:
    return frozenset(zoneinfo.available_timezones())


def validate_time_zone(value: str) -> None:
    if value and value not in time_zone_names():
        raise ValidationError(
            f"“{value}” is not a time zone we know. Choose one from the list, such as "
            "Europe/London or America/New_York."
        )


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def create_user(self, email: str, password: str | None = None, **extra: Any) -> User:
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **extra: Any) -> User:
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        return self.create_user(email, password, **extra)


class User(AbstractBaseUser, PermissionsMixin):
    """A person who signs in. Roles live on engagements and memberships, not here."""

    email = models.EmailField(unique=True)
    full_name = models.CharField(max_length=150)
    is_active = models.BooleanField(default=True)
    is_staff = models.BooleanField(default=False)
    date_joined = models.DateTimeField(default=timezone.now)
    # Reminders and calendar times follow the person's own clock; empty = the site's.
    time_zone = models.CharField(
        max_length=64, blank=True, validators=[validate_time_zone], help_text="Where you live."
    )
    # Set when an email to this address was refused: the person is asked to fix it.
    email_bounced_at = models.DateTimeField(null=True, blank=True, editable=False)
    # Moves whenever one of the person's memberships is saved or deleted: the key under which
    # their memberships (read on every request, tandem/core/policy.py) are cached.
    access_version = models.PositiveIntegerField(default=0, editable=False)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["full_name"]

    class Meta:
        ordering = ["full_name"]

    def __str__(self) -> str:
        return self.full_name or self.email

    def get_full_name(self) -> str:
        return self.full_name

    def get_short_name(self) -> str:
        return self.full_name.split(" ")[0] if self.full_name else self.email

    @property
    def zone(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.time_zone or settings.TIME_ZONE)


class Organisation(BaseModel):
    name = models.CharField(max_length=200)
    slug = models.SlugField(unique=True)
    # An independent coach's own practice: the coach is its admin and coaches its clients.
    is_practice = models.BooleanField(default=False)
    # Sign-in rules the organisation's programme admins set (Organisation settings page).
    require_mfa = models.BooleanField(
        "Require two-factor authentication",
        default=False,
        help_text="Every member must set up an authenticator app or a passkey; whoever has "
        "none is sent to set one up right after signing in.",
    )
    sso_app = models.OneToOneField(
        "socialaccount.SocialApp",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="organisation",
        help_text="The organisation's OpenID Connect provider (single sign-on).",
    )
    sso_domains = models.CharField(
        "Email domains that join through single sign-on",
        max_length=500,
        blank=True,
        help_text="Someone new whose provider vouches for an address at one of these domains "
        "joins the organisation on first sign-in. Nobody else joins by domain.",
    )

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def sso_domain_list(self) -> list[str]:
        return [
            d.strip().lower() for d in self.sso_domains.replace(";", ",").split(",") if d.strip()
        ]


class MembershipQuerySet(models.QuerySet["Membership"]):
    """``update()`` moves the people's ``access_version`` too (signals do not fire for it).
    ``bulk_create`` needs nothing: a new membership is active and not an admin's, which
    changes nothing that is cached."""

    def update(self, **kwargs: Any) -> int:
        user_ids = list(self.values_list("user_id", flat=True).distinct())
        updated = super().update(**kwargs)
        memberships_moved(user_ids)
        return updated


MembershipManager = models.Manager.from_queryset(MembershipQuerySet)


class Membership(BaseModel):
    class Role(models.TextChoices):
        MEMBER = "member", "Member"
        PROGRAMME_ADMIN = "programme_admin", "Programme admin"

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(max_length=20, choices=Role.choices, default=Role.MEMBER)
    # Deactivated: the person no longer takes part here; their records stay.
    is_active = models.BooleanField(default=True)
    deactivated_at = models.DateTimeField(null=True, blank=True, editable=False)

    objects = MembershipManager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "organisation"], name="one_membership_per_org")
        ]

    def __str__(self) -> str:
        return f"{self.user} in {self.organisation} ({self.get_role_display()})"


class Programme(BaseModel):
    """A coaching programme HR runs for an organisation (a cohort, a leadership track).

    It holds the coach pool, the engagements' default shape, and optionally the training the
    coaching follows, so outcomes can be compared with and without it."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="programmes"
    )
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    start_date = models.DateField(null=True, blank=True)
    end_date = models.DateField(null=True, blank=True)
    training = models.CharField(
        "Training it follows",
        max_length=200,
        blank=True,
        help_text="E.g. 'the 12-skills leadership course'. Coaching after training gives the "
        "best return: mark who took it, and compare outcomes with and without.",
    )
    default_planned_sessions = models.PositiveSmallIntegerField(
        "Sessions", default=8, validators=[MinValueValidator(6), MaxValueValidator(12)]
    )
    default_cadence_days = models.PositiveSmallIntegerField(
        "Every (days)", default=14, validators=[MinValueValidator(7), MaxValueValidator(35)]
    )
    default_session_minutes = models.PositiveSmallIntegerField(
        "Minutes per session", default=60, validators=[MinValueValidator(60), MaxValueValidator(90)]
    )
    default_length_days = models.PositiveSmallIntegerField(
        "Length (days)",
        default=126,
        validators=[MinValueValidator(84), MaxValueValidator(186)],
        help_text="3 to 6 months: 84 to 186 days.",
    )
    coaches_can_start = models.BooleanField(
        "Coaches in the pool may start engagements",
        default=False,
        help_text="For coaches whose clients have no HR admin to set them up.",
    )
    archived_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class ProgrammeMember(BaseModel):
    """A person's part in a programme: a coach in its pool, a coachee in its cohort (with
    the sponsor they report to), or a sponsor."""

    class Role(models.TextChoices):
        COACHEE = "coachee", "Coachee"
        COACH = "coach", "Coach"
        SPONSOR = "sponsor", "Sponsor"

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="members")
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="programme_roles")
    role = models.CharField(max_length=20, choices=Role.choices)
    sponsor = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    cohort = models.CharField(max_length=100, blank=True)
    took_training = models.BooleanField(
        null=True, blank=True, help_text="Took the programme's training before coaching."
    )
    added_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["role", "user__full_name"]
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "user", "role"], name="one_programme_role_each"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.get_role_display()} in {self.programme}"


class CoachProfile(BaseModel):
    """What a coachee reads before choosing a coach, and what matching filters on."""

    user = models.OneToOneField(User, on_delete=models.CASCADE, related_name="coach_profile")
    bio = models.TextField(blank=True, max_length=2000)
    areas = models.JSONField(default=list, blank=True, validators=[validate_areas])
    languages = models.JSONField(default=list, blank=True)
    capacity = models.PositiveSmallIntegerField(
        default=6,
        validators=[MinValueValidator(0), MaxValueValidator(60)],
        help_text="Engagements at most at one time (not yet ended).",
    )

    def __str__(self) -> str:
        return f"Coach profile of {self.user}"

    @property
    def area_labels(self) -> list[str]:
        from tandem.accounts.areas import Area

        labels = dict(Area.choices)
        return [str(labels[a]) for a in self.areas if a in labels]


def memberships_moved(user_ids: Any) -> None:
    """These people's memberships changed: their cached memberships are stale from now on,
    in every process (the next request reads them afresh under a new ``access_version``)."""
    from tandem.core.policy import memberships_forget

    ids = list(user_ids)
    if not ids:
        return
    User.objects.filter(pk__in=ids).update(access_version=models.F("access_version") + 1)
    for user_id in ids:
        memberships_forget(user_id)


def _membership_changed(sender: type[Membership], instance: Membership, **kwargs: Any) -> None:
    memberships_moved([instance.user_id])


post_save.connect(_membership_changed, sender=Membership, dispatch_uid="membership_saved")
post_delete.connect(_membership_changed, sender=Membership, dispatch_uid="membership_deleted")


class AccessToken(BaseModel):
    """A personal access token for the API: it acts as its person, never more, and only
    reads unless its scope is ``write``. Only a SHA-256 digest of the secret is stored (the
    secret is long and random, so a slow hash adds nothing); the secret is shown once."""

    class Scope(models.TextChoices):
        READ = "read", "Read only"
        WRITE = "write", "Read and write"

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="access_tokens")
    name = models.CharField(max_length=100, help_text="What it is for, so you know it again.")
    scope = models.CharField(max_length=5, choices=Scope.choices, default=Scope.READ)
    digest = models.CharField(max_length=64, unique=True, editable=False)
    # The first characters of the secret, shown in the list so a person can tell tokens apart.
    prefix = models.CharField(max_length=12, editable=False)
    expires_at = models.DateTimeField()
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_live(self) -> bool:
        return self.revoked_at is None and self.expires_at > timezone.now()

    @property
    def can_write(self) -> bool:
        return self.scope == self.Scope.WRITE


class OrganisationInvitation(BaseModel):
    """An existing account asked to join another organisation: the person accepts or declines
    in Tandem. Until they accept they are not a member, and the admin who asked is told
    nothing more than for an address new to Tandem."""

    class State(models.TextChoices):
        PENDING = "pending", "Waiting for an answer"
        ACCEPTED = "accepted", "Accepted"
        DECLINED = "declined", "Declined"

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="invitations"
    )
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="invitations")
    role = models.CharField(
        max_length=20, choices=Membership.Role.choices, default=Membership.Role.MEMBER
    )
    # The name the admin typed: the list shows it, never the account's own name.
    name_given = models.CharField(max_length=150, blank=True)
    # Places in programmes to take on acceptance: [{"programme": id, "role": ..., ...}].
    places = models.JSONField(default=list, blank=True)
    invited_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    state = models.CharField(max_length=10, choices=State.choices, default=State.PENDING)
    decided_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "user"],
                condition=models.Q(state="pending"),
                name="one_pending_invitation_per_org",
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} invited to {self.organisation} ({self.get_state_display()})"
