from __future__ import annotations

import uuid
from typing import Any

from django import forms

from tandem.action_items.models import ActionItem, CheckIn
from tandem.core.forms import LONG_TEXT_MAX, DateInput, VersionField
from tandem.engagements.models import BehaviouralTarget, Engagement


class ActionForm(forms.Form):
    title = forms.CharField(
        label="Action",
        max_length=500,
        widget=forms.TextInput(attrs={"placeholder": "A concrete next step"}),
    )
    owner = forms.ChoiceField(label="Who")
    due_date = forms.DateField(label="By", required=False, widget=DateInput)
    topic = forms.UUIDField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, engagement: Engagement, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.engagement = engagement
        self.fields["owner"].choices = [  # type: ignore[attr-defined]
            (str(engagement.coachee_id), str(engagement.coachee)),
            (str(engagement.coach_id), str(engagement.coach)),
        ]
        self.fields["owner"].initial = str(engagement.coachee_id)

    def owner_user(self) -> Any:
        owner_id = self.cleaned_data["owner"]
        return next(
            u for u in (self.engagement.coachee, self.engagement.coach) if str(u.pk) == owner_id
        )


class ActionUpdateForm(forms.Form):
    title = forms.CharField(
        label="Action",
        max_length=500,
        error_messages={"required": "Say what the action is: a concrete next step."},
    )
    due_date = forms.DateField(label="By", required=False, widget=DateInput)
    evidence = forms.CharField(
        label="Evidence / progress",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    status = forms.ChoiceField(choices=ActionItem.Status.choices)
    version = VersionField()


class CheckInForm(forms.Form):
    outcome = forms.ChoiceField(choices=CheckIn.Outcome.choices, widget=forms.RadioSelect)
    what_happened = forms.CharField(
        label="What happened", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    learned = forms.CharField(
        label="What I learned", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class ReflectionForm(forms.Form):
    target = forms.ModelChoiceField(
        queryset=BehaviouralTarget.objects.none(), required=False, label="Linked target"
    )
    situation = forms.CharField(max_length=LONG_TEXT_MAX, widget=forms.Textarea(attrs={"rows": 2}))
    what_i_did = forms.CharField(
        label="What I did", max_length=LONG_TEXT_MAX, widget=forms.Textarea(attrs={"rows": 2})
    )
    what_happened = forms.CharField(
        label="What happened", max_length=LONG_TEXT_MAX, widget=forms.Textarea(attrs={"rows": 2})
    )
    what_i_learned = forms.CharField(
        label="What I learned", max_length=LONG_TEXT_MAX, widget=forms.Textarea(attrs={"rows": 2})
    )
    share_with_coach = forms.BooleanField(
        required=False,
        label="Share with my coach",
        help_text="Otherwise only you can read it.",
    )
    version = VersionField()
    # A new one with every blank form: sending the same form twice makes one reflection.
    form_token = forms.UUIDField(widget=forms.HiddenInput, required=False, initial=uuid.uuid4)

    def __init__(self, *args: Any, engagement: Engagement, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["share_with_coach"].label = f"Share with {engagement.coach.get_short_name()}"
        if engagement.is_coaching:
            self.fields["target"].queryset = engagement.targets.all()  # type: ignore[attr-defined]
        else:  # a 1:1 series has no contract to link to
            del self.fields["target"]
