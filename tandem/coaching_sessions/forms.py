from __future__ import annotations

from typing import Any

from django import forms

from tandem.coaching_sessions.grow_merge import NOTES, basis_parse, notes_digest
from tandem.core.forms import DateTimeInput, VersionField


class OverlapWarningForm(forms.Form):
    """A time that overlaps another of the coach's sessions is saved only once the coach
    ticks "Plan anyway": the box appears with the warning (the service raises it on
    ``allow_overlap``), and is a hidden "no" until then."""

    allow_overlap = forms.BooleanField(
        label="Plan anyway", required=False, widget=forms.HiddenInput
    )

    def add_error(self, field: str | None, error: Any) -> None:
        if field == "allow_overlap":
            self.fields["allow_overlap"].widget = forms.CheckboxInput()
        super().add_error(field, error)


class PlanSessionsForm(OverlapWarningForm):
    first_at = forms.DateTimeField(label="First session", widget=DateTimeInput)
    count = forms.IntegerField(label="How many", min_value=1, max_value=12, initial=6)
    cadence_days = forms.IntegerField(label="Every (days)", min_value=7, max_value=35)
    duration_minutes = forms.IntegerField(label="Minutes", min_value=15, max_value=180)

    field_order = ["first_at", "count", "cadence_days", "duration_minutes", "allow_overlap"]


class RescheduleForm(OverlapWarningForm):
    scheduled_at = forms.DateTimeField(label="Date and time", widget=DateTimeInput)
    duration_minutes = forms.IntegerField(label="Minutes", min_value=15, max_value=180)
    version = VersionField()

    field_order = ["scheduled_at", "duration_minutes", "allow_overlap", "version"]


class MarkForm(forms.Form):
    status = forms.ChoiceField(choices=[("cancelled", "Cancelled"), ("no_show", "No-show")])


class TopicForm(forms.Form):
    title = forms.CharField(
        label="Topic",
        max_length=300,
        widget=forms.TextInput(attrs={"placeholder": "What do you want to work on?"}),
    )


class GrowForm(forms.Form):
    goal = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="What do you want from this conversation?",
    )
    reality = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="What is happening now? What have you tried?",
    )
    will = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="What will you do, and when?",
    )
    version = VersionField()
    # A digest of each note as the page showed it, so the server can tell which notes this
    # person changed: untouched ones never overwrite what someone else saved meanwhile, and
    # edits to different notes merge.
    basis = forms.CharField(required=False, widget=forms.HiddenInput)

    NOTES = NOTES

    @staticmethod
    def digest(goal: str, reality: str, will: str) -> str:
        return notes_digest(goal, reality, will)

    def basis_digests(self) -> dict[str, str]:
        return basis_parse(self.cleaned_data.get("basis") or "")

    def notes(self) -> dict[str, str]:
        return {note: self.cleaned_data[note] for note in NOTES}


class OptionForm(forms.Form):
    description = forms.CharField(
        label="Option",
        max_length=500,
        widget=forms.TextInput(attrs={"placeholder": "Another option…"}),
    )
    pros = forms.CharField(
        required=False, max_length=500, widget=forms.TextInput(attrs={"placeholder": "Pros"})
    )
    cons = forms.CharField(
        required=False, max_length=500, widget=forms.TextInput(attrs={"placeholder": "Cons"})
    )


class CommitForm(forms.Form):
    rating = forms.IntegerField(
        label="Commitment (1–10)",
        min_value=1,
        max_value=10,
        widget=forms.NumberInput(attrs={"min": 1, "max": 10}),
        error_messages={
            "required": "Rate your commitment from 1 to 10.",
            "min_value": "Rate your commitment from 1 to 10.",
            "max_value": "Rate your commitment from 1 to 10.",
        },
    )


class RevisitForm(forms.Form):
    goal = forms.CharField(label="Revised goal", widget=forms.Textarea(attrs={"rows": 2}))
    version = VersionField()


class CloseForm(forms.Form):
    summary = forms.CharField(
        label="Shared summary",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Both of you see this: what you explored, what was agreed.",
    )
    no_action = forms.BooleanField(label="No action this time", required=False)
    no_action_reason = forms.CharField(
        label="Why no action",
        required=False,
        max_length=500,
        widget=forms.TextInput(attrs={"placeholder": "Why not (needed with no action)"}),
    )
    version = VersionField()


class SummaryForm(forms.Form):
    summary = forms.CharField(
        label="Shared summary", required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    version = VersionField()


class PrivateNoteForm(forms.Form):
    body = forms.CharField(
        label="Private note",
        required=False,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text="Only you can read this — nobody else in the engagement, and not HR.",
    )
    version = VersionField()
