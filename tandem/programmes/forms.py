from __future__ import annotations

from typing import Any

from django import forms

from tandem.accounts.areas import Area
from tandem.accounts.models import Organisation, Programme, User
from tandem.core.forms import DateInput
from tandem.programmes.services import PROGRAMME_FIELDS


class ProgrammeForm(forms.ModelForm[Programme]):
    organisation = forms.ModelChoiceField(queryset=Organisation.objects.none(), required=False)

    class Meta:
        model = Programme
        fields = list(PROGRAMME_FIELDS)
        widgets = {
            "start_date": DateInput,
            "end_date": DateInput,
            "description": forms.Textarea(attrs={"rows": 3}),
        }
        error_messages = {
            "default_planned_sessions": {
                "min_value": "A coaching engagement has 6 to 12 sessions.",
                "max_value": "A coaching engagement has 6 to 12 sessions.",
            },
            "default_cadence_days": {
                "min_value": "Sessions are 7 to 35 days apart.",
                "max_value": "Sessions are 7 to 35 days apart.",
            },
            "default_session_minutes": {
                "min_value": "Coaching sessions last 60 to 90 minutes.",
                "max_value": "Coaching sessions last 60 to 90 minutes.",
            },
            "default_length_days": {
                "min_value": "A coaching engagement runs 3 to 6 months: 84 to 186 days.",
                "max_value": "A coaching engagement runs 3 to 6 months: 84 to 186 days.",
            },
            "name": {"required": "Name the programme, as people will know it."},
        }

    def __init__(self, *args: Any, organisations: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if organisations is None or not self.instance._state.adding:
            del self.fields["organisation"]
        else:
            self.fields["organisation"].queryset = organisations  # type: ignore[attr-defined]
            self.fields["organisation"].required = True
            self.fields["organisation"].empty_label = None  # type: ignore[attr-defined]
            self.order_fields(["organisation", *PROGRAMME_FIELDS])

    def _post_clean(self) -> None:
        pass  # the service validates, with the organisation it belongs to


class MatchFilterForm(forms.Form):
    area = forms.ChoiceField(choices=[("", "Any area"), *Area.choices], required=False)
    language = forms.CharField(max_length=40, required=False)


class ProposeForm(forms.Form):
    coaches = forms.ModelMultipleChoiceField(
        queryset=User.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Tick two or three coaches to propose."},
    )
    note = forms.CharField(
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Shown to the coachee with the profiles (optional).",
    )

    def __init__(self, *args: Any, coaches: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["coaches"].queryset = coaches  # type: ignore[attr-defined]


class AssignForm(forms.Form):
    coach = forms.ModelChoiceField(
        queryset=User.objects.none(), error_messages={"required": "Choose the coach."}
    )
    start_date = forms.DateField(widget=DateInput, required=False, help_text="Today if empty.")

    def __init__(self, *args: Any, coaches: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["coach"].queryset = coaches  # type: ignore[attr-defined]


class StartForm(forms.Form):
    """A coaching engagement in a programme, shaped by its defaults."""

    coach = forms.ModelChoiceField(queryset=User.objects.none())
    coachee = forms.ModelChoiceField(
        queryset=User.objects.none(),
        required=False,
        help_text="Someone in the organisation already…",
    )
    new_coachee_name = forms.CharField(
        label="…or invite someone new: name", max_length=150, required=False
    )
    new_coachee_email = forms.EmailField(
        label="Their email",
        required=False,
        help_text="They get an email to choose a password, and join the organisation.",
    )
    sponsor = forms.ModelChoiceField(
        queryset=User.objects.none(),
        required=False,
        help_text="The coachee's supervisor, who signs off the targets (optional).",
    )
    title = forms.CharField(max_length=200, required=False)
    start_date = forms.DateField(widget=DateInput)
    end_date = forms.DateField(widget=DateInput, help_text="3 to 6 months on.")
    planned_sessions = forms.IntegerField(min_value=6, max_value=12)
    cadence_days = forms.IntegerField(label="Every (days)", min_value=7, max_value=35)
    session_minutes = forms.IntegerField(label="Minutes per session", min_value=60, max_value=90)

    def __init__(
        self, *args: Any, people: Any, coaches: Any, can_invite: bool, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["coach"].queryset = coaches  # type: ignore[attr-defined]
        self.fields["coachee"].queryset = people  # type: ignore[attr-defined]
        self.fields["sponsor"].queryset = people  # type: ignore[attr-defined]
        if not can_invite:
            del self.fields["new_coachee_name"]
            del self.fields["new_coachee_email"]
            self.fields["coachee"].required = True
            self.fields["coachee"].help_text = ""

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        new_email = data.get("new_coachee_email")
        if "new_coachee_email" not in self.fields:
            return data
        if data.get("coachee") and (new_email or data.get("new_coachee_name")):
            raise forms.ValidationError(
                "Choose someone already here, or invite someone new — not both."
            )
        if not data.get("coachee") and not new_email:
            self.add_error("coachee", "Choose the coachee, or invite someone new below.")
        if new_email and not (data.get("new_coachee_name") or "").strip():
            self.add_error("new_coachee_name", "Give the new coachee's name.")
        return data
