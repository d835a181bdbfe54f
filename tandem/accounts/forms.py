from django import forms

from tandem.accounts.areas import Area
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


class CoachProfileForm(forms.Form):
    bio = forms.CharField(
        label="About you as a coach",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text="What coachees read before choosing you: your background, how you work, "
        "who you work best with.",
    )
    areas = forms.MultipleChoiceField(
        label="Areas you coach",
        choices=Area.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    languages = forms.CharField(
        label="Languages you coach in",
        max_length=200,
        help_text="Separated by commas, e.g. English, German.",
    )
    capacity = forms.IntegerField(
        label="Engagements at most at one time",
        min_value=0,
        max_value=60,
        help_text="Counted over every organisation you coach in. At capacity, you are not "
        "proposed to new coachees.",
    )

    def clean_languages(self) -> list[str]:
        raw = self.cleaned_data["languages"]
        seen: dict[str, str] = {}
        for part in raw.replace(";", ",").split(","):
            name = " ".join(part.split())
            if name:
                seen.setdefault(name.casefold(), name[:1].upper() + name[1:])
        if not seen:
            raise forms.ValidationError("Name at least one language you coach in.")
        if any(len(n) > 40 for n in seen.values()):
            raise forms.ValidationError("Separate languages with commas.")
        return list(seen.values())


class PracticeForm(forms.Form):
    practice_name = forms.CharField(
        label="Your practice's name", max_length=200, help_text="As your clients know it."
    )


class SignUpForm(PracticeForm):
    full_name = forms.CharField(label="Your name", max_length=150)
    email = forms.EmailField()
    password1 = forms.CharField(
        label="Password", widget=forms.PasswordInput, help_text="At least 12 characters."
    )
    password2 = forms.CharField(label="The password again", widget=forms.PasswordInput)

    field_order = ["full_name", "email", "password1", "password2", "practice_name"]

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        if data.get("password1") and data.get("password1") != data.get("password2"):
            self.add_error("password2", "The two passwords differ.")
        return data


class PersonForm(forms.Form):
    """An admin corrects a member's name and (where allowed) their address."""

    full_name = forms.CharField(label="Name", max_length=150)
    email = forms.EmailField(label="Email")


class AccessTokenForm(forms.Form):
    name = forms.CharField(
        label="Name",
        max_length=100,
        help_text="What it is for, so you know it again (“HR sync”, say).",
    )
    scope = forms.ChoiceField(
        label="It may",
        choices=[("read", "Read only"), ("write", "Read and write")],
        initial="read",
    )
    days = forms.TypedChoiceField(
        label="Lives for",
        coerce=int,
        choices=[(7, "7 days"), (30, "30 days"), (90, "90 days"), (365, "a year")],
        initial=30,
    )


class OrganisationSecurityForm(forms.Form):
    """An organisation's sign-in rules: MFA for everyone, and its own single sign-on."""

    require_mfa = forms.BooleanField(
        label="Require two-factor authentication for everyone in the organisation",
        required=False,
        help_text="Members without an authenticator app or passkey are sent to set one up "
        "right after signing in.",
    )
    server_url = forms.URLField(
        label="OpenID Connect provider (issuer) address",
        required=False,
        max_length=300,
        assume_scheme="https",
        help_text="E.g. https://login.microsoftonline.com/<tenant>/v2.0 or "
        "https://accounts.google.com. Leave empty to turn single sign-on off.",
    )
    client_id = forms.CharField(label="Client ID", required=False, max_length=191)
    secret = forms.CharField(
        label="Client secret",
        required=False,
        max_length=191,
        widget=forms.PasswordInput(render_value=False),
        help_text="Stored, never shown again. Leave empty to keep the one saved.",
    )
    domains = forms.CharField(
        label="Email domains that join through single sign-on",
        required=False,
        max_length=500,
        help_text="Separated by commas, e.g. contoso.com. Someone new with an address at one "
        "of them joins on first sign-in; nobody else joins by domain.",
    )


class SsoStartForm(forms.Form):
    email = forms.EmailField(label="Your work email")
