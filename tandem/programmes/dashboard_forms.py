"""The filters of the programme dashboard and of its engagement list (GET forms)."""

from __future__ import annotations

from typing import Any

from django import forms

from tandem.engagements.models import Engagement
from tandem.programmes.dashboard_types import FilterOptions, Filters
from tandem.programmes.engagement_list import ListFilters

TRAINING = {"after": True, "without": False}


class _ProgrammeFilterForm(forms.Form):
    cohort = forms.ChoiceField(required=False, label="Cohort")
    coach = forms.ChoiceField(required=False, label="Coach")

    def __init__(self, data: Any, *, options: FilterOptions) -> None:
        super().__init__(data)
        self.fields["cohort"].choices = [("", "All cohorts")] + [(c, c) for c in options.cohorts]  # type: ignore[attr-defined]
        self.fields["cohort"].error_messages["invalid_choice"] = (
            "No engagement of this programme is in the cohort “%(value)s”: choose a cohort "
            "from the list."
        )
        self.fields["coach"].choices = [("", "All coaches")] + [  # type: ignore[attr-defined]
            (str(pk), name) for pk, name in options.coaches
        ]
        self.fields["coach"].error_messages["invalid_choice"] = (
            "That coach runs no engagement of this programme: choose a coach from the list."
        )

    def _cohort(self) -> str | None:
        return self.cleaned_data.get("cohort") or None

    def _coach(self) -> int | None:
        value = self.cleaned_data.get("coach")
        return int(value) if value else None


class DashboardFilterForm(_ProgrammeFilterForm):
    training = forms.ChoiceField(
        required=False,
        label="Training",
        choices=[
            ("", "With and without the training"),
            ("after", "Took the training first"),
            ("without", "Did not take the training"),
        ],
        error_messages={"invalid_choice": "Choose whether they took the training from the list."},
    )

    def __init__(self, data: Any, *, options: FilterOptions) -> None:
        super().__init__(data, options=options)
        if not options.training:
            del self.fields["training"]

    def filters(self) -> Filters:
        """The filters asked for; call after ``is_valid()``."""
        training = self.cleaned_data.get("training") or ""
        return Filters(training=TRAINING.get(training), cohort=self._cohort(), coach=self._coach())


class EngagementListForm(_ProgrammeFilterForm):
    status = forms.ChoiceField(
        required=False,
        label="Status",
        choices=[("", "Any status"), *Engagement.Status.choices],
        error_messages={"invalid_choice": "Choose a status from the list."},
    )
    stalled = forms.BooleanField(required=False, label="Stalled only")

    field_order = ["status", "cohort", "coach", "stalled"]

    def filters(self) -> ListFilters:
        return ListFilters(
            status=self.cleaned_data.get("status") or None,
            cohort=self._cohort(),
            coach=self._coach(),
            stalled=bool(self.cleaned_data.get("stalled")),
        )
