"""Writes for people and their membership of an organisation."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.text import slugify

from tandem.accounts.models import (
    CoachProfile,
    Membership,
    Organisation,
    Programme,
    ProgrammeMember,
    User,
)
from tandem.core.policy import admin_organisation_ids


def _require_admin(actor: User, organisation: Organisation) -> None:
    if organisation.pk not in admin_organisation_ids(actor):
        raise PermissionDenied("Only a programme admin of this organisation manages its people.")


def set_password_link(user: User, *, base_url: str) -> str:
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    path = reverse("password_reset_confirm", kwargs={"uidb64": uid, "token": token})
    return f"{base_url.rstrip('/')}{path}"


@transaction.atomic
def membership_add(
    *,
    actor: User,
    organisation: Organisation,
    email: str,
    full_name: str,
    role: str,
    base_url: str,
) -> Membership:
    """Add a person to the organisation; someone new gets an email to set a password."""
    _require_admin(actor, organisation)
    email = User.objects.normalize_email(email.strip()).lower()
    if role not in Membership.Role.values:
        raise ValidationError({"role": "Choose member or programme admin."})
    user = User.objects.filter(email=email).first()
    created = user is None
    if user is None:
        if not full_name.strip():
            raise ValidationError({"full_name": "Give the person's name as colleagues know it."})
        user = User(email=email, full_name=full_name.strip())
        user.set_unusable_password()
        user.full_clean()
        user.save()
    elif Membership.objects.filter(user=user, organisation=organisation).exists():
        raise ValidationError({"email": f"{user} is already a member of {organisation}."})
    membership = Membership(user=user, organisation=organisation, role=role)
    membership.full_clean()
    membership.save()
    if created:
        link = set_password_link(user, base_url=base_url)
        transaction.on_commit(
            lambda: send_mail(
                subject=f"You have been added to {organisation} on {settings.SITE_NAME}",
                message=(
                    f"Hello {user.get_short_name()},\n\n{actor} added you to {organisation} on "
                    f"{settings.SITE_NAME}, where your coaching takes place.\n\n"
                    f"Choose your password here:\n{link}\n\n"
                    "What you write in coaching is confidential: your sponsor and HR see "
                    "only what you agree to share."
                ),
                from_email=None,
                recipient_list=[user.email],
            )
        )
    return membership


@transaction.atomic
def membership_set_role(*, actor: User, membership: Membership, role: str) -> Membership:
    _require_admin(actor, membership.organisation)
    if role not in Membership.Role.values:
        raise ValidationError({"role": "Choose member or programme admin."})
    admins = Membership.objects.select_for_update().filter(
        organisation=membership.organisation, role=Membership.Role.PROGRAMME_ADMIN
    )
    if (
        membership.role == Membership.Role.PROGRAMME_ADMIN
        and role != Membership.Role.PROGRAMME_ADMIN
        and admins.count() == 1
    ):
        raise ValidationError(
            {"role": "An organisation needs at least one programme admin: appoint another first."}
        )
    membership.role = role
    membership.save(update_fields=["role", "updated_at"])
    return membership


@transaction.atomic
def account_update(*, actor: User, full_name: str, time_zone: str) -> User:
    """The person's own name and time zone."""
    user = User.objects.select_for_update().get(pk=actor.pk)
    if not full_name.strip():
        raise ValidationError({"full_name": "Give your name as colleagues know it."})
    user.full_name = full_name.strip()
    user.time_zone = time_zone.strip()
    user.full_clean(exclude=["password"])
    user.save(update_fields=["full_name", "time_zone"])
    return user


@transaction.atomic
def email_bounce_clear(*, actor: User) -> None:
    """The person says their address is right: emails are tried again."""
    User.objects.filter(pk=actor.pk).update(email_bounced_at=None)


@transaction.atomic
def coach_profile_save(
    *, actor: User, bio: str, areas: list[str], languages: list[str], capacity: int
) -> CoachProfile:
    """A coach's own profile: what coachees read, what matching filters on."""
    profile = CoachProfile.objects.select_for_update().filter(user=actor).first() or CoachProfile(
        user=actor
    )
    profile.bio = bio.strip()
    profile.areas = list(dict.fromkeys(areas))
    profile.languages = languages
    profile.capacity = capacity
    profile.full_clean()
    profile.save()
    return profile


PRACTICE_PROGRAMME = "Private clients"


def _unique_slug(name: str) -> str:
    base = slugify(name)[:40] or "practice"
    slug, n = base, 1
    while Organisation.objects.filter(slug=slug).exists():
        n += 1
        slug = f"{base}-{n}"
    return slug


@transaction.atomic
def practice_create(*, owner: User, name: str) -> Programme:
    """An independent coach's own practice: an organisation where they are the admin and
    the coach, with one programme for their private clients. Returns that programme."""
    name = " ".join(name.split())
    if not name:
        raise ValidationError({"practice_name": "Name your practice, as clients know it."})
    if Organisation.objects.filter(
        is_practice=True, memberships__user=owner, name__iexact=name
    ).exists():
        raise ValidationError({"practice_name": f"You have a practice called {name} already."})
    organisation = Organisation.objects.create(
        name=name[:200], slug=_unique_slug(name), is_practice=True
    )
    Membership.objects.create(
        user=owner, organisation=organisation, role=Membership.Role.PROGRAMME_ADMIN
    )
    programme = Programme.objects.create(
        organisation=organisation,
        name=PRACTICE_PROGRAMME,
        description="Your own clients, under the same rules as any coaching programme.",
        coaches_can_start=True,
    )
    ProgrammeMember.objects.create(
        programme=programme, user=owner, role=ProgrammeMember.Role.COACH, added_by=owner
    )
    CoachProfile.objects.get_or_create(user=owner)
    if hasattr(owner, "_tandem_admin_orgs"):
        del owner._tandem_admin_orgs  # the cached roles are out of date now
    return programme


@transaction.atomic
def coach_sign_up(*, full_name: str, email: str, password: str, practice_name: str) -> User:
    """Open sign-up (a setting): a new independent coach and their practice, in one go."""
    email = User.objects.normalize_email(email.strip()).lower()
    if User.objects.filter(email=email).exists():
        raise ValidationError(
            {
                "email": "There is an account with this address already: sign in, then open "
                "your practice from the same page."
            }
        )
    user = User(email=email, full_name=" ".join(full_name.split()))
    from django.contrib.auth.password_validation import validate_password

    try:
        validate_password(password, user)
    except ValidationError as exc:
        raise ValidationError({"password1": exc.messages}) from exc
    user.set_password(password)
    user.full_clean(exclude=["password"])
    user.save()
    practice_create(owner=user, name=practice_name)
    return user
