"""Writes for 360 cycles: set-up, nominations, the rater's link, closing and release."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import random
import secrets
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from tandem.accounts.models import User
from tandem.core.policy import Perm, engagement_require
from tandem.core.services import locked
from tandem.engagements.models import Engagement
from tandem.feedback import library
from tandem.feedback.anonymity import build_report_view
from tandem.feedback.models import Comment, FeedbackCycle, Invitation, RaterGroup, Response
from tandem.feedback.questionnaire import build_questionnaire, questionnaire_item_keys
from tandem.feedback.report import build_report
from tandem.notifications import events
from tandem.programmes.figures import figures_touch

Kind = FeedbackCycle.Kind
Status = FeedbackCycle.Status
MAX_COMMENT = 2000


# --- set-up -------------------------------------------------------------------------------


@transaction.atomic
def cycle_create(
    *,
    actor: User,
    engagement: Engagement,
    kind: str,
    closes_on: dt.date,
    competency_keys: list[str] | None = None,
    manager_shown_alone: bool = False,
    reminder_days: list[int] | None = None,
) -> FeedbackCycle:
    """Set up a 360 round. Baseline and close ask competencies and targets; midpoint,
    the targets only. Midpoint and close compare with the released baseline.

    Raters who have not answered are reminded ``reminder_days`` days before the deadline
    (3 and 1 unless chosen; an empty list sends none). The coachee is asked to nominate."""
    engagement = locked(engagement)
    engagement_require(actor, Perm.RUN_360, engagement)
    errors: dict[str, str] = {}
    if kind not in Kind.values:
        errors["kind"] = "Choose baseline, midpoint or close."
    elif engagement.feedback_cycles.filter(kind=kind).exists():
        errors["kind"] = f"This engagement already has a {Kind(kind).label.lower()}."
    keys = list(dict.fromkeys(competency_keys or []))
    unknown = [k for k in keys if k not in library.BY_KEY]
    if unknown:
        errors["competency_keys"] = f"Unknown competencies: {', '.join(unknown)}."
    if kind in {Kind.BASELINE, Kind.CLOSE} and not keys:
        errors["competency_keys"] = "Choose at least one competency to ask about."
    if kind == Kind.MIDPOINT and not engagement.targets.exists():
        errors["kind"] = "A midpoint pulse asks about the targets: agree targets first."
    if closes_on <= timezone.localdate():
        errors["closes_on"] = "Give raters until a date after today."
    baseline = engagement.feedback_cycles.filter(kind=Kind.BASELINE).first()
    if kind in {Kind.MIDPOINT, Kind.CLOSE} and baseline is None:
        errors["kind"] = "Run the baseline 360 first: later rounds are measured against it."
    days = DEFAULT_REMINDER_DAYS if reminder_days is None else reminder_days
    problem = reminder_days_problem(days)
    if problem:
        errors["reminder_days"] = problem
    if errors:
        raise ValidationError(errors)
    cycle = FeedbackCycle.objects.create(
        engagement=engagement,
        kind=kind,
        closes_on=closes_on,
        competency_keys=keys if kind != Kind.MIDPOINT else [],
        manager_shown_alone=manager_shown_alone,
        compared_to=baseline if kind != Kind.BASELINE else None,
        reminder_days=sorted(set(days), reverse=True),
    )
    events.cycle_set_up(cycle)
    return cycle


DEFAULT_REMINDER_DAYS = [3, 1]
MAX_REMINDERS = 4


def reminder_days_problem(days: list[int]) -> str | None:
    """Why these reminder days cannot be used, or None."""
    if len(set(days)) > MAX_REMINDERS:
        return f"Remind raters {MAX_REMINDERS} times at most: more reads as pressure."
    if any(not isinstance(d, int) or not 1 <= d <= 30 for d in days):
        return "Reminders go 1 to 30 days before the deadline."
    return None


def _require_status(cycle: FeedbackCycle, *allowed: str) -> None:
    if cycle.status not in allowed:
        raise ValidationError(f"This 360 is {cycle.get_status_display().lower()}.")


@transaction.atomic
def invitation_nominate(
    *, actor: User, cycle: FeedbackCycle, name: str, email: str, group: str
) -> Invitation:
    """The coachee proposes a rater; the coach approves before anyone is asked."""
    cycle = locked(cycle)
    engagement_require(actor, Perm.NOMINATE_RATERS, cycle.engagement)
    _require_status(cycle, Status.DRAFT, Status.OPEN)
    email = User.objects.normalize_email(email.strip()).lower()
    errors: dict[str, str] = {}
    if not name.strip():
        errors["name"] = "Give the rater's name, so the coach knows who they are."
    if group not in RaterGroup.values or group == RaterGroup.SELF:
        errors["group"] = "Choose manager, peer, direct report, stakeholder or other."
    earlier = cycle.invitations.filter(email=email).first()
    # Nothing said here may depend on whether someone answered: the coachee would learn it.
    if email == cycle.engagement.coachee.email:
        errors["email"] = "That is the coachee: their self-assessment is part of every 360."
    elif email == cycle.engagement.coach.email:
        errors["email"] = (
            "That is the coach, who reads every comment before release: the coach cannot also "
            "be a rater."
        )
    elif earlier is not None and earlier.status == Invitation.Status.DECLINED:
        errors["email"] = (
            f"{earlier.name} is on the list, not approved: the coach can still approve them."
        )
    elif earlier is not None and earlier.status != Invitation.Status.REMOVED:
        errors["email"] = (
            f"{earlier.name} is already on the list "
            f"({earlier.get_status_display().lower()}, {earlier.get_group_display().lower()})."
        )
    if errors:
        raise ValidationError(errors)
    # A removed rater can be proposed again; the coach approves afresh. One who had answered
    # gets a link like anyone (so nobody can tell them apart) that only says they have answered.
    invitation = earlier or Invitation(cycle=cycle, email=email)
    invitation.name = name.strip()
    invitation.group = group
    invitation.nominated_by = actor
    invitation.status = Invitation.Status.PROPOSED  # sent_at stays: they were asked before
    invitation.full_clean()
    invitation.save()
    if actor.pk != cycle.engagement.coach_id:
        events.raters_proposed(cycle)  # the coach approves: told at most once a day
    return invitation


def _issue_link(invitation: Invitation) -> None:
    token = secrets.token_urlsafe(32)
    invitation.token = token
    invitation.token_hash = hash_token(token)


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _send_invitation(invitation: Invitation) -> None:
    """The rater's email is a stored notification sent by the worker; the link itself is
    read from the sealed invitation when it is sent, never stored with the notification."""
    events.rater_invited(invitation)


@transaction.atomic
def invitation_review(*, actor: User, invitation: Invitation, approve: bool) -> Invitation:
    cycle = locked(invitation.cycle)
    engagement_require(actor, Perm.RUN_360, cycle.engagement)
    _require_status(cycle, Status.DRAFT, Status.OPEN)
    invitation = locked(invitation)
    if invitation.status not in {Invitation.Status.PROPOSED, Invitation.Status.DECLINED}:
        raise ValidationError("This rater has already been approved.")
    invitation.status = Invitation.Status.APPROVED if approve else Invitation.Status.DECLINED
    if approve and cycle.status == Status.OPEN:
        _issue_link(invitation)
        invitation.sent_at = timezone.now()
        _send_invitation(invitation)
    invitation.save()
    return invitation


@transaction.atomic
def invitation_remove(*, actor: User, invitation: Invitation) -> Invitation:
    """Withdraw an invitation. Answers already given stay: they cannot be traced back."""
    cycle = locked(invitation.cycle)
    engagement_require(actor, Perm.RUN_360, cycle.engagement)
    invitation = locked(invitation)
    if invitation.group == RaterGroup.SELF:
        raise ValidationError("The self-assessment is part of every 360.")
    invitation.status = Invitation.Status.REMOVED
    invitation.token_hash = None
    invitation.token = ""
    invitation.draft = ""
    invitation.save()
    return invitation


@transaction.atomic
def cycle_open(*, actor: User, cycle: FeedbackCycle) -> FeedbackCycle:
    """Freeze the questionnaire and send every approved rater their link."""
    cycle = locked(cycle)
    engagement_require(actor, Perm.RUN_360, cycle.engagement)
    _require_status(cycle, Status.DRAFT)
    approved = cycle.invitations.filter(status=Invitation.Status.APPROVED)
    if not approved.exists():
        raise ValidationError("Approve at least one rater before opening the 360.")
    cycle.questionnaire = build_questionnaire(cycle)
    if not questionnaire_item_keys(cycle.questionnaire):
        raise ValidationError("This 360 has no questions: choose competencies or add targets.")
    coachee = cycle.engagement.coachee
    Invitation.objects.create(
        cycle=cycle,
        name=coachee.full_name,
        email=coachee.email,
        group=RaterGroup.SELF,
        status=Invitation.Status.APPROVED,
        nominated_by=actor,
    )
    now = timezone.now()
    for invitation in approved.exclude(group=RaterGroup.SELF):
        _issue_link(invitation)
        invitation.sent_at = now
        invitation.save()
        _send_invitation(invitation)
    cycle.status = Status.OPEN
    cycle.opened_at = now
    cycle.version += 1
    cycle.save()
    return cycle


@transaction.atomic
def cycle_extend(*, actor: User, cycle: FeedbackCycle, closes_on: dt.date) -> FeedbackCycle:
    """Move the deadline (before opening, or while open, also once it has passed: links that
    had stopped work again and saved drafts are still there)."""
    cycle = locked(cycle)
    engagement_require(actor, Perm.RUN_360, cycle.engagement)
    _require_status(cycle, Status.DRAFT, Status.OPEN)
    if closes_on <= timezone.localdate():
        raise ValidationError({"closes_on": "Give raters until a date after today."})
    cycle.closes_on = closes_on
    cycle.version += 1
    cycle.save()
    return cycle


def _require_before_deadline(cycle: FeedbackCycle) -> None:
    if cycle.past_deadline:
        raise ValidationError(
            f"The deadline ({cycle.closes_on:%-d %B %Y}) has passed: extend it first."
        )


@transaction.atomic
def cycle_send_reminders(*, actor: User, cycle: FeedbackCycle) -> int:
    """The coach's "remind" button: raters who have not answered, at most once a day each
    (a second press the same day sends nothing more). Returns how many were reminded."""
    cycle = locked(cycle)
    engagement_require(actor, Perm.RUN_360, cycle.engagement)
    _require_status(cycle, Status.OPEN)
    _require_before_deadline(cycle)
    pending = cycle.invitations.filter(
        status=Invitation.Status.APPROVED, completed=False, token_hash__isnull=False
    ).exclude(group=RaterGroup.SELF)
    now = timezone.now()
    count = 0
    for invitation in pending:
        if events.rater_reminded(invitation, occasion=f"manual:{timezone.localdate(now)}"):
            invitation.reminded_at = now
            invitation.save(update_fields=["reminded_at", "updated_at"])
            count += 1
    return count


@transaction.atomic
def cycle_close(*, actor: User, cycle: FeedbackCycle) -> FeedbackCycle:
    """No more answers. Saved but unsubmitted drafts are discarded: they were never given.

    Comments of groups too small to show can never be released, so they are deleted here,
    unread: the coach reviews only comments that could appear in the report, and nobody
    ever reads what a lone rater wrote."""
    cycle = locked(cycle)
    engagement_require(actor, Perm.RUN_360, cycle.engagement)
    _require_status(cycle, Status.OPEN)
    figures_touch(cycle.engagement_id)  # its response rate is final now
    return close_round(cycle)


def close_round(cycle: FeedbackCycle) -> FeedbackCycle:
    """Close an open round (see ``cycle_close``); also done, with no one asking, when its
    engagement is cancelled, so links stop working and nothing more comes in."""
    cycle.status = Status.CLOSED
    cycle.closed_at = timezone.now()
    cycle.version += 1
    cycle.invitations.filter(completed=False).exclude(draft="").update(draft="")
    view = build_report_view(
        list(cycle.responses.all()),
        questionnaire_item_keys(cycle.questionnaire or {"sections": []}),
        manager_shown_alone=cycle.manager_shown_alone,
    )
    hidden = [c.pk for c in cycle.comments.all() if view.comment_group_for(c.group) is None]
    cycle.comments.filter(pk__in=hidden).delete()  # how many is not kept: it would tell
    cycle.save()
    return cycle


# --- answering ------------------------------------------------------------------------------


class RaterLinkError(Exception):
    """A link that cannot be used, with a message for the person holding it."""


def invitation_for_token(token: str) -> Invitation:
    invitation = (
        Invitation.objects.filter(token_hash=hash_token(token))
        .select_related("cycle__engagement__coachee")
        .first()
    )
    if invitation is None or invitation.status != Invitation.Status.APPROVED:
        raise RaterLinkError(
            "This feedback link is not valid. Check that you copied the whole link from the "
            "email, or ask the person who invited you for a new one."
        )
    # Once the round has ended, a used link and an unused one say the same: whoever holds
    # it must not learn from the link whether its rater answered.
    cycle = invitation.cycle
    if cycle.status != Status.OPEN:
        raise RaterLinkError(
            "This feedback round has closed, so no more answers can be given. "
            "Answers submitted before it closed are kept."
        )
    if cycle.past_deadline:
        coachee = cycle.engagement.coachee.get_short_name()
        raise RaterLinkError(
            f"The deadline for this feedback was {cycle.closes_on:%-d %B %Y}, so no more "
            "answers can be given for now. Anything submitted or saved is kept: if you have "
            f"not answered yet and would still like to, tell {coachee} or their coach, who "
            "can extend the deadline, and this link will work again."
        )
    if invitation.completed:
        raise RaterLinkError(
            "You have already given your feedback — thank you. Answers cannot be changed "
            "afterwards, so that nobody can link them to you."
        )
    return invitation


def clean_answers(
    questionnaire: dict[str, Any], raw: dict[str, str], *, complete: bool
) -> dict[str, int | None]:
    """Answers as stored: 1–5, None for "can't say". ``complete`` requires every item."""
    answers: dict[str, int | None] = {}
    missing = []
    for key in questionnaire_item_keys(questionnaire):
        value = raw.get(key, "")
        if value in {"", None}:
            missing.append(key)
        elif value == "na":
            answers[key] = None
        elif value in {"1", "2", "3", "4", "5"}:
            answers[key] = int(value)
        else:
            raise ValidationError("Answers are 1 to 5, or “can't say”.")
    if complete and missing:
        raise ValidationError(
            f"{len(missing)} question(s) have no answer yet. Choose a rating or “can't say” "
            "for each one, then submit.",
            code="incomplete",
        )
    return answers


def _reshuffle(cycle: FeedbackCycle) -> None:
    """Rewrite the cycle's responses and comments in random order with fresh ids, so that
    neither insertion order nor row ids can be matched with when someone answered."""
    responses = [(r.group, r.answers) for r in cycle.responses.all()]
    comments = [(c.group, c.text, c.review) for c in cycle.comments.all()]
    rng = random.SystemRandom()
    rng.shuffle(responses)
    rng.shuffle(comments)
    cycle.responses.all().delete()
    cycle.comments.all().delete()
    Response.objects.bulk_create(Response(cycle=cycle, group=g, answers=a) for g, a in responses)
    for group, text, review in comments:
        Comment(cycle=cycle, group=group, text=text, review=review).save()


@transaction.atomic
def answers_save(
    *, invitation: Invitation, raw: dict[str, str], comment: str, submit: bool
) -> Invitation:
    """Save to resume later, or submit once. A submission leaves no trace of who gave it."""
    invitation = locked(invitation)
    cycle = locked(invitation.cycle)
    if invitation.completed or invitation.status != Invitation.Status.APPROVED:
        raise ValidationError("These answers were already submitted.")
    if cycle.status != Status.OPEN:
        raise ValidationError("This feedback round has closed; answers can no longer be given.")
    if cycle.past_deadline:
        raise ValidationError(
            f"The deadline ({cycle.closes_on:%-d %B %Y}) has passed; answers can no longer be "
            "given unless the coach extends it."
        )
    questionnaire = cycle.questionnaire or {}
    answers = clean_answers(questionnaire, raw, complete=submit)
    comment = comment.strip()
    if len(comment) > MAX_COMMENT:
        raise ValidationError({"comment": f"Keep the comment under {MAX_COMMENT} characters."})
    if not submit:
        invitation.draft = json.dumps({"answers": raw, "comment": comment})
        invitation.save(update_fields=["draft", "updated_at"])
        return invitation
    Response.objects.create(cycle=cycle, group=invitation.group, answers=answers)
    if comment:
        Comment(cycle=cycle, group=invitation.group, text=comment).save()
    invitation.completed = True
    invitation.draft = ""
    invitation.token = ""
    invitation.save(update_fields=["completed", "draft", "token", "updated_at"])
    _reshuffle(cycle)
    return invitation


def self_invitation(*, actor: User, cycle: FeedbackCycle) -> Invitation:
    """The coachee answers about themselves in the app, not through an emailed link."""
    if actor.pk != cycle.engagement.coachee_id:
        raise PermissionDenied("Only the coachee gives the self-assessment.")
    invitation = cycle.invitations.filter(group=RaterGroup.SELF).first()
    if invitation is None:
        raise ValidationError("The self-assessment opens with the 360.")
    return invitation


def draft_of(invitation: Invitation) -> dict[str, Any]:
    return json.loads(invitation.draft) if invitation.draft else {"answers": {}, "comment": ""}


# --- review and release ---------------------------------------------------------------------


@transaction.atomic
def comment_review(*, actor: User, comment: Comment, approve: bool) -> Comment:
    cycle = locked(comment.cycle)
    engagement_require(actor, Perm.RUN_360, cycle.engagement)
    _require_status(cycle, Status.CLOSED)
    comment.review = Comment.Review.APPROVED if approve else Comment.Review.WITHHELD
    comment.save(update_fields=["review"])
    return comment


@transaction.atomic
def cycle_release(*, actor: User, cycle: FeedbackCycle) -> FeedbackCycle:
    """Freeze the report and show it to the coachee. Every comment must be reviewed first;
    a response arriving later (none can: the cycle is closed) would change nothing shown."""
    cycle = locked(cycle)
    engagement_require(actor, Perm.RUN_360, cycle.engagement)
    _require_status(cycle, Status.CLOSED)
    pending = cycle.comments.filter(review=Comment.Review.PENDING).count()
    if pending:
        raise ValidationError(
            f"{pending} comment(s) still await your review: approve or withhold each."
        )
    cycle.report = build_report(cycle)
    cycle.status = Status.RELEASED
    cycle.released_at = timezone.now()
    cycle.version += 1
    cycle.save()
    events.report_released(cycle)
    figures_touch(cycle.engagement_id)  # a closing 360's change
    return cycle
