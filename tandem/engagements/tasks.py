"""Emails about the contract, through the django-tasks API (immediate in development).

They say what happened and link to the engagement page; what the targets say stays in the
app, behind the access policy, so nothing of the contract travels by email."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import send_mail
from django.urls import reverse
from django_tasks import task

from tandem.engagements.models import Engagement

SUBMITTED, SIGNED_OFF, CHANGES_REQUESTED = "submitted", "signed_off", "changes_requested"


@task()
def send_contract_email(engagement_id: str, event: str) -> None:
    engagement = (
        Engagement.objects.filter(pk=engagement_id)
        .select_related("coach", "coachee", "sponsor")
        .first()
    )
    if engagement is None or engagement.sponsor is None:
        return
    url = (
        settings.SITE_URL.rstrip("/")
        + reverse("engagement_detail", args=[engagement.pk])
        + "#contract"
    )
    coachee, coach, sponsor = engagement.coachee, engagement.coach, engagement.sponsor
    if event == SUBMITTED:
        recipients = [sponsor.email]
        subject = f"{coachee.full_name}'s coaching targets are ready for your sign-off"
        body = (
            f"Hello {sponsor.get_short_name()},\n\n{coachee.full_name} and {coach.full_name} "
            "have agreed the behaviours to work on in coaching and ask you to sign them off. "
            "Read them, then sign them off or send them back with what you would change:\n\n"
            f"{url}\n"
        )
    elif event in {SIGNED_OFF, CHANGES_REQUESTED}:
        recipients = [coachee.email, coach.email]
        done = "signed off" if event == SIGNED_OFF else "asked for changes to"
        subject = f"{sponsor.full_name} {done} the coaching targets"
        body = (
            f"Hello,\n\n{sponsor.full_name} {done} the targets of {engagement.display_title}."
            f"{' Their note is on the engagement page.' if event == CHANGES_REQUESTED else ''}"
            f"\n\n{url}\n"
        )
    else:
        raise ValueError(f"Not a contract event: {event}")
    send_mail(subject=subject, message=body, from_email=None, recipient_list=recipients)
