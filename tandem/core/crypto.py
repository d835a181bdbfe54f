"""Authenticated encryption for confidential text (AES-256-GCM).

Keys come from ``settings.ENCRYPTION_KEYS`` ("id:base64key,id2:base64key"), never from
SECRET_KEY, so leaking one does not expose the other. The first key seals; every key in
the ring opens, which is what makes rotation possible: add a new key in front, run
``rotate_encryption_key``, then drop the old one.

Each token carries the id of the key that sealed it. The caller passes associated data
(the row's identity), so a ciphertext copied into another row or field fails to open.
"""

from __future__ import annotations

import base64
import os
import secrets
from dataclasses import dataclass
from functools import lru_cache

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.signals import setting_changed
from django.dispatch import receiver

TOKEN_PREFIX = "v1"  # noqa: S105 - a format tag, not a secret
NONCE_BYTES = 12


class DecryptionError(Exception):
    """A token could not be opened: wrong key, wrong row, or tampered data."""


@dataclass(frozen=True)
class KeyRing:
    active_id: str
    keys: dict[str, AESGCM]


def generate_key() -> str:
    """A fresh 256-bit key in the form settings expect, with a random id."""
    key_id = secrets.token_hex(4)
    return f"{key_id}:{base64.b64encode(AESGCM.generate_key(bit_length=256)).decode()}"


def parse_keys(spec: str) -> KeyRing:
    entries = [item.strip() for item in spec.split(",") if item.strip()]
    if not entries:
        raise ImproperlyConfigured("TANDEM_ENCRYPTION_KEYS is empty.")
    keys: dict[str, AESGCM] = {}
    for entry in entries:
        key_id, sep, encoded = entry.partition(":")
        if not sep or not key_id or ":" in encoded:
            raise ImproperlyConfigured(
                "Each encryption key must look like 'keyid:base64key' "
                "(generate one with `manage.py rotate_encryption_key --generate`)."
            )
        try:
            raw = base64.b64decode(encoded, validate=True)
        except ValueError as exc:
            raise ImproperlyConfigured(f"Encryption key {key_id!r} is not valid base64.") from exc
        if len(raw) != 32:
            raise ImproperlyConfigured(f"Encryption key {key_id!r} must be 32 bytes (AES-256).")
        if key_id in keys:
            raise ImproperlyConfigured(f"Encryption key id {key_id!r} appears twice.")
        keys[key_id] = AESGCM(raw)
    return KeyRing(active_id=entries[0].partition(":")[0], keys=keys)


def _development_key_spec() -> str:
    """Without configured keys, DEBUG gets a key file made once under DATA_DIR."""
    if not settings.DEBUG:
        raise ImproperlyConfigured(
            "Set TANDEM_ENCRYPTION_KEYS: confidential notes are encrypted with their own key. "
            "Generate one with `manage.py rotate_encryption_key --generate`."
        )
    path = settings.ENCRYPTION_KEY_FILE
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(generate_key() + "\n")
    return path.read_text().strip()


@lru_cache(maxsize=1)
def keyring() -> KeyRing:
    return parse_keys(settings.ENCRYPTION_KEYS or _development_key_spec())


@receiver(setting_changed)
def _reset_keyring(*, setting: str, **kwargs: object) -> None:
    if setting in {"ENCRYPTION_KEYS", "ENCRYPTION_KEY_FILE", "DEBUG"}:
        keyring.cache_clear()


def seal(plaintext: str, *, aad: bytes) -> str:
    ring = keyring()
    nonce = os.urandom(NONCE_BYTES)
    ciphertext = ring.keys[ring.active_id].encrypt(nonce, plaintext.encode(), aad)
    body = base64.urlsafe_b64encode(nonce + ciphertext).decode()
    return f"{TOKEN_PREFIX}:{ring.active_id}:{body}"


def token_key_id(token: str) -> str:
    return token.split(":", 2)[1]


def unseal(token: str, *, aad: bytes) -> str:
    try:
        prefix, key_id, body = token.split(":", 2)
    except ValueError as exc:
        raise DecryptionError("Not an encrypted token.") from exc
    if prefix != TOKEN_PREFIX:
        raise DecryptionError(f"Unknown token version {prefix!r}.")
    key = keyring().keys.get(key_id)
    if key is None:
        raise DecryptionError(f"Key {key_id!r} is not in TANDEM_ENCRYPTION_KEYS.")
    raw = base64.urlsafe_b64decode(body)
    try:
        return key.decrypt(raw[:NONCE_BYTES], raw[NONCE_BYTES:], aad).decode()
    except InvalidTag as exc:
        raise DecryptionError("Token does not open with its key for this row.") from exc
