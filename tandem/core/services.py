"""Small helpers every app's services share."""

from __future__ import annotations

from typing import TypeVar

from django.db import models

M = TypeVar("M", bound=models.Model)


def validated_save(instance: M, *, exclude: list[str] | None = None) -> M:
    """``full_clean()`` then ``save()``: no row is written that its model would reject."""
    instance.full_clean(exclude=exclude)
    instance.save()
    return instance


def locked(instance: M) -> M:
    """Re-read ``instance`` under a row lock (inside ``transaction.atomic``)."""
    return type(instance)._default_manager.select_for_update().get(pk=instance.pk)
