"""A text field whose value is sealed with AES-GCM before it reaches the database.

The row's identity (model, field, primary key) is the associated data of every token, so a
ciphertext pasted into another row does not open. That needs the primary key before the
INSERT, which is why models holding confidential text use client-side UUID keys
(``tandem.core.models.BaseModel``).

Values read from the database stay sealed until the attribute is read, so listing rows
never decrypts text nobody looks at. Encrypted columns cannot be filtered on.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from django.core.validators import MaxLengthValidator
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


class EncryptedCharField(EncryptedTextField):
    """Short confidential text (a target's wording, a file name): sealed like any text, but
    edited in a one-line input and still limited to ``max_length`` characters of plain text
    (the column is text: the ciphertext is longer)."""

    def __init__(self, *args: Any, max_length: int | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.plain_max_length = max_length
        if max_length is not None:
            self.validators.append(MaxLengthValidator(max_length))

    def deconstruct(self) -> Any:
        name, path, args, kwargs = super().deconstruct()
        if self.plain_max_length is not None:
            kwargs["max_length"] = self.plain_max_length
        return name, path, args, kwargs

    def formfield(self, **kwargs: Any) -> Any:
        from django import forms

        return models.Field.formfield(
            self,
            form_class=forms.CharField,
            max_length=self.plain_max_length,
            **kwargs,
        )


class EncryptedJSONAttribute(DeferredAttribute):
    """Opens and parses the sealed JSON on first read, then keeps the Python value."""

    field: EncryptedJSONField

    def __set__(self, instance: Any, value: Any) -> None:
        instance.__dict__[self.field.attname] = value

    def __get__(self, instance: Any, cls: Any = None) -> Any:
        if instance is None:
            return self
        value = super().__get__(instance, cls)
        if isinstance(value, Sealed):
            value = self.field.load(
                json.loads(crypto.unseal(value, aad=self.field.associated_data(instance)))
            )
            instance.__dict__[self.field.attname] = value
        return value


class EncryptedJSONField(EncryptedTextField):
    """A JSON value (numbers, a frozen report) sealed as a whole, like confidential text.

    ``load`` turns the parsed JSON into the value code works with (a typed report, say) and
    ``dump`` back; they are not part of the migration state, since the column is the same.
    ``None`` is stored as NULL (with ``null=True``); an empty dict or list is sealed too.
    """

    descriptor_class = EncryptedJSONAttribute  # type: ignore[assignment]
    # For django-stubs: the value is whatever ``load`` makes of the JSON.
    _pyi_private_set_type: Any
    _pyi_private_get_type: Any

    def __init__(
        self,
        *args: Any,
        load: Callable[[Any], Any] | None = None,
        dump: Callable[[Any], Any] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.load: Callable[[Any], Any] = load or (lambda value: value)
        self.dump: Callable[[Any], Any] = dump or (lambda value: value)

    def pre_save(self, model_instance: models.Model, add: bool) -> Any:
        value = getattr(model_instance, self.attname)
        if value is None:
            return None
        plain = json.dumps(self.dump(value), separators=(",", ":"))
        return Sealed(crypto.seal(plain, aad=self.associated_data(model_instance)))

    def get_prep_value(self, value: Any) -> Any:
        if value is None or isinstance(value, Sealed):
            return value
        raise TypeError(
            f"{self.name} is encrypted: it cannot be filtered on or written with update(); "
            "save the model instance instead."
        )

    def formfield(self, **kwargs: Any) -> Any:
        return None  # frozen data, never edited in a form


def seal_in_place(model: type[models.Model], field_name: str) -> int:
    """For data migrations: seal a column's existing clear values where they stand, bound to
    the row as the encrypted field binds them. Values that already open are left alone, so
    running it twice is harmless. Returns how many rows were sealed."""
    label = model._meta.label_lower
    sealed = 0
    rows = model._base_manager.exclude(**{f"{field_name}__isnull": True}).values_list(
        "pk", field_name
    )
    for pk, value in rows.iterator():
        if value in (None, ""):
            continue
        aad = f"{label}.{field_name}:{pk}".encode()
        if _opens(str(value), aad):
            continue
        token = crypto.seal(str(value), aad=aad)
        model._base_manager.filter(pk=pk).update(**{field_name: Sealed(token)})
        sealed += 1
    return sealed


def unseal_in_place(model: type[models.Model], field_name: str) -> None:
    """The reverse of :func:`seal_in_place`, for migrating back."""
    label = model._meta.label_lower
    rows = model._base_manager.exclude(**{f"{field_name}__isnull": True}).values_list(
        "pk", field_name
    )
    for pk, value in rows.iterator():
        if value in (None, ""):
            continue
        aad = f"{label}.{field_name}:{pk}".encode()
        if _opens(str(value), aad):
            plain = crypto.unseal(str(value), aad=aad)
            model._base_manager.filter(pk=pk).update(**{field_name: Sealed(plain)})


def _opens(value: str, aad: bytes) -> bool:
    try:
        crypto.unseal(value, aad=aad)
    except (crypto.DecryptionError, ValueError):
        return False
    return True


def confidential_field_names(model: type[models.Model]) -> list[str]:
    """Every field of ``model`` holding confidential content: its encrypted fields, and the
    plain ones it names in ``confidential_fields`` (behavioural targets are plain text, since
    the sponsor reads them after sign-off, yet nobody outside the engagement may)."""
    encrypted = [f.name for f in model._meta.get_fields() if isinstance(f, EncryptedTextField)]
    return [*encrypted, *getattr(model, "confidential_fields", ())]
