"""The coach sets when raters who have not answered are reminded, on the set-up form."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tandem.feedback import services
from tandem.feedback.models import FeedbackCycle

pytestmark = pytest.mark.django_db


def _form(**extra: str) -> dict[str, str]:
    closes = timezone.localdate() + dt.timedelta(days=14)
    return {
        "kind": "baseline",
        "closes_on": closes.isoformat(),
        "competency_keys": "delegation",
        **extra,
    }


def test_the_set_up_form_takes_reminder_days(engagement, coach):
    client = Client()
    client.force_login(coach)
    url = reverse("cycle_new", args=[engagement.pk])
    assert 'value="3, 1"' in client.get(url).content.decode()
    response = client.post(url, _form(reminder_days="5, 2, 5"))
    assert response.status_code == 302
    cycle = FeedbackCycle.objects.get()
    assert cycle.reminder_days == [5, 2]
    page = client.get(reverse("cycle_detail", args=[cycle.pk])).content.decode()
    assert "reminded 5 and 2 days before the deadline" in page


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("3, soon", "whole numbers of days"),
        ("0", "1 to 30 days"),
        ("40", "1 to 30 days"),
        ("1, 2, 3, 4, 5", "4 times at most"),
    ],
)
def test_bad_reminder_days_say_what_to_write(engagement, coach, value, message):
    client = Client()
    client.force_login(coach)
    response = client.post(reverse("cycle_new", args=[engagement.pk]), _form(reminder_days=value))
    assert response.status_code == 422
    assert message in response.content.decode()
    assert not FeedbackCycle.objects.exists()


def test_no_reminders_when_left_empty(engagement, coach):
    client = Client()
    client.force_login(coach)
    client.post(reverse("cycle_new", args=[engagement.pk]), _form(reminder_days=""))
    assert FeedbackCycle.objects.get().reminder_days == []


def test_the_service_checks_reminder_days_too(engagement, coach):
    with pytest.raises(ValidationError, match="1 to 30 days"):
        services.cycle_create(
            actor=coach,
            engagement=engagement,
            kind="baseline",
            closes_on=timezone.localdate() + dt.timedelta(days=9),
            competency_keys=["delegation"],
            reminder_days=[0],
        )
