"""Personal access tokens for the API: created and revoked by their person, looked up by
the digest of the secret a script sends."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone

from tandem.accounts.models import AccessToken, User
from tandem.core.services import validated_save

SECRET_PREFIX = "tdm_"  # noqa: S105 (not a secret: how a Tandem token starts)
LIFETIMES = (7, 30, 90, 365)  # days a token may live; no token lives for ever
# A token's last use is written at most this often, not on every request.
TOUCH_EVERY = dt.timedelta(minutes=5)


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


@dataclass(frozen=True)
class NewToken:
    token: AccessToken
    secret: str  # shown once, never stored


def token_create(*, actor: User, name: str, scope: str, days: int) -> NewToken:
    """A new token for ``actor`` (and only for them: a token acts as its person)."""
    if days not in LIFETIMES:
        raise ValidationError(
            {"days": f"Choose how long it lives: {', '.join(map(str, LIFETIMES))} days."}
        )
    secret = SECRET_PREFIX + secrets.token_urlsafe(32)
    token = validated_save(
        AccessToken(
            user=actor,
            name=name.strip(),
            scope=scope,
            digest=_digest(secret),
            prefix=secret[: len(SECRET_PREFIX) + 4],
            expires_at=timezone.now() + dt.timedelta(days=days),
        )
    )
    return NewToken(token=token, secret=secret)


def token_revoke(*, actor: User, token: AccessToken) -> AccessToken:
    if token.user_id != actor.pk:
        raise Http404("No such token.")
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at", "updated_at"])
    return token


def tokens_of(*, user: User) -> QuerySet[AccessToken]:
    return AccessToken.objects.filter(user=user)


def token_get_for(*, user: User, pk: str) -> AccessToken:
    """Only the person's own tokens exist for them."""
    token = AccessToken.objects.filter(user=user, pk=pk).first()
    if token is None:
        raise Http404("No such token.")
    return token


def token_authenticate(secret: str) -> AccessToken | None:
    """The live token with this secret, its active person loaded, or None."""
    if not secret.startswith(SECRET_PREFIX):
        return None
    token = (
        AccessToken.objects.filter(digest=_digest(secret), revoked_at__isnull=True)
        .select_related("user")
        .first()
    )
    if token is None or not token.is_live or not token.user.is_active:
        return None
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at > TOUCH_EVERY:
        AccessToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
    return token
