"""Writes for actions, accountability check-ins and reflections."""

from __future__ import annotations

import datetime as dt
from uuid import UUID

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from tandem.accounts.models import User
from tandem.action_items.models import ActionItem, CheckIn, Reflection
from tandem.action_items.selectors import _accountability_queryset
from tandem.coaching_sessions.models import AgendaTopic, CoachingSession
from tandem.core.policy import Perm, engagement_require
from tandem.core.services import locked, validated_save
from tandem.core.versioning import bump_version
from tandem.engagements.models import BehaviouralTarget, Engagement
from tandem.notifications import events


def _check_owner(engagement: Engagement, owner: User) -> None:
    if owner.pk not in {engagement.coach_id, engagement.coachee_id}:
        raise ValidationError({"owner": "An action belongs to the coachee or the coach."})


@transaction.atomic
def action_create(
    *,
    actor: User,
    engagement: Engagement,
    title: str,
    owner: User,
    due_date: dt.date | None,
    session: CoachingSession | None = None,
    topic: AgendaTopic | None = None,
) -> ActionItem:
    """An action from a session's Will step, or one the coachee sets themselves between
    sessions. It stays open, and comes back at every session, until it is resolved."""
    engagement_require(actor, Perm.EDIT_SESSION_CONTENT, engagement)
    if session is not None and session.engagement_id != engagement.pk:
        raise ValidationError("That session belongs to another engagement.")
    if session is not None and not session.is_planned:
        raise ValidationError("This session is closed; add the action between sessions instead.")
    if topic is not None and topic.session_id != getattr(session, "pk", None):
        raise ValidationError({"topic": "That topic is not on this session's agenda."})
    _check_owner(engagement, owner)
    if not title.strip():
        raise ValidationError({"title": "Say what will be done, as a concrete step."})
    if due_date is not None and due_date < timezone.localdate():
        raise ValidationError({"due_date": "The due date is in the past; choose today or later."})
    if due_date is not None and due_date > timezone.localdate() + dt.timedelta(days=366):
        raise ValidationError(
            {"due_date": "That is more than a year away: an action is a next step. Check the year."}
        )
    return validated_save(
        ActionItem(
            engagement=engagement,
            session=session,
            topic=topic,
            title=title.strip(),
            owner=owner,
            due_date=due_date,
        )
    )


@transaction.atomic
def action_update(
    *,
    actor: User,
    action: ActionItem,
    evidence: str,
    status: str,
    expected_version: int | None,
    title: str | None = None,
    due_date: dt.date | None = None,
    keep_due_date: bool = True,
) -> ActionItem:
    """Between sessions: reword it, move its date, note evidence of practice, mark done or
    drop. The title stays unless given; the due date stays unless ``keep_due_date`` is False
    (then ``due_date`` replaces it, None clearing it)."""
    action = locked(action)
    engagement_require(actor, Perm.EDIT_SESSION_CONTENT, action.engagement)
    errors = {}
    if status not in ActionItem.Status.values:
        errors["status"] = "Choose open, done or dropped."
    if title is not None and not title.strip():
        errors["title"] = "Say what the action is: a concrete next step."
    moved = not keep_due_date and due_date != action.due_date
    if moved and due_date is not None and due_date < timezone.localdate():
        errors["due_date"] = "The new due date is in the past; choose today or later."
    elif moved and due_date is not None and due_date > timezone.localdate() + dt.timedelta(366):
        errors["due_date"] = "That is more than a year away: an action is a next step."
    if errors:
        raise ValidationError(errors)
    bump_version(action, expected=expected_version)
    if title is not None:
        action.title = title.strip()
    if not keep_due_date:
        action.due_date = due_date
    action.evidence = evidence.strip()
    if status != action.status:
        action.completed_at = timezone.now() if status == ActionItem.Status.DONE else None
    action.status = status
    return validated_save(action)


@transaction.atomic
def checkin_record(
    *,
    actor: User,
    session: CoachingSession,
    action: ActionItem,
    outcome: str,
    what_happened: str = "",
    learned: str = "",
) -> CheckIn:
    """Accountability for one action in the session that follows it.

    Done closes the action; partly or not done leaves it open, so it comes back next time
    by itself. Recording again in the same session corrects the earlier answer.
    """
    session = locked(session)
    engagement_require(actor, Perm.EDIT_SESSION_CONTENT, session.engagement)
    if not session.is_planned:
        raise ValidationError("This session is closed; its accountability is on record.")
    if not _accountability_queryset(session).filter(pk=action.pk).exists():
        raise ValidationError("That action is not due for accountability in this session.")
    if outcome not in CheckIn.Outcome.values:
        raise ValidationError({"outcome": "Choose done, partly done or not done."})
    if outcome != CheckIn.Outcome.DONE and not (what_happened.strip() or learned.strip()):
        raise ValidationError(
            {"what_happened": "Say briefly what happened: it is what the session works with."}
        )
    checkin = CheckIn.objects.filter(session=session, action=action).first() or CheckIn(
        session=session, action=action
    )
    checkin.outcome = outcome
    checkin.what_happened = what_happened.strip()
    checkin.learned = learned.strip()
    checkin.recorded_by = actor
    validated_save(checkin)
    action = locked(action)
    if outcome == CheckIn.Outcome.DONE:
        action.status = ActionItem.Status.DONE
        action.completed_at = action.completed_at or timezone.now()
    else:
        action.status = ActionItem.Status.OPEN
        action.completed_at = None
    action.version += 1
    action.save()
    return checkin


REFLECTION_FIELDS = ("situation", "what_i_did", "what_happened", "what_i_learned")


def _check_target(engagement: Engagement, target: BehaviouralTarget | None) -> None:
    if target is not None and target.engagement_id != engagement.pk:
        raise ValidationError({"target": "That target belongs to another engagement."})


@transaction.atomic
def reflection_create(
    *,
    actor: User,
    engagement: Engagement,
    situation: str,
    what_i_did: str,
    what_happened: str,
    what_i_learned: str,
    target: BehaviouralTarget | None = None,
    share_with_coach: bool = False,
    form_token: UUID | None = None,
) -> Reflection:
    """Write a reflection. With the ``form_token`` of the page's form, sending the same form
    again returns the reflection it already made (concurrent sends included: the database's
    unique constraint decides which one wins)."""
    engagement_require(actor, Perm.WRITE_REFLECTIONS, engagement)
    _check_target(engagement, target)
    if form_token is not None:
        already = Reflection.objects.filter(author=actor, form_token=form_token).first()
        if already is not None:
            return already
    reflection = Reflection(
        engagement=engagement,
        author=actor,
        target=target,
        situation=situation.strip(),
        what_i_did=what_i_did.strip(),
        what_happened=what_happened.strip(),
        what_i_learned=what_i_learned.strip(),
        shared_with_coach=share_with_coach,
        shared_at=timezone.now() if share_with_coach else None,
        form_token=form_token,
    )
    try:
        with transaction.atomic():
            validated_save(reflection)
    except IntegrityError:  # the same form, sent at the same moment, won
        return Reflection.objects.get(author=actor, form_token=form_token)
    except ValidationError as exc:
        if form_token is not None and "__all__" in getattr(exc, "error_dict", {}):
            existing = Reflection.objects.filter(author=actor, form_token=form_token).first()
            if existing is not None:
                return existing
        raise
    if share_with_coach:
        events.reflection_shared(reflection)
    return reflection


@transaction.atomic
def reflection_update(
    *,
    actor: User,
    reflection: Reflection,
    expected_version: int | None,
    target: BehaviouralTarget | None,
    share_with_coach: bool,
    **texts: str,
) -> Reflection:
    reflection = locked(reflection)
    if reflection.author_id != actor.pk:
        raise PermissionDenied("Only the author can change a reflection.")
    _check_target(reflection.engagement, target)
    bump_version(reflection, expected=expected_version)
    for name in REFLECTION_FIELDS:
        setattr(reflection, name, texts[name].strip())
    reflection.target = target
    newly_shared = share_with_coach and not reflection.shared_with_coach
    if newly_shared:
        reflection.shared_at = timezone.now()
    elif not share_with_coach:
        reflection.shared_at = None
    reflection.shared_with_coach = share_with_coach
    validated_save(reflection)
    if newly_shared:
        events.reflection_shared(reflection)
    return reflection
