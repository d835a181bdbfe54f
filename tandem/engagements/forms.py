from __future__ import annotations

from typing import Any

from django import forms

from tandem.accounts.models import Organisation, Programme, User
from tandem.core.forms import DateInput, VersionField
from tandem.engagements.models import BehaviouralTarget, Engagement
from tandem.engagements.services import TARGET_FIELDS
from tandem.engagements.wording import rater_wording
from tandem.feedback import library


class EngagementCreateForm(forms.Form):
    organisation = forms.ModelChoiceField(queryset=Organisation.objects.none())
    kind = forms.ChoiceField(choices=Engagement.Kind.choices)
    title = forms.CharField(max_length=200, required=False)
    coach = forms.ModelChoiceField(queryset=User.objects.none())
    coachee = forms.ModelChoiceField(queryset=User.objects.none())
    sponsor = forms.ModelChoiceField(
        queryset=User.objects.none(),
        required=False,
        help_text="The coachee's supervisor. Coaching engagements only.",
    )
    programme = forms.ModelChoiceField(queryset=Programme.objects.none(), required=False)
    start_date = forms.DateField(widget=DateInput)
    end_date = forms.DateField(
        widget=DateInput, required=False, help_text="3 to 6 months on, for coaching."
    )
    cadence_days = forms.IntegerField(initial=14, min_value=7, max_value=35)
    session_minutes = forms.IntegerField(initial=60, min_value=15, max_value=120)
    planned_sessions = forms.IntegerField(initial=8, min_value=1, max_value=52)

    def __init__(self, *args: Any, organisations: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        people = User.objects.filter(
            memberships__organisation__in=organisations, memberships__is_active=True
        ).distinct()
        self.fields["organisation"].queryset = organisations  # type: ignore[attr-defined]
        for name in ("coach", "coachee", "sponsor"):
            self.fields[name].queryset = people  # type: ignore[attr-defined]
        self.fields["programme"].queryset = Programme.objects.filter(  # type: ignore[attr-defined]
            organisation__in=organisations
        )


class EngagementEditForm(forms.ModelForm[Engagement]):
    version = VersionField()

    class Meta:
        model = Engagement
        fields = [
            "title",
            "programme",
            "start_date",
            "end_date",
            "cadence_days",
            "session_minutes",
            "planned_sessions",
        ]
        widgets = {"start_date": DateInput, "end_date": DateInput}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        org = self.instance.organisation
        self.fields["programme"].queryset = org.programmes.filter(  # type: ignore[attr-defined]
            archived_at__isnull=True
        )
        self.fields["programme"].required = True
        self.fields["programme"].empty_label = None  # type: ignore[attr-defined]
        self.fields["version"].initial = self.instance.version
        if self.instance.is_one_on_one:  # a manager's series: no HR programme
            del self.fields["programme"]

    def _post_clean(self) -> None:
        # Business rules are the service's job (it re-reads the row under a lock).
        pass


class StatusForm(forms.Form):
    status = forms.ChoiceField(
        choices=Engagement.Status.choices,
        error_messages={"required": "Choose the status to move the engagement to."},
    )


class TargetForm(forms.ModelForm[BehaviouralTarget]):
    baseline_item = forms.ChoiceField(
        label=BehaviouralTarget._meta.get_field("baseline_item").verbose_name.capitalize(),
        help_text=BehaviouralTarget._meta.get_field("baseline_item").help_text,
        choices=[("", "None of these"), *library.ITEM_CHOICES],
        required=False,
    )

    version = VersionField()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["version"].initial = self.instance.version
        if self.instance.pk and not self.instance.rater_wording:
            suggestion = rater_wording(self.instance.behaviour)
            self.fields["rater_wording"].widget.attrs["placeholder"] = suggestion

    class Meta:
        model = BehaviouralTarget
        fields = list(TARGET_FIELDS)
        widgets = {
            "why_it_matters": forms.Textarea(attrs={"rows": 2}),
            "success_indicators": forms.Textarea(attrs={"rows": 2}),
        }
