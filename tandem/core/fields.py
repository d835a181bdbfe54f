"""A text field whose value is sealed with AES-GCM before it reaches the database.

The row's identity (model, field, primary key) is the associated data of every token, so a
ciphertext pasted into another row does not open. That needs the primary key before the
INSERT, which is why models holding confidential text use client-side UUID keys
(``tandem.core.models.BaseModel``).

Values read from the database stay sealed until the attribute is read, so listing rows
never decrypts text nobody looks at. Encrypted columns cannot be filtered on.
"""

from __future__ import annotations

from typing import Any

from django.db import models
from django.db.models.query_utils import DeferredAttribute

from tandem.core import crypto


class Sealed(str):
    """A ciphertext as stored; the descriptor opens it on first read."""


class EncryptedAttribute(DeferredAttribute):
    """A data descriptor (it defines __set__), so reads always pass through __get__ even
    though the value lives in the instance __dict__."""

    field: EncryptedTextField

    def __set__(self, instance: Any, value: Any) -> None:
        instance.__dict__[self.field.attname] = value

    def __get__(self, instance: Any, cls: Any = None) -> Any:
        if instance is None:
            return self
        value = super().__get__(instance, cls)
        if isinstance(value, Sealed):
            value = crypto.unseal(value, aad=self.field.associated_data(instance))
            instance.__dict__[self.field.attname] = value
        return value


class EncryptedTextField(models.TextField):
    descriptor_class = EncryptedAttribute

    def associated_data(self, instance: models.Model) -> bytes:
        if instance.pk is None:
            raise ValueError(
                f"{type(instance).__name__} needs its primary key before encrypting "
                f"{self.name}; use a client-side UUID primary key."
            )
        return f"{instance._meta.label_lower}.{self.name}:{instance.pk}".encode()

    def from_db_value(self, value: str | None, expression: Any, connection: Any) -> str | None:
        if not value:
            return value
        return Sealed(value)

    def pre_save(self, model_instance: models.Model, add: bool) -> Any:
        value = getattr(model_instance, self.attname)
        if not value:
            return value
        return Sealed(crypto.seal(str(value), aad=self.associated_data(model_instance)))

    def get_prep_value(self, value: Any) -> Any:
        if value is None or value == "" or isinstance(value, Sealed):
            return value
        raise TypeError(
            f"{self.name} is encrypted: it cannot be filtered on or written with update(); "
            "save the model instance instead."
        )


def confidential_field_names(model: type[models.Model]) -> list[str]:
    """Every field of ``model`` holding confidential content: its encrypted fields, and the
    plain ones it names in ``confidential_fields`` (behavioural targets are plain text, since
    the sponsor reads them after sign-off, yet nobody outside the engagement may)."""
    encrypted = [f.name for f in model._meta.get_fields() if isinstance(f, EncryptedTextField)]
    return [*encrypted, *getattr(model, "confidential_fields", ())]
