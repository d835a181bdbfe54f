"""360 feedback: the coachee nominates, the coach approves, raters are invited and reminded,
the report is released.

A rater's one-time link goes into the email only (``Message.secret_link``), never into the
stored notification. A reminder to someone who answered meanwhile is not sent, and leaves no
trace (see ``delivery``): nothing tells anyone who has answered."""

from __future__ import annotations

from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from tandem.feedback.models import FeedbackCycle, Invitation, RaterGroup
from tandem.notifications.kinds import Kind
from tandem.notifications.messages import Message, builds, day
from tandem.notifications.models import Notification

CycleStatus = FeedbackCycle.Status


def _cycle(notification: Notification) -> FeedbackCycle | None:
    if notification.about is None:
        return None
    return (
        FeedbackCycle.objects.filter(pk=notification.about)
        .select_related("engagement__coach", "engagement__coachee")
        .first()
    )


@builds(Kind.NOMINATE_RATERS)
def nominate_raters(notification: Notification) -> Message | None:
    cycle = _cycle(notification)
    if cycle is None or cycle.status != CycleStatus.DRAFT:
        return None  # opened already (or gone): nothing to nominate for
    if notification.recipient_id != cycle.engagement.coachee_id:
        return None
    coach = cycle.engagement.coach.full_name
    return Message(
        subject=f"Nominate your raters for the {cycle.get_kind_display().lower()}",
        body=(
            f"{coach} set up your {cycle.get_kind_display().lower()}. Propose the people "
            "whose view you value — your manager, peers, direct reports, stakeholders; at "
            "least three in a group, so nobody can be singled out. Your coach approves them "
            f"before anyone is asked. Raters answer by {day(cycle.closes_on)}."
        ),
        link=reverse("cycle_detail", args=[cycle.pk]),
    )


@builds(Kind.REPORT_RELEASED)
def report_released(notification: Notification) -> Message | None:
    cycle = _cycle(notification)
    if cycle is None or cycle.status != CycleStatus.RELEASED:
        return None
    coach = cycle.engagement.coach.full_name
    return Message(
        subject=f"Your {cycle.get_kind_display().lower()} report is ready",
        body=(
            f"{coach} released your {cycle.get_kind_display().lower()} report. Read it in "
            "Tandem (it is yours and your coach's only):"
        ),
        link=reverse("cycle_report", args=[cycle.pk]),
    )


@builds(Kind.RATERS_WAITING)
def raters_waiting(notification: Notification) -> Message | None:
    """At most once a day per cycle: how many raters wait for the coach's approval."""
    cycle = _cycle(notification)
    if cycle is None or cycle.status not in {CycleStatus.DRAFT, CycleStatus.OPEN}:
        return None
    if notification.recipient_id != cycle.engagement.coach_id:
        return None
    waiting = cycle.invitations.filter(status=Invitation.Status.PROPOSED).count()
    if not waiting:
        return None  # approved or declined meanwhile
    coachee = cycle.engagement.coachee.full_name
    raters = f"{waiting} rater{'s' if waiting > 1 else ''}"
    return Message(
        subject=f"{raters} for {coachee}'s 360 waiting for your approval",
        body=(
            f"{coachee} proposed raters for the {cycle.get_kind_display().lower()}: {raters} "
            "now wait for you to approve or decline them. Nobody is asked until you approve."
        ),
        link=reverse("cycle_detail", args=[cycle.pk]),
    )


def _invitation(notification: Notification) -> Invitation | None:
    if notification.about is None:
        return None
    return (
        Invitation.objects.filter(pk=notification.about)
        .select_related("cycle__engagement__coachee")
        .first()
    )


def _rater_message(invitation: Invitation, *, reminder: bool) -> Message:
    cycle = invitation.cycle
    coachee = cycle.engagement.coachee.full_name
    shown = (
        "Your answers will be shown on their own, labelled 'Manager', if you are the only "
        "manager who answers; should another manager answer too, yours are shown only as "
        "averages of at least three people."
        if invitation.group == RaterGroup.MANAGER and cycle.manager_shown_alone
        else "Answers are shown only as averages of at least three people; nobody sees yours."
    )
    url = settings.SITE_URL.rstrip("/") + reverse("rater_answer", args=[invitation.token])
    return Message(
        subject=(
            f"Reminder: feedback for {coachee}" if reminder else f"{coachee} asks for your feedback"
        ),
        body=(
            f"Hello {invitation.name},\n\n{coachee} is working with a coach on their "
            "leadership and would value your honest view. It takes about 10 minutes; you can "
            f"save and come back. Please answer by {day(cycle.closes_on)}.\n{shown}\n\n"
            "The link is yours alone and works once: please do not forward it."
        ),
        secret_link=url,
    )


@builds(Kind.RATER_INVITATION)
def rater_invitation(notification: Notification) -> Message | None:
    # Goes out even to someone who answered before being removed and proposed again: their
    # link then only thanks them, and nobody learns who had answered.
    invitation = _invitation(notification)
    if (
        invitation is None
        or invitation.status != Invitation.Status.APPROVED
        or not invitation.token
        or invitation.cycle.status != CycleStatus.OPEN
    ):
        return None
    return _rater_message(invitation, reminder=False)


@builds(Kind.RATER_REMINDER)
def rater_reminder(notification: Notification) -> Message | None:
    invitation = _invitation(notification)
    if (
        invitation is None
        or invitation.completed
        or invitation.status != Invitation.Status.APPROVED
        or not invitation.token
        or invitation.cycle.status != CycleStatus.OPEN
        or timezone.localdate() > invitation.cycle.closes_on
    ):
        return None
    return _rater_message(invitation, reminder=True)
