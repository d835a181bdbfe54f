"""Background work for 360s, through the django-tasks API (immediate in development)."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import send_mail
from django.urls import reverse
from django_tasks import task

from tandem.feedback.models import Invitation, RaterGroup


@task()
def send_rater_email(invitation_id: str, reminder: bool) -> None:
    """Email a rater their one-time link. Only the invitation id travels through the queue;
    the link is read from the (encrypted) invitation, so the task table holds no token."""
    # A first invitation goes out even to someone who answered before being removed and
    # proposed again: their link then only thanks them, and nobody learns who had answered.
    found = Invitation.objects.filter(pk=invitation_id)
    if reminder:
        found = found.filter(completed=False)
    invitation = found.select_related("cycle__engagement__coachee").first()
    if invitation is None or not invitation.token:
        return
    cycle = invitation.cycle
    coachee = cycle.engagement.coachee
    url = settings.SITE_URL.rstrip("/") + reverse("rater_answer", args=[invitation.token])
    shown = (
        "Your answers will be shown on their own, labelled 'Manager'."
        if invitation.group == RaterGroup.MANAGER and cycle.manager_shown_alone
        else "Answers are shown only as averages of at least three people; nobody sees yours."
    )
    subject = (
        f"Reminder: feedback for {coachee.full_name}"
        if reminder
        else f"{coachee.full_name} asks for your feedback"
    )
    send_mail(
        subject=subject,
        message=(
            f"Hello {invitation.name},\n\n{coachee.full_name} is working with a coach on their "
            "leadership and would value your honest view. It takes about 10 minutes; you can "
            f"save and come back.\n\n{url}\n\nPlease answer by {cycle.closes_on:%d %B %Y}. "
            f"{shown}\nThe link is yours alone and works once: please do not forward it.\n"
        ),
        from_email=None,
        recipient_list=[invitation.email],
    )
