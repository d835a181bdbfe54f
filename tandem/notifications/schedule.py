"""The scheduler: one pass (``tick``) finds what has become due and hands it to the worker.

``python manage.py rhythm_tick`` runs one pass (cron or a systemd timer, every minute);
``--every 60`` loops (development, a simple Procfile). A pass:

1. creates the time-based nudges that have come due — the coachee's "add your agenda" two
   days before a session, actions due (on the day, 08:00 on the owner's clock), a reflection
   prompt three days after a held session, a review due (midpoint and two weeks before the
   end), the coach's "accountability missing" a day after a session still open, raters'
   reminders on the days the coach set (09:00 on the coachee's clock), and whatever other
   apps registered (``register_step``: the "engagement stalled" nudge lives with the
   programme dashboard);
2. closes 360 rounds whose deadline day has ended;
3. makes each person's weekly digest (Monday 08:00 on their clock);
4. marks rows a stopped worker left "sending" as failed (never resent: it may have gone);
5. hands every due, pending notification to the worker, unless it was handed over in the
   last few minutes.

Everything is idempotent: each notification has a unique key, and sending claims the row
first, so two passes — or two schedulers and two workers — at once never send anything
twice. Each step runs in its own transaction; one failing does not stop the others.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from tandem.accounts.models import User
from tandem.action_items.models import ActionItem
from tandem.coaching_sessions.models import CoachingSession
from tandem.engagements.models import Engagement, Review, TargetRating
from tandem.feedback.models import FeedbackCycle, Invitation, RaterGroup
from tandem.notifications import delivery
from tandem.notifications.kinds import Kind
from tandem.notifications.messages.sessions import LIVE
from tandem.notifications.models import Notification
from tandem.notifications.services import notify

log = logging.getLogger(__name__)

State = Notification.State
SessionStatus = CoachingSession.Status

AGENDA_BEFORE = dt.timedelta(days=2)
ACCOUNTABILITY_AFTER = dt.timedelta(days=1)
REFLECTION_AFTER = dt.timedelta(days=3)
# A pass that did not run for a while (the server was down) still catches up this far back.
CATCH_UP = dt.timedelta(days=7)
ACTIONS_DUE_HOUR = 8
RATER_REMINDER_HOUR = 9
DIGEST_WEEKDAY, DIGEST_HOUR = 0, 8  # Monday 08:00 on the person's clock
CLOSE_REVIEW_BEFORE = dt.timedelta(days=14)
# A notification handed to the worker this recently is left alone: it is in its queue.
ENQUEUE_GRACE = dt.timedelta(minutes=5)
# A rater reminded (by the coach's button) this recently is not reminded again on schedule.
REMINDED_RECENTLY = dt.timedelta(hours=20)

Step = Callable[[dt.datetime], int]


@dataclass
class Candidate:
    key: str
    kwargs: dict[str, Any]


def _notify_new(candidates: Iterable[Candidate]) -> int:
    """Record the candidates whose key is new, in one look-up for the lot."""
    pending = list(candidates)
    if not pending:
        return 0
    taken = set(
        Notification.objects.filter(key__in=[c.key for c in pending]).values_list("key", flat=True)
    )
    created = 0
    for candidate in pending:
        if candidate.key not in taken and notify(key=candidate.key, **candidate.kwargs):
            created += 1
    return created


def _at(day: dt.date, hour: int, zone: dt.tzinfo) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour), tzinfo=zone)


# --- the nudges -----------------------------------------------------------------------------


def agenda_reminders(now: dt.datetime) -> int:
    """Two days before a session, the coachee is asked for the agenda — unless it has one."""
    sessions = (
        CoachingSession.objects.filter(
            status=SessionStatus.PLANNED,
            scheduled_at__gt=now,
            scheduled_at__lte=now + AGENDA_BEFORE,
            engagement__status__in=LIVE,
        )
        .exclude(topics__added_by=F("engagement__coachee"))
        .select_related("engagement__coachee")
    )
    return _notify_new(
        Candidate(
            key=f"agenda:{s.pk}:{s.scheduled_at.isoformat()}:{s.engagement.coachee_id}",
            kwargs={
                "kind": Kind.AGENDA_REMINDER,
                "recipient": s.engagement.coachee,
                "engagement": s.engagement,
                "about": s.pk,
                "params": {"at": s.scheduled_at.isoformat()},
            },
        )
        for s in sessions
    )


def accountability_nudges(now: dt.datetime) -> int:
    """A day after a session's time, still open, with earlier actions unaccounted for."""
    from tandem.action_items.selectors import accountability_pending

    sessions = CoachingSession.objects.filter(
        status=SessionStatus.PLANNED,
        scheduled_at__lte=now - ACCOUNTABILITY_AFTER,
        scheduled_at__gt=now - ACCOUNTABILITY_AFTER - CATCH_UP,
        engagement__status__in=LIVE,
    ).select_related("engagement__coach")
    return _notify_new(
        Candidate(
            key=f"accountability:{s.pk}:{s.scheduled_at.isoformat()}",
            kwargs={
                "kind": Kind.ACCOUNTABILITY_MISSING,
                "recipient": s.engagement.coach,
                "engagement": s.engagement,
                "about": s.pk,
                "params": {"at": s.scheduled_at.isoformat()},
            },
        )
        for s in sessions
        if accountability_pending(s)
    )


def reflection_prompts(now: dt.datetime) -> int:
    """Three days after a held session, the coachee is invited to reflect."""
    sessions = (
        CoachingSession.objects.filter(
            status=SessionStatus.HELD,
            scheduled_at__lte=now - REFLECTION_AFTER,
            scheduled_at__gt=now - REFLECTION_AFTER - CATCH_UP,
        )
        .exclude(engagement__status=Engagement.Status.CANCELLED)
        .select_related("engagement__coachee")
    )
    return _notify_new(
        Candidate(
            key=f"reflect:{s.pk}",
            kwargs={
                "kind": Kind.REFLECTION_PROMPT,
                "recipient": s.engagement.coachee,
                "engagement": s.engagement,
                "about": s.pk,
            },
        )
        for s in sessions
    )


def actions_due(now: dt.datetime) -> int:
    """On an action's due date, from 08:00 on its owner's clock: one email per person and
    day, however many actions fall due."""
    today = now.date()
    actions = ActionItem.objects.filter(
        status=ActionItem.Status.OPEN,
        due_date__gte=today - dt.timedelta(days=1),
        due_date__lte=today + dt.timedelta(days=1),
        engagement__status__in=LIVE,
    ).select_related("owner")
    owners: dict[tuple[Any, dt.date], User] = {}
    for action in actions:
        owner = action.owner
        local = now.astimezone(owner.zone)
        if action.due_date == local.date() and local.hour >= ACTIONS_DUE_HOUR:
            owners.setdefault((owner.pk, action.due_date), owner)
    return _notify_new(
        Candidate(
            key=f"actions_due:{owner_id}:{due.isoformat()}",
            kwargs={
                "kind": Kind.ACTIONS_DUE,
                "recipient": owner,
                "params": {"date": due.isoformat()},
            },
        )
        for (owner_id, due), owner in owners.items()
    )


def reviews_due(now: dt.datetime) -> int:
    """The midpoint review once the engagement passes its midpoint, the close review two
    weeks before its end — to the coachee, unless they have rated it already."""
    today = timezone.localdate(now)
    engagements = Engagement.objects.filter(
        kind=Engagement.Kind.COACHING,
        status__in=(Engagement.Status.ACTIVE, Engagement.Status.CLOSING),
        end_date__isnull=False,
        end_date__gte=today,
        targets__isnull=False,
    ).distinct()
    candidates = []
    for engagement in engagements.select_related("coachee"):
        assert engagement.end_date is not None
        midpoint = engagement.start_date + (engagement.end_date - engagement.start_date) / 2
        if today >= engagement.end_date - CLOSE_REVIEW_BEFORE:
            kind = Review.Kind.CLOSE
        elif today >= midpoint:
            kind = Review.Kind.MIDPOINT
        else:
            continue
        rated = TargetRating.objects.filter(
            review__engagement=engagement, review__kind=kind, rater=TargetRating.Rater.COACHEE
        ).exists()
        if rated:
            continue
        candidates.append(
            Candidate(
                key=f"review:{engagement.pk}:{kind}",
                kwargs={
                    "kind": Kind.REVIEW_DUE,
                    "recipient": engagement.coachee,
                    "engagement": engagement,
                    "params": {"kind": str(kind)},
                },
            )
        )
    return _notify_new(candidates)


def rater_reminders(now: dt.datetime) -> int:
    """Raters who have not answered are reminded on the days the coach set before the
    deadline, at 09:00 on the coachee's clock. Only those not answered get a row at all."""
    from tandem.notifications.events import rater_reminded

    today = timezone.localdate(now)
    cycles = FeedbackCycle.objects.filter(
        status=FeedbackCycle.Status.OPEN, closes_on__gte=today
    ).select_related("engagement__coachee")
    sent = 0
    for cycle in cycles:
        zone = cycle.engagement.coachee.zone
        for days in sorted(set(cycle.reminder_days or []), reverse=True):
            remind_at = _at(cycle.closes_on - dt.timedelta(days=days), RATER_REMINDER_HOUR, zone)
            opened = cycle.opened_at or now
            # Due now or missed by less than a day, and only if the round was open before.
            if not (now - dt.timedelta(days=1) < remind_at <= now and remind_at > opened):
                continue
            pending = cycle.invitations.filter(
                status=Invitation.Status.APPROVED, completed=False, token_hash__isnull=False
            ).exclude(group=RaterGroup.SELF)
            pending = pending.exclude(reminded_at__gt=now - REMINDED_RECENTLY)
            for invitation in pending:
                if rater_reminded(invitation, occasion=f"{cycle.closes_on}:{days}"):
                    Invitation.objects.filter(pk=invitation.pk).update(reminded_at=now)
                    sent += 1
    return sent


def close_rounds(now: dt.datetime) -> int:
    """A 360 round closes by itself once its deadline day has ended (on the site's clock,
    the same the rater's link goes by)."""
    from tandem.core.services import locked
    from tandem.feedback.services import close_round

    today = timezone.localdate(now, timezone.get_default_timezone())
    closed = 0
    for cycle in FeedbackCycle.objects.filter(
        status=FeedbackCycle.Status.OPEN, closes_on__lt=today
    ):
        with transaction.atomic():
            cycle = locked(cycle)
            if cycle.status == FeedbackCycle.Status.OPEN and cycle.closes_on < today:
                close_round(cycle)
                closed += 1
    return closed


def digests(now: dt.datetime) -> int:
    """From Monday 08:00 on each person's clock, one email with what they kept for it."""
    waiting = (
        Notification.objects.filter(state=State.IN_DIGEST, recipient__isnull=False)
        .values_list("recipient_id", flat=True)
        .distinct()
    )
    candidates = []
    for person in User.objects.filter(pk__in=list(waiting), is_active=True):
        local = now.astimezone(person.zone)
        monday = local.date() - dt.timedelta(days=(local.weekday() - DIGEST_WEEKDAY) % 7)
        cutoff = _at(monday, DIGEST_HOUR, person.zone)
        if local < cutoff:
            monday -= dt.timedelta(days=7)
            cutoff = _at(monday, DIGEST_HOUR, person.zone)
        has_items = Notification.objects.filter(
            recipient=person, state=State.IN_DIGEST, due_at__lt=cutoff
        ).exists()
        if not has_items:
            continue
        year, week, _ = monday.isocalendar()
        candidates.append(
            Candidate(
                key=f"digest:{person.pk}:{year}-W{week:02d}",
                kwargs={
                    "kind": Kind.DIGEST,
                    "recipient": person,
                    "params": {"cutoff": cutoff.isoformat()},
                },
            )
        )
    return _notify_new(candidates)


def release_stuck(now: dt.datetime) -> int:
    return delivery.release_stuck(now)


def enqueue_due(now: dt.datetime) -> int:
    """Hand every due, pending notification to the worker, each by a conditional update so
    that two schedulers never both hand over the same one."""

    fresh = Q(enqueued_at__isnull=True) | Q(enqueued_at__lt=now - ENQUEUE_GRACE)
    due = (
        Notification.objects.filter(fresh, state=State.PENDING, due_at__lte=now)
        .exclude(next_attempt_at__gt=now)
        .order_by("due_at")
        .values_list("pk", flat=True)
    )
    handed = 0
    for notification_id in list(due[:1000]):
        won = Notification.objects.filter(fresh, pk=notification_id, state=State.PENDING).update(
            enqueued_at=now
        )
        if won:
            # Handed over once this step's transaction has committed the claim.
            transaction.on_commit(_handover(str(notification_id)))
            handed += 1
    return handed


def _handover(notification_id: str) -> Callable[[], None]:
    from tandem.notifications.tasks import deliver

    def enqueue() -> None:
        deliver.enqueue(notification_id)

    return enqueue


# --- the pass -------------------------------------------------------------------------------

# Other apps add their own time-based nudges here (see ``register_step``).
EXTRA_STEPS: dict[str, Step] = {}


def register_step(name: str, step: Step) -> None:
    """Run ``step(now) -> count`` in every pass, after the built-in nudges and before the
    hand-over to the worker. The programme dashboard registers "engagement_stalled" (no
    session in four weeks: once, not daily) from its AppConfig.ready()."""
    EXTRA_STEPS[name] = step


def steps() -> list[tuple[str, Step]]:
    return [
        ("agenda_reminders", agenda_reminders),
        ("accountability_nudges", accountability_nudges),
        ("reflection_prompts", reflection_prompts),
        ("actions_due", actions_due),
        ("reviews_due", reviews_due),
        ("rater_reminders", rater_reminders),
        *EXTRA_STEPS.items(),
        ("rounds_closed", close_rounds),
        ("digests", digests),
        ("stuck_released", release_stuck),
        ("enqueued", enqueue_due),
    ]


@dataclass
class TickReport:
    counts: dict[str, int] = field(default_factory=dict)
    failed: list[str] = field(default_factory=list)

    def __str__(self) -> str:
        done = ", ".join(f"{name} {count}" for name, count in self.counts.items() if count)
        failed = f"; failed: {', '.join(self.failed)}" if self.failed else ""
        return (done or "nothing due") + failed


def tick(now: dt.datetime | None = None) -> TickReport:
    """One pass of the scheduler (see the module docstring)."""
    now = now or timezone.now()
    report = TickReport()
    for name, step in steps():
        try:
            with transaction.atomic():
                report.counts[name] = step(now)
        except Exception:
            log.exception("Scheduler step %s failed", name)
            report.failed.append(name)
    return report
