from __future__ import annotations

import datetime as dt

from django import forms
from django.utils import timezone

from tandem.core.forms import DateInput
from tandem.feedback import library
from tandem.feedback.models import FeedbackCycle, RaterGroup


class CycleForm(forms.Form):
    kind = forms.ChoiceField(choices=FeedbackCycle.Kind.choices)
    closes_on = forms.DateField(label="Raters answer by", widget=DateInput)
    competency_keys = forms.MultipleChoiceField(
        label="Competencies to ask about",
        choices=[(c.key, c.name) for c in library.LIBRARY],
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text="The coaching targets are always asked. A midpoint pulse asks only those.",
    )
    manager_shown_alone = forms.BooleanField(
        required=False,
        label="Show the manager's answers on their own",
        help_text="Their invitation will say so. Otherwise, or when two or more managers answer, "
        "the managers count like any group (at least three, or among 'Others').",
    )

    reminder_days = forms.CharField(
        label="Remind raters who have not answered",
        required=False,
        initial="3, 1",
        help_text="Days before the deadline, e.g. “3, 1”. Empty: no reminders (you can still "
        "remind them from the 360's page). Those who answered are never reminded.",
    )

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["closes_on"].initial = timezone.localdate() + dt.timedelta(days=14)

    def clean_reminder_days(self) -> list[int]:
        from tandem.feedback.services import reminder_days_problem

        raw = self.cleaned_data.get("reminder_days") or ""
        parts = [p for p in raw.replace(";", ",").replace(" ", ",").split(",") if p]
        if not all(p.isdigit() for p in parts):
            raise forms.ValidationError(
                "Write whole numbers of days separated by commas, such as “3, 1”."
            )
        days = sorted({int(p) for p in parts}, reverse=True)
        problem = reminder_days_problem(days)
        if problem:
            raise forms.ValidationError(problem)
        return days


class NominateForm(forms.Form):
    # Shown in one row, so each field names itself (placeholder and an accessible label).
    # The errors show under the row, so each says which field it is about.
    name = forms.CharField(
        max_length=150,
        widget=forms.TextInput(attrs={"placeholder": "Name", "aria-label": "Rater's name"}),
        error_messages={"required": "Name: give the rater's name, so the coach knows who."},
    )
    email = forms.EmailField(
        widget=forms.EmailInput(attrs={"placeholder": "Email", "aria-label": "Rater's email"}),
        error_messages={
            "required": "Email: give the rater's email address; their link goes there.",
            "invalid": "Email: that is not an email address. Check it for typos.",
        },
    )
    group = forms.ChoiceField(
        choices=[("", "How they work together…")]
        + [c for c in RaterGroup.choices if c[0] != RaterGroup.SELF],
        widget=forms.Select(attrs={"aria-label": "How they work with the coachee"}),
        error_messages={
            "required": "Group: choose manager, peer, direct report, stakeholder or other.",
            "invalid_choice": "Group: choose manager, peer, direct report, stakeholder or other.",
        },
    )


class DeadlineForm(forms.Form):
    closes_on = forms.DateField(label="Raters answer by", widget=DateInput)
