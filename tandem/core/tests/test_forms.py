"""Shared form widgets."""

from __future__ import annotations

import datetime as dt

from django import forms

from tandem.core.forms import DateInput


class _Form(forms.Form):
    day = forms.DateField(widget=DateInput, initial=dt.date(2026, 12, 6))


def test_a_date_picker_shows_its_initial_value_in_iso_whatever_the_locale(settings):
    # en-GB formats dates as 06/12/2026; a browser's <input type="date"> drops that value,
    # so a form with a default date would be sent back empty.
    assert settings.LANGUAGE_CODE == "en-gb"
    html = str(_Form()["day"])
    assert 'type="date"' in html and 'value="2026-12-06"' in html
    assert _Form(data={"day": "2026-12-06"}).is_valid()
