"""Admin for platform staff: structure yes, confidential content never.

Every confidential field (tandem.core.fields.confidential_field_names: the encrypted ones and
those a model names, such as behavioural targets) is left out of admin forms, lists and
searches, and a record holding any is named by its kind and id, not by its text — in lists,
titles, breadcrumbs and the choices of other records' forms. Staff see that a note exists,
not what it says.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.contrib.admin import helpers
from django.contrib.admin.utils import unquote
from django.db import models

from tandem.core.fields import confidential_field_names


def record_label(obj: models.Model) -> str:
    return f"{str(obj._meta.verbose_name).capitalize()} {str(obj.pk)[:8]}"


def _names_content(model: type[models.Model]) -> bool:
    """Whether str(obj) says something confidential (the model says so: confidential_name)."""
    return bool(getattr(model, "confidential_name", False))


class _Labelled:
    """The object for the change page's breadcrumbs, named by record_label."""

    def __init__(self, obj: models.Model) -> None:
        self._obj = obj

    def __getattr__(self, name: str) -> Any:
        return getattr(self._obj, name)

    def __str__(self) -> str:
        return record_label(self._obj)


class SafeChoicesAdmin(admin.ModelAdmin):
    """Any admin: a choice of a record whose name is confidential shows its kind and id."""

    def formfield_for_foreignkey(self, db_field: Any, request: Any, **kwargs: Any) -> Any:
        field = super().formfield_for_foreignkey(db_field, request, **kwargs)
        if field is not None and _names_content(db_field.related_model):
            field.label_from_instance = record_label  # type: ignore[method-assign]
        return field

    def formfield_for_manytomany(self, db_field: Any, request: Any, **kwargs: Any) -> Any:
        field = super().formfield_for_manytomany(db_field, request, **kwargs)
        if field is not None and _names_content(db_field.related_model):
            field.label_from_instance = record_label  # type: ignore[method-assign]
        return field


class ConfidentialAdmin(SafeChoicesAdmin):
    list_display: Any = ["__str__"]

    @admin.display(description="Record")
    def record(self, obj: models.Model) -> str:
        return record_label(obj)

    def action_checkbox(self, obj: models.Model) -> Any:
        if not _names_content(self.model):
            return super().action_checkbox(obj)
        label = f"Select this object for an action - {record_label(obj)}"
        checkbox = forms.CheckboxInput({"class": "action-select", "aria-label": label})
        return checkbox.render(helpers.ACTION_CHECKBOX_NAME, str(obj.pk))

    def get_exclude(self, request: Any, obj: Any = None) -> list[str]:
        return [*(super().get_exclude(request, obj) or []), *confidential_field_names(self.model)]

    def get_readonly_fields(self, request: Any, obj: Any = None) -> list[str]:
        fields = super().get_readonly_fields(request, obj)
        return [f for f in fields if f not in confidential_field_names(self.model)]

    def get_list_display(self, request: Any) -> Any:
        hidden = set(confidential_field_names(self.model))
        shown = [f for f in super().get_list_display(request) if f not in hidden]
        if not _names_content(self.model):
            return shown
        return ["record" if f == "__str__" else f for f in shown]

    def get_search_fields(self, request: Any) -> Any:
        hidden = set(confidential_field_names(self.model))
        return [f for f in super().get_search_fields(request) if f.lstrip("^=@") not in hidden]

    def history_view(self, request: Any, object_id: str, extra_context: Any = None) -> Any:
        obj = self.get_object(request, unquote(object_id))
        if obj is not None and _names_content(self.model):
            extra_context = {
                **(extra_context or {}),
                "title": f"Change history: {record_label(obj)}",
                "object": _Labelled(obj),
            }
        return super().history_view(request, object_id, extra_context)

    def render_change_form(
        self, request: Any, context: Any, add: bool = False, change: bool = False,
        form_url: str = "", obj: Any = None,
    ) -> Any:  # fmt: skip
        if obj is not None and _names_content(self.model):
            context["subtitle"] = record_label(obj)
            context["original"] = _Labelled(obj)
        return super().render_change_form(request, context, add, change, form_url, obj)
