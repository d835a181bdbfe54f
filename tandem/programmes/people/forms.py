from __future__ import annotations

from django import forms

from tandem.accounts.models import ProgrammeMember
from tandem.programmes.people.csv_file import (
    MAX_BYTES,
    CsvFileError,
    decode,
    normalise,
    too_big_message,
)

TRAINING_CHOICES = [("", "Not known"), ("yes", "Yes"), ("no", "No")]


def training_value(choice: str) -> bool | None:
    return {"yes": True, "no": False}.get(choice)


def training_choice(value: bool | None) -> str:
    return "" if value is None else ("yes" if value else "no")


class AddToProgrammeForm(forms.Form):
    full_name = forms.CharField(
        label="Name",
        max_length=150,
        required=False,
        help_text="Needed for someone new to the organisation.",
    )
    email = forms.EmailField(label="Email")
    role = forms.ChoiceField(choices=ProgrammeMember.Role.choices, label="Role in the programme")
    sponsor_email = forms.EmailField(
        label="Sponsor's email",
        required=False,
        help_text="Coachees only: the leader's supervisor, already in the organisation.",
    )
    cohort = forms.CharField(max_length=100, required=False, help_text="Coachees only.")
    training = forms.ChoiceField(
        label="Took the programme's training",
        choices=TRAINING_CHOICES,
        required=False,
        help_text="Coachees only.",
    )


class CoacheeDetailsForm(forms.Form):
    member = forms.UUIDField(widget=forms.HiddenInput)
    sponsor_email = forms.EmailField(label="Sponsor's email", required=False)
    cohort = forms.CharField(max_length=100, required=False)
    training = forms.ChoiceField(
        label="Took the training", choices=TRAINING_CHOICES, required=False
    )


class UploadForm(forms.Form):
    file = forms.FileField(
        label="CSV file",
        help_text="Columns name, email, role (coachee, coach or sponsor); optional "
        "sponsor_email, cohort, training (yes/no). Up to 1 MB and 2,000 rows.",
    )

    def clean_file(self) -> str:
        """The file's text; a file that is not a readable CSV says why."""
        upload = self.cleaned_data["file"]
        if upload.size > MAX_BYTES:
            raise forms.ValidationError(too_big_message(upload.size))
        try:
            return decode(upload.read())
        except CsvFileError as exc:
            raise forms.ValidationError(str(exc)) from exc


class TextForm(forms.Form):
    """The CSV as text: corrected on the preview page, and carried to the confirmation."""

    text = forms.CharField(
        label="The file's text",
        strip=False,
        widget=forms.Textarea(attrs={"rows": 12, "spellcheck": "false", "wrap": "off"}),
        help_text="Correct a line here and check again, or upload a corrected file.",
    )

    def clean_text(self) -> str:
        text = normalise(self.cleaned_data["text"])
        size = len(text.encode("utf-8"))
        if size > MAX_BYTES:
            raise forms.ValidationError(too_big_message(size))
        return text


class ConfirmForm(forms.Form):
    text = forms.CharField(strip=False, widget=forms.HiddenInput)
    fingerprint = forms.CharField(max_length=64, widget=forms.HiddenInput)
    skip_errors = forms.BooleanField(required=False)
