from __future__ import annotations

from django import forms


class EraseForm(forms.Form):
    confirm = forms.CharField(
        label="Type their email address to confirm",
        max_length=254,
        help_text="This cannot be undone, and no backup brings it back into Tandem by itself.",
    )
