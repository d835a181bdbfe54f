from __future__ import annotations

from django import forms


class EraseForm(forms.Form):
    confirm = forms.CharField(
        label="Type their email address to confirm",
        max_length=254,
        help_text="This cannot be undone, and no backup brings it back into Tandem by itself.",
    )


class RetentionForm(forms.Form):
    months_after_close = forms.IntegerField(
        label="Keep confidential content for (months after an engagement ends)",
        required=False,
        min_value=1,
        max_value=120,
        help_text="Empty keeps it until someone erases it. 12 is common: long enough for a "
        "follow-up, short enough to hold nothing stale.",
    )
