from django import forms

from tandem.accounts.models import Membership


class AddPersonForm(forms.Form):
    full_name = forms.CharField(label="Name", max_length=150, required=False)
    email = forms.EmailField()
    role = forms.ChoiceField(choices=Membership.Role.choices, initial=Membership.Role.MEMBER)


class RoleForm(forms.Form):
    role = forms.ChoiceField(choices=Membership.Role.choices)


def _zone_choices() -> list[tuple[str, str]]:
    from django.conf import settings

    from tandem.accounts.models import time_zone_names

    zones = sorted(z for z in time_zone_names() if "/" in z and not z.startswith("Etc/"))
    return [("", f"The site's ({settings.TIME_ZONE})"), *((z, z.replace("_", " ")) for z in zones)]


class AccountForm(forms.Form):
    full_name = forms.CharField(label="Your name", max_length=150)
    time_zone = forms.ChoiceField(
        label="Time zone",
        required=False,
        help_text="Session times, reminders and calendar entries follow it.",
    )

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["time_zone"].choices = _zone_choices()  # type: ignore[attr-defined]


class PersonForm(forms.Form):
    """An admin corrects a member's name and (where allowed) their address."""

    full_name = forms.CharField(label="Name", max_length=150)
    email = forms.EmailField(label="Email")
