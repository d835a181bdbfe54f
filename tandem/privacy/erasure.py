"""Erasing a person (GDPR Art. 17).

What goes: everything confidential about them — the content of every engagement they were
coached in (session summaries, GROW notes, actions and check-ins, reflections, targets,
reviews, sponsor summaries, their 360 rounds with every answer and report, their Big-Five
profile, transcript analyses, the coach's private notes on their sessions) — and what is
theirs elsewhere: private notes they wrote as a coach, transcripts they uploaded, their coach
profile, notifications, calendar feed, programme places and coach proposals.

What stays: the engagements themselves (dates, status, sessions held and their dates) so
programme figures and other people's records stay whole; the programme's pre-aggregated
figures; answers they gave as an anonymous 360 rater, which by construction cannot be told
apart from anyone else's and live on only inside reports already released (their invitation
loses their name and address). The account becomes a tombstone, "a former member", that can
no longer sign in. The ``Erasure`` record keeps who erased, when and how much — no content.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Model, Q, QuerySet
from django.utils import timezone

from tandem.accounts.models import CoachProfile, Membership, Organisation, ProgrammeMember, User
from tandem.action_items.models import ActionItem, CheckIn, Reflection
from tandem.coaching_sessions.models import (
    AgendaTopic,
    CoachingSession,
    PrivateNote,
    SessionFeedback,
)
from tandem.core.policy import admin_organisation_ids, policy_cache_clear
from tandem.engagements.models import BehaviouralTarget, Engagement, Review, SponsorSummary
from tandem.feedback.models import FeedbackCycle, Invitation
from tandem.notifications.models import CalendarFeed, Notification, NotificationPreference
from tandem.privacy.models import FORMER_MEMBER, Erasure
from tandem.profiles.models import PersonalityProfile
from tandem.programmes.models import MatchProposal
from tandem.transcripts.models import TranscriptAnalysis

RUNNING = (
    Engagement.Status.DRAFT,
    Engagement.Status.CONTRACTING,
    Engagement.Status.ACTIVE,
    Engagement.Status.CLOSING,
    Engagement.Status.PAUSED,
)


@dataclass(frozen=True)
class Part:
    label: str
    rows: QuerySet[Model]
    apply: Callable[[QuerySet[Model]], object] = lambda rows: rows.delete()


@dataclass
class ErasurePlan:
    person: User
    goes: list[tuple[str, int]] = field(default_factory=list)
    engagements: list[Engagement] = field(default_factory=list)  # coached in; stay, emptied
    others: list[Engagement] = field(default_factory=list)  # coach or sponsor of; stay whole

    @property
    def total(self) -> int:
        return sum(n for _, n in self.goes)


def _blank_sessions(rows: QuerySet[Model]) -> None:
    rows.update(summary="", no_action_reason="")


def _anonymise_invitations(rows: QuerySet[Model]) -> None:
    for invitation in rows:
        assert isinstance(invitation, Invitation)
        Invitation.objects.filter(pk=invitation.pk).update(
            name=FORMER_MEMBER,
            email=f"erased-{invitation.pk}@erased.invalid",
            token="",
            draft="",
            token_hash=None,
        )


def _of(model: type[Model], **lookup: object) -> QuerySet[Model]:
    return model._default_manager.filter(**lookup)


def content_parts(engagements: QuerySet[Engagement]) -> list[Part]:
    """The confidential content of these engagements, in an order that deletes each row
    once (check-ins before the actions they cascade from). Erasure and retention share it."""
    sessions = CoachingSession.objects.filter(engagement__in=engagements)
    return [
        Part(
            "Session summaries (the sessions' dates stay)",
            sessions.exclude(summary="", no_action_reason=""),
            _blank_sessions,
        ),
        Part("Agenda topics and GROW notes", _of(AgendaTopic, session__engagement__in=engagements)),
        Part("Accountability check-ins", _of(CheckIn, session__engagement__in=engagements)),
        Part("Actions", _of(ActionItem, engagement__in=engagements)),
        Part("Reflections", _of(Reflection, engagement__in=engagements)),
        Part("Coaches' private notes", _of(PrivateNote, session__engagement__in=engagements)),
        Part("Session feedback", _of(SessionFeedback, session__engagement__in=engagements)),
        Part("Behavioural targets", _of(BehaviouralTarget, engagement__in=engagements)),
        Part("Reviews and their ratings", _of(Review, engagement__in=engagements)),
        Part("Sponsor summaries", _of(SponsorSummary, engagement__in=engagements)),
        Part(
            "360 rounds (raters, answers, comments, reports)",
            _of(FeedbackCycle, engagement__in=engagements),
        ),
        Part("Big-Five profile", _of(PersonalityProfile, engagement__in=engagements)),
        Part("Transcript analyses", _of(TranscriptAnalysis, engagement__in=engagements)),
    ]


def _parts(person: User) -> list[Part]:
    coached = Engagement.objects.filter(coachee=person)
    return [
        *content_parts(coached),
        Part("Reflections they wrote elsewhere", _of(Reflection, author=person)),
        Part("Private notes they wrote as a coach", _of(PrivateNote, author=person)),
        Part("Transcripts they uploaded elsewhere", _of(TranscriptAnalysis, uploaded_by=person)),
        Part(
            "Their name and address on 360 invitations they received as a rater",
            _of(Invitation, email=person.email).exclude(cycle__engagement__in=coached),
            _anonymise_invitations,
        ),
        Part("Coach profile", _of(CoachProfile, user=person)),
        Part("Notifications", _of(Notification, recipient=person)),
        Part("Notification settings", _of(NotificationPreference, user=person)),
        Part("Calendar feed", _of(CalendarFeed, user=person)),
        Part("Coach proposals", _of(MatchProposal, coachee=person)),
        Part("Places in programmes", _of(ProgrammeMember, user=person)),
    ]


def erasure_refusal(*, actor: User, person: User) -> str:
    """Why ``actor`` may not erase ``person``, or "" if they may.

    A programme admin erases people of organisations they run — all of the person's
    organisations, since erasure reaches everything. A client of an independent coach (whose
    organisations are all practices, run by the coach) may erase themselves."""
    if person.is_staff or person.is_superuser:
        return "Platform staff accounts are erased by the operator, not from here."
    if Erasure.objects.filter(person=person).exists():
        return f"{person} was erased already."
    orgs = set(Membership.objects.filter(user=person).values_list("organisation_id", flat=True))
    if actor.pk == person.pk:
        practices = set(
            Organisation.objects.filter(pk__in=orgs, is_practice=True).values_list("pk", flat=True)
        )
        if orgs and orgs == practices and not orgs & admin_organisation_ids(person):
            return ""
        return (
            "Your organisation's programme admin erases accounts: ask them (they see first "
            "exactly what would go)."
        )
    missing = orgs - admin_organisation_ids(actor)
    if not orgs or actor.pk == person.pk:
        return "Only a programme admin of their organisation erases a person."
    if missing:
        names = ", ".join(str(o) for o in Organisation.objects.filter(pk__in=missing))
        return (
            f"{person} also belongs to {names}: erasing them would reach its records too, so "
            "its programme admins must agree and erase them."
        )
    for membership in Membership.objects.filter(
        user=person, role=Membership.Role.PROGRAMME_ADMIN, is_active=True
    ):
        others = Membership.objects.filter(
            organisation_id=membership.organisation_id,
            role=Membership.Role.PROGRAMME_ADMIN,
            is_active=True,
        ).exclude(user=person)
        if not others.exists():
            return (
                f"{person} is the last programme admin of {membership.organisation}: "
                "appoint another first."
            )
    return ""


def erasure_plan(*, actor: User, person: User) -> ErasurePlan:
    """The dry run: what would go, counted, and which engagements stay. Changes nothing."""
    refusal = erasure_refusal(actor=actor, person=person)
    if refusal:
        raise PermissionDenied(refusal)
    plan = ErasurePlan(person=person)
    for part in _parts(person):
        count = part.rows.count()
        if count:
            plan.goes.append((part.label, count))
    plan.engagements = list(Engagement.objects.filter(coachee=person))
    plan.others = list(
        Engagement.objects.filter(Q(coach=person) | Q(sponsor=person)).exclude(coachee=person)
    )
    return plan


@transaction.atomic
def person_erase(*, actor: User, person: User, confirm: str) -> Erasure:
    """Erase ``person`` for good. ``confirm`` must be their email address, typed."""
    person = User.objects.select_for_update().get(pk=person.pk)
    refusal = erasure_refusal(actor=actor, person=person)
    if refusal:
        raise PermissionDenied(refusal)
    if confirm.strip().lower() != person.email.lower():
        raise ValidationError(
            {"confirm": f"Type {person.email} to confirm: this cannot be undone."}
        )
    counts: dict[str, int] = {}
    for part in _parts(person):
        count = part.rows.count()
        if count:
            part.apply(part.rows)
            counts[part.label] = count
    _empty_engagements(person)
    organisation = (
        Organisation.objects.filter(memberships__user=person)
        .filter(pk__in=admin_organisation_ids(actor))
        .first()
    )
    Membership.objects.filter(user=person, is_active=True).update(
        is_active=False, deactivated_at=timezone.now()
    )
    person.full_name = FORMER_MEMBER
    person.email = f"erased-{person.pk}@erased.invalid"
    person.time_zone = ""
    person.is_active = False
    person.email_bounced_at = None
    person.set_unusable_password()  # also ends every session they had open
    person.save()
    policy_cache_clear(person)
    return Erasure.objects.create(
        person=person, erased_by=actor, organisation=organisation, counts=counts
    )


def _empty_engagements(person: User) -> None:
    """Their engagements stay as dates and counts: titles (which may name them) and the
    sponsor's change note go; one still running is cancelled and its planned sessions
    called off."""
    from tandem.engagements.services import _call_off_planned_sessions
    from tandem.programmes.figures import figures_touch

    for engagement in Engagement.objects.select_for_update().filter(coachee=person):
        engagement.title = ""
        engagement.targets_changes_requested = ""
        if engagement.status in RUNNING:
            engagement.status = Engagement.Status.CANCELLED
            engagement.status_before_pause = ""
        engagement.version += 1
        engagement.save()
        _call_off_planned_sessions(engagement)
        figures_touch(engagement)
