"""Writes for people and their membership of an organisation."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.text import slugify

from tandem.accounts.emails import Reason, account_emails_send
from tandem.accounts.models import (
    CoachProfile,
    Membership,
    Organisation,
    OrganisationInvitation,
    Programme,
    ProgrammeMember,
    User,
)
from tandem.core.policy import admin_organisation_ids, policy_cache_clear


def _require_admin(actor: User, organisation: Organisation) -> None:
    if organisation.pk not in admin_organisation_ids(actor):
        raise PermissionDenied("Only a programme admin of this organisation manages its people.")


def _new_person(*, email: str, full_name: str) -> User:
    """An account for someone new to Tandem: no password until they choose one."""
    if not full_name.strip():
        raise ValidationError({"full_name": "Give the person's name as colleagues know it."})
    user = User(email=email, full_name=full_name.strip())
    user.set_unusable_password()
    user.full_clean()
    user.save()
    return user


def membership_join(
    *, actor: User, organisation: Organisation, email: str, full_name: str, role: str
) -> tuple[Membership | OrganisationInvitation, bool]:
    """Make ``email`` a member of the organisation, creating their account if they are new
    to Tandem. Someone with an account already (in another organisation) is asked instead:
    an ``OrganisationInvitation`` they accept or decline. Returns the membership (or the
    invitation) and whether the account is new. Sends no account email: the caller says
    why they were added (see ``accounts.emails``).

    The checks and the answer are the same whether or not the address has an account, so
    an admin cannot learn who else uses Tandem."""
    _require_admin(actor, organisation)
    email = User.objects.normalize_email(email.strip()).lower()
    if role not in Membership.Role.values:
        raise ValidationError({"role": "Choose member or programme admin."})
    user = User.objects.filter(email=email).first()
    existing = (
        Membership.objects.filter(user=user, organisation=organisation).first()
        if user is not None
        else None
    )
    if existing is not None and not existing.is_active:
        raise ValidationError(
            {
                "email": f"{user} was deactivated in {organisation}: reactivate them "
                "instead (People page)."
            }
        )
    if existing is not None:
        raise ValidationError({"email": f"{user} is already a member of {organisation}."})
    if not full_name.strip():
        raise ValidationError({"full_name": "Give the person's name as colleagues know it."})
    if user is None:
        user = _new_person(email=email, full_name=full_name)
        membership = Membership(user=user, organisation=organisation, role=role)
        membership.full_clean(validate_constraints=False)
        membership.save()
        return membership, True
    # An account elsewhere: it joins only if its owner accepts.
    from tandem.accounts.invitations import invitation_ask

    if not user.is_active:  # switched off everywhere else: they may sign in to answer
        User.objects.filter(pk=user.pk).update(is_active=True)
        user.is_active = True
    invitation = invitation_ask(
        actor=actor, organisation=organisation, user=user, role=role, name_given=full_name
    )
    return invitation, False


@transaction.atomic
def membership_add(
    *,
    actor: User,
    organisation: Organisation,
    email: str,
    full_name: str,
    role: str,
    base_url: str,
) -> Membership | OrganisationInvitation:
    """Add a person to the organisation; someone new gets an email to set a password, and
    someone with an account already an invitation to accept (bell and email)."""
    joined, _created = membership_join(
        actor=actor, organisation=organisation, email=email, full_name=full_name, role=role
    )
    if isinstance(joined, Membership):
        account_emails_send(
            users=[joined.user], organisation=organisation, actor=actor, base_url=base_url
        )
    return joined


def _active_admins(organisation: Organisation) -> QuerySet[Membership]:
    return Membership.objects.select_for_update().filter(
        organisation=organisation, role=Membership.Role.PROGRAMME_ADMIN, is_active=True
    )


@transaction.atomic
def membership_set_role(*, actor: User, membership: Membership, role: str) -> Membership:
    _require_admin(actor, membership.organisation)
    if role not in Membership.Role.values:
        raise ValidationError({"role": "Choose member or programme admin."})
    if (
        membership.role == Membership.Role.PROGRAMME_ADMIN
        and role != Membership.Role.PROGRAMME_ADMIN
        and membership.is_active
        and _active_admins(membership.organisation).count() == 1
    ):
        raise ValidationError(
            {"role": "An organisation needs at least one programme admin: appoint another first."}
        )
    membership.role = role
    membership.save(update_fields=["role", "updated_at"])
    return membership


@transaction.atomic
def membership_deactivate(*, actor: User, membership: Membership) -> Membership:
    """The person no longer takes part in the organisation: they see none of its engagements
    (the policy ignores an inactive membership) and, with no active membership left anywhere,
    cannot sign in at all (an open session stops working too). Their records stay, and an
    engagement they coach is listed for the admins as needing a new coach."""
    _require_admin(actor, membership.organisation)
    membership = Membership.objects.select_for_update().select_related("user").get(pk=membership.pk)
    user = membership.user
    if not membership.is_active:
        raise ValidationError(f"{user} is deactivated already.")
    if (
        membership.role == Membership.Role.PROGRAMME_ADMIN
        and _active_admins(membership.organisation).count() == 1
    ):
        raise ValidationError(
            f"{user} is the last active programme admin of {membership.organisation}: "
            "appoint another before deactivating them."
        )
    if user.pk == actor.pk:
        raise ValidationError(
            "You cannot deactivate yourself: ask another programme admin to do it."
        )
    membership.is_active = False
    membership.deactivated_at = timezone.now()
    membership.save(update_fields=["is_active", "deactivated_at", "updated_at"])
    if not Membership.objects.filter(user=user, is_active=True).exists():
        User.objects.filter(pk=user.pk).update(is_active=False)
        user.is_active = False
    policy_cache_clear(user)
    return membership


@transaction.atomic
def membership_reactivate(*, actor: User, membership: Membership) -> Membership:
    """Undo a deactivation: they sign in again and see their engagements as before."""
    _require_admin(actor, membership.organisation)
    membership = Membership.objects.select_for_update().select_related("user").get(pk=membership.pk)
    if membership.is_active:
        raise ValidationError(f"{membership.user} is active already.")
    membership.is_active = True
    membership.deactivated_at = None
    membership.save(update_fields=["is_active", "deactivated_at", "updated_at"])
    User.objects.filter(pk=membership.user_id).update(is_active=True)
    membership.user.is_active = True
    policy_cache_clear(membership.user)
    return membership


def person_email_locked_reason(user: User, organisation: Organisation) -> str:
    """Why this organisation's admins may not change the person's sign-in address, or "".

    The address is how a person signs in and resets a password: whoever could change it
    could take over the account and read the person's coaching. So an admin corrects it
    only while the person has not yet chosen a password (an invitation that went astray) or
    while emails to it are refused (a bounce), and only for people of no other organisation.
    """
    if _other_organisations(user, organisation):
        return (
            f"{user} also belongs to another organisation on {settings.SITE_NAME}, so their "
            "name and address cannot be changed from here."
        )
    if user.has_usable_password() and user.email_bounced_at is None:
        return (
            f"{user} signs in with this address and emails to it arrive, so it stays as it "
            "is: whoever holds a sign-in address can reset its password. You can correct it "
            "if emails to it are refused."
        )
    return ""


def _other_organisations(user: User, organisation: Organisation) -> bool:
    return Membership.objects.filter(user=user).exclude(organisation=organisation).exists()


@transaction.atomic
def person_update(
    *, actor: User, membership: Membership, full_name: str, email: str, base_url: str
) -> User:
    """Correct a member's name and, where it may change (see
    ``person_email_locked_reason``), their address. A new address gets a fresh
    set-password link or a notice; older links stop working (they are bound to it)."""
    organisation = membership.organisation
    _require_admin(actor, organisation)
    user = User.objects.select_for_update().get(pk=membership.user_id)
    if _other_organisations(user, organisation):
        raise ValidationError(person_email_locked_reason(user, organisation))
    errors: dict[str, str] = {}
    full_name = full_name.strip()
    if not full_name:
        errors["full_name"] = "Give the person's name as colleagues know it."
    email = User.objects.normalize_email(email.strip()).lower()
    changed_email = email != user.email
    if changed_email:
        locked = person_email_locked_reason(user, organisation)
        taken = User.objects.filter(email=email).exclude(pk=user.pk).first()
        if locked:
            errors["email"] = locked
        elif not email:
            errors["email"] = "Give the person's email address."
        elif taken is not None:
            colleague = Membership.objects.filter(user=taken, organisation=organisation).exists()
            errors["email"] = (
                f"{email} is already {taken}'s address in {organisation}."
                if colleague
                else f"{email} is already used by someone else on {settings.SITE_NAME}."
            )
    if errors:
        raise ValidationError(errors)
    user.full_name = full_name
    fields = ["full_name"]
    if changed_email:
        user.email = email
        user.email_bounced_at = None
        fields += ["email", "email_bounced_at"]
    user.full_clean(exclude=["password"], validate_unique=False)
    user.save(update_fields=fields)
    if changed_email:
        from allauth.account.models import EmailAddress

        # The old address no longer signs in; the new one counts once its owner follows a
        # link sent to it (the set-password link, or allauth's at the next sign-in).
        EmailAddress.objects.filter(user=user).delete()
        EmailAddress.objects.create(user=user, email=email, verified=False, primary=True)
        account_emails_send(
            users=[user],
            organisation=organisation,
            actor=actor,
            base_url=base_url,
            reason=Reason.ADDRESS_CHANGED,
        )
    return user


@transaction.atomic
def invitation_resend(*, actor: User, membership: Membership, base_url: str) -> None:
    """A fresh set-password link for someone who has not chosen a password yet."""
    _require_admin(actor, membership.organisation)
    user = membership.user
    if user.has_usable_password():
        raise ValidationError(f"{user} has chosen a password already: they sign in as usual.")
    if not membership.is_active:
        raise ValidationError(f"{user} is deactivated: reactivate them first.")
    account_emails_send(
        users=[user],
        organisation=membership.organisation,
        actor=actor,
        base_url=base_url,
        reason=Reason.INVITE_AGAIN,
    )


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
    policy_cache_clear(owner)  # the roles cached for this request are out of date now
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


def email_verified(*, user: User) -> None:
    """``user``'s current address is theirs (they followed a link sent to it): allauth
    lets them sign in with it."""
    from allauth.account.models import EmailAddress

    # One address per person: an older one no longer signs in.
    EmailAddress.objects.filter(user=user).exclude(email__iexact=user.email).delete()
    address, _ = EmailAddress.objects.get_or_create(
        user=user, email=user.email, defaults={"verified": True, "primary": True}
    )
    if not (address.verified and address.primary):
        address.verified = address.primary = True
        address.save(update_fields=["verified", "primary"])


@transaction.atomic
def organisation_security_save(
    *,
    actor: User,
    organisation: Organisation,
    require_mfa: bool,
    server_url: str,
    client_id: str,
    secret: str,
    domains: str,
) -> Organisation:
    """An organisation's sign-in rules, set by its programme admins."""
    from tandem.accounts.sso import sso_configure

    _require_admin(actor, organisation)
    organisation = Organisation.objects.select_for_update().get(pk=organisation.pk)
    organisation.require_mfa = require_mfa
    organisation.save(update_fields=["require_mfa", "updated_at"])
    return sso_configure(
        organisation=organisation,
        server_url=server_url,
        client_id=client_id,
        secret=secret,
        domains=domains,
    )
