"""Account emails: an invitation with a link to choose a password, a notice that someone was
added to an organisation or a programme, a changed sign-in address.

They are essential (nobody can opt out of being told how to sign in) and carry no coaching
content. Only ids travel through the task queue; the set-password link is made when the
email is built, so no token is ever stored in the task table or a log.
"""

from __future__ import annotations

import logging
import smtplib
from collections.abc import Iterable, Sequence
from enum import StrEnum

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from tandem.accounts.models import Organisation, Programme, ProgrammeMember, User

log = logging.getLogger(__name__)

# Recipients per queued task: a 500-person import is five tasks, not 500 queue rows.
CHUNK = 100


class Reason(StrEnum):
    ADDED = "added"  # to the organisation, or to a programme
    INVITE_AGAIN = "invite_again"  # the admin sends a fresh set-password link
    ADDRESS_CHANGED = "address_changed"  # the admin corrected the address


def set_password_link(user: User, *, base_url: str) -> str:
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    path = reverse("password_reset_confirm", kwargs={"uidb64": uid, "token": token})
    return f"{base_url.rstrip('/')}{path}"


def account_emails_send(
    *,
    users: Iterable[User],
    organisation: Organisation,
    actor: User,
    base_url: str,
    reason: Reason = Reason.ADDED,
    programme: Programme | None = None,
) -> None:
    """Queue one email to each of ``users`` once the caller's transaction commits (never
    inside it: a rolled-back change must not have told anyone)."""
    user_ids = sorted({u.pk for u in users})
    if not user_ids:
        return
    organisation_id = str(organisation.pk)
    programme_id = str(programme.pk) if programme is not None else None

    def enqueue() -> None:
        from tandem.accounts.tasks import send_account_emails

        for start in range(0, len(user_ids), CHUNK):
            send_account_emails.enqueue(
                user_ids=user_ids[start : start + CHUNK],
                organisation_id=organisation_id,
                programme_id=programme_id,
                actor_id=actor.pk,
                base_url=base_url,
                reason=str(reason),
            )

    transaction.on_commit(enqueue)


ROLE_WORDS = {
    ProgrammeMember.Role.COACHEE: "a coachee",
    ProgrammeMember.Role.COACH: "a coach",
    ProgrammeMember.Role.SPONSOR: "a sponsor",
}
CONFIDENTIAL = (
    "What you write in coaching is confidential: your sponsor and HR see only what you agree "
    "to share."
)


def _roles_phrase(roles: Sequence[str]) -> str:
    words = [ROLE_WORDS[ProgrammeMember.Role(r)] for r in roles if r in ROLE_WORDS]
    if not words:
        return ""
    joined = words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]
    return f" as {joined}"


def build_message(
    *,
    user: User,
    reason: Reason,
    organisation: Organisation,
    programme: Programme | None,
    actor_name: str,
    roles: Sequence[str],
    base_url: str,
) -> EmailMessage | None:
    """The email for one person, or None when there is nothing to say any more (a fresh
    invitation to someone who has chosen a password meanwhile)."""
    site = settings.SITE_NAME
    where = f"{programme.name} ({organisation.name})" if programme else organisation.name
    needs_password = not user.has_usable_password()
    if reason == Reason.INVITE_AGAIN and not needs_password:
        return None
    sign_in = f"{base_url.rstrip('/')}{reverse('login')}"
    if needs_password:
        access = (
            "Choose your password here (the link works once):\n"
            f"{set_password_link(user, base_url=base_url)}"
        )
    else:
        access = f"Sign in with {user.email} and your usual password:\n{sign_in}"
    if reason == Reason.ADDRESS_CHANGED:
        subject = f"Your address on {site} is now {user.email}"
        opening = (
            f"{actor_name}, a programme admin of {organisation.name}, corrected the address "
            f"you use on {site}: it is now {user.email}."
        )
    elif reason == Reason.INVITE_AGAIN:
        subject = f"Your invitation to {where} on {site}"
        opening = (
            f"{actor_name} sent you a new link to join {where} on {site}, where your "
            "coaching takes place. Earlier links no longer work."
        )
    elif needs_password:
        subject = f"You are invited to {where} on {site}"
        opening = (
            f"{actor_name} added you to {where} on {site}{_roles_phrase(roles)}. "
            f"{site} is where your coaching takes place."
        )
    else:
        subject = f"You have been added to {where}"
        opening = f"{actor_name} added you to {where} on {site}{_roles_phrase(roles)}."
    body = f"Hello {user.get_short_name()},\n\n{opening}\n\n{access}\n\n{CONFIDENTIAL}\n"
    return EmailMessage(subject=subject, body=body, to=[user.email])


def deliver(
    *,
    user_ids: Sequence[int],
    organisation_id: str,
    programme_id: str | None,
    actor_id: int | None,
    base_url: str,
    reason: str,
) -> int:
    """Build and send the emails of one queued chunk; returns how many went out.

    A refused address marks the person's email as bounced (the admin's people page then
    asks for the right one); any other failure is logged by user id, never by address or
    content, and the others are still sent."""
    programme = (
        Programme.objects.select_related("organisation").filter(pk=programme_id).first()
        if programme_id
        else None
    )
    organisation = (
        programme.organisation
        if programme is not None
        else Organisation.objects.get(pk=organisation_id)
    )
    actor = User.objects.filter(pk=actor_id).first() if actor_id else None
    actor_name = actor.full_name if actor is not None else f"Your programme admin at {organisation}"
    users = list(User.objects.filter(pk__in=user_ids, is_active=True).order_by("pk"))
    roles: dict[int, list[str]] = {}
    if programme is not None:
        for user_id, role in (
            ProgrammeMember.objects.filter(programme=programme, user_id__in=user_ids)
            .order_by("role")
            .values_list("user_id", "role")
        ):
            roles.setdefault(user_id, []).append(role)
    sent = 0
    connection = get_connection()
    for user in users:
        message = build_message(
            user=user,
            reason=Reason(reason),
            organisation=organisation,
            programme=programme,
            actor_name=actor_name,
            roles=roles.get(user.pk, []),
            base_url=base_url,
        )
        if message is None:
            continue
        message.connection = connection
        try:
            message.send()
        except (smtplib.SMTPRecipientsRefused, smtplib.SMTPSenderRefused):
            log.warning("Account email to user %s was refused", user.pk)
            User.objects.filter(pk=user.pk).update(email_bounced_at=timezone.now())
        except Exception as exc:  # one failure must not keep the rest from their email
            log.warning("Account email to user %s failed: %s", user.pk, type(exc).__name__)
        else:
            sent += 1
    return sent
