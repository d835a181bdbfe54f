"""Builders for tests: a lived-in engagement with one of everything."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from django.apps import apps
from django.db.models import JSONField
from django.utils import timezone

from tandem.accounts.models import User
from tandem.action_items import services as actions
from tandem.action_items.models import ActionItem, Reflection
from tandem.action_items.selectors import accountability_pending
from tandem.coaching_sessions import services as sessions
from tandem.coaching_sessions.models import (
    AgendaTopic,
    CoachingSession,
    GrowOption,
    PrivateNote,
    SessionFeedback,
)
from tandem.core.fields import EncryptedJSONField, confidential_field_names
from tandem.engagements import services as engagements
from tandem.engagements.models import BehaviouralTarget, Engagement, SponsorSummary
from tandem.feedback import services as feedback
from tandem.feedback.models import Comment, FeedbackCycle, Invitation
from tandem.transcripts.models import TranscriptAnalysis
from tandem.transcripts.services import transcript_analyse

TARGET = {
    "behaviour": "I raise concerns early in meetings",
    "why_it_matters": "Late escalations cost the team weeks.",
    "success_indicators": "Peers say they hear my concerns before decisions.",
    "weight": 1,
    "gas_minus_2": "Never raises concerns",
    "gas_minus_1": "Raises them after decisions",
    "gas_0": "Raises them in most meetings",
    "gas_plus_1": "Raises them early with an alternative",
    "gas_plus_2": "Peers ask for the challenge",
}


def backdate(obj: object, when: dt.datetime) -> None:
    type(obj).objects.filter(pk=obj.pk).update(created_at=when)  # type: ignore[attr-defined]


def plan_session(engagement: Engagement, *, hours_from_now: float = -1) -> CoachingSession:
    return sessions.sessions_plan(
        actor=engagement.coach,
        engagement=engagement,
        first_at=timezone.now() + dt.timedelta(hours=hours_from_now),
        count=1,
        allow_overlap=True,  # tests place sessions freely; the warning has tests of its own
    )[0]


def held_session_with_action(engagement: Engagement, *, days_ago: int = 14) -> ActionItem:
    """A session held ``days_ago`` that agreed one action for the coachee, still open."""
    session = plan_session(engagement, hours_from_now=-24 * days_ago)
    action = actions.action_create(
        actor=engagement.coach,
        engagement=engagement,
        session=session,
        title="Ask Dev which decisions he wants to own",
        owner=engagement.coachee,
        due_date=None,
    )
    backdate(action, session.scheduled_at + dt.timedelta(minutes=30))
    for pending in accountability_pending(session):
        actions.checkin_record(
            actor=engagement.coach, session=session, action=pending, outcome="done"
        )
    sessions.session_close(actor=engagement.coach, session=session, summary="Held.")
    action.refresh_from_db()
    return action


@dataclass
class World:
    engagement: Engagement
    target: BehaviouralTarget
    previous_action: ActionItem
    session: CoachingSession
    topic: AgendaTopic
    option: GrowOption
    reflection: Reflection
    private_note: PrivateNote
    cycle: FeedbackCycle
    invitation: Invitation
    comment: Comment
    analysis: TranscriptAnalysis


def build_world(engagement: Engagement) -> World:
    coach: User = engagement.coach
    coachee: User = engagement.coachee
    target = engagements.target_create(actor=coach, engagement=engagement, **TARGET)
    previous = held_session_with_action(engagement)
    session = plan_session(engagement)
    topic = sessions.agenda_topic_add(actor=coachee, session=session, title="Delegating Q3")
    sessions.grow_topic_update(
        actor=coach,
        topic=topic,
        goal="Hand over Q3 planning",
        reality="I still edit every plan",
        will="",
        expected_version=None,
    )
    option = sessions.grow_option_add(actor=coach, topic=topic, description="Agree rights")
    reflection = actions.reflection_create(
        actor=coachee,
        engagement=engagement,
        target=target,
        situation="Ops review",
        what_i_did="Asked a question first",
        what_happened="They listened",
        what_i_learned="Questions open doors",
        share_with_coach=True,
    )
    note = sessions.private_note_save(
        actor=coach, session=session, body="Seems tired.", expected_version=None
    )
    cycle = feedback.cycle_create(
        actor=coach,
        engagement=engagement,
        kind="baseline",
        closes_on=timezone.localdate() + dt.timedelta(days=14),
        competency_keys=["delegation"],
    )
    invitation = feedback.invitation_nominate(
        actor=coachee, cycle=cycle, name="Pat Peer", email="pat@example.org", group="peer"
    )
    comment = Comment(cycle=cycle, group="peer", text="Delegates well")
    comment.save()
    analysis = transcript_analyse(
        actor=coach,
        engagement=engagement,
        filename="1on1.txt",
        data=b"Casey: What would you like to focus on today?\nLee: Delegating the Q3 plan.\n",
    )
    return World(
        engagement,
        target,
        previous,
        session,
        topic,
        option,
        reflection,
        note,
        cycle,
        invitation,
        comment,
        analysis,
    )


CANARY = "zqxcanary"


def write_canaries(world: World) -> list[str]:
    """A distinct canary in every confidential field of every row (tandem.core.fields.
    confidential_field_names), plus the rows the world lacks (a sponsor summary not yet
    approved, the coachee's session feedback). Returns the canaries written.

    JSON content (a Big-Five profile, an analysis result, a rater's draft) keeps its
    structure; those have tests of their own."""
    engagement = world.engagement
    SponsorSummary.objects.create(engagement=engagement, text="draft summary")
    held = engagement.sessions.exclude(pk=world.session.pk).get()
    SessionFeedback.objects.create(session=held, usefulness=4, word="useful")
    canaries: list[str] = []
    for model in apps.get_models():
        names = confidential_field_names(model)
        if not names:
            continue
        for i, obj in enumerate(model._default_manager.all()):
            changed = []
            for name in names:
                value = getattr(obj, name)
                if isinstance(model._meta.get_field(name), EncryptedJSONField | JSONField) or (
                    isinstance(value, str) and value.lstrip()[:1] in {"{", "["}
                ):
                    continue
                canary = f"{CANARY}-{model._meta.model_name}-{name}-{i}"
                setattr(obj, name, canary)
                changed.append(name)
                canaries.append(canary)
            if changed:
                obj.save(update_fields=changed)
    return canaries


def canaries_in(content: bytes | str) -> list[str]:
    text = content.decode() if isinstance(content, bytes) else content
    return sorted(set(re.findall(rf"{CANARY}-[\w-]+", text)))
