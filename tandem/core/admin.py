"""Admin for platform staff: structure yes, confidential text never.

Every EncryptedTextField is left out of admin forms and lists, so staff see that a note
exists, not what it says.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db import models

from tandem.core.fields import EncryptedTextField


def encrypted_field_names(model: type[models.Model]) -> list[str]:
    return [f.name for f in model._meta.get_fields() if isinstance(f, EncryptedTextField)]


class ConfidentialAdmin(admin.ModelAdmin):
    def get_exclude(self, request: Any, obj: Any = None) -> list[str]:
        return [*(super().get_exclude(request, obj) or []), *encrypted_field_names(self.model)]

    def get_readonly_fields(self, request: Any, obj: Any = None) -> list[str]:
        fields = super().get_readonly_fields(request, obj)
        return [f for f in fields if f not in encrypted_field_names(self.model)]
