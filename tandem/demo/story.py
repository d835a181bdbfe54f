"""The Northwind story: the demo's first engagements, each at a different point of the
coaching loop, created through the real services (``seed_demo`` runs it)."""

from __future__ import annotations

import datetime as dt
import functools
from pathlib import Path
from typing import Any

from django.contrib.auth.hashers import make_password
from django.utils import timezone

from tandem.accounts.models import Membership, Organisation, Programme, User
from tandem.action_items import services as actions
from tandem.action_items.models import ActionItem
from tandem.action_items.selectors import accountability_pending
from tandem.coaching_sessions import services as sessions
from tandem.coaching_sessions.feedback import session_feedback_give
from tandem.demo import rhythm
from tandem.engagements import reviews
from tandem.engagements import services as engagements
from tandem.engagements.models import Engagement
from tandem.feedback import services as feedback
from tandem.feedback.models import Comment, FeedbackCycle, Invitation
from tandem.transcripts.services import transcript_analyse

ORG_SLUG = "northwind"
PASSWORD = "tandem-demo"  # noqa: S105 - published demo logins

PEOPLE = [
    # key, name, email, organisation role
    ("admin", "Helen Hart", "helen@northwind.example", Membership.Role.PROGRAMME_ADMIN),
    ("coach", "Alex Morgan", "alex@northwind.example", Membership.Role.MEMBER),
    ("priya", "Priya Shah", "priya@northwind.example", Membership.Role.MEMBER),
    ("jordan", "Jordan Lee", "jordan@northwind.example", Membership.Role.MEMBER),
    ("ravi", "Ravi Kumar", "ravi@northwind.example", Membership.Role.MEMBER),
    ("lena", "Lena Fischer", "lena@northwind.example", Membership.Role.MEMBER),
    ("omar", "Omar Haddad", "omar@northwind.example", Membership.Role.MEMBER),
    ("sponsor", "Sam Okafor", "sam@northwind.example", Membership.Role.MEMBER),
    ("manager", "Maria Chen", "maria@northwind.example", Membership.Role.MEMBER),
    ("report", "Tom Becker", "tom@northwind.example", Membership.Role.MEMBER),
]

ROLE_OF = {
    "admin": "programme admin: Emerging Leaders 2026 (pool, cohort, dashboard)",
    "coach": "coach (Priya, Jordan, Ravi, Lena, Omar, Aisha); own practice with Kim",
    "priya": "coachee, midway through coaching",
    "jordan": "coachee, contracting",
    "ravi": "coachee, completed: two 360s, close review, sponsor summary",
    "lena": "coachee, just started: first session next week",
    "omar": "coachee, engagement paused (parental leave)",
    "sponsor": "sponsor (supervisor of the five coachees)",
    "manager": "manager running 1:1s with Tom",
    "report": "Tom, Maria's report",
}


@functools.cache
def _password_hash() -> str:
    return make_password(PASSWORD)


def demo_user(email: str, full_name: str) -> User:
    """A demo person who signs in with the published password. It is hashed once: hashing
    is slow by design, and the demo has two dozen people."""
    from allauth.account.models import EmailAddress

    user = User.objects.create(email=email, full_name=full_name, password=_password_hash())
    # Demo addresses count as verified, so the published logins sign straight in.
    EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
    return user


def _weekday(day: dt.date) -> dt.date:
    """The day itself, or the Friday before if it falls on a weekend: nobody coaches then."""
    return day - dt.timedelta(days=max(0, day.weekday() - 4))


def _at(day: dt.date, hour: int) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, 0)))


def _signed_off_on(e: Engagement, day: dt.date) -> None:
    """The three-way meeting happened early in the engagement, not when the seed ran."""
    Engagement.objects.filter(pk=e.pk).update(
        targets_submitted_at=_at(day - dt.timedelta(days=2), 16),
        targets_signed_off_at=_at(day, 11),
    )


def _engagement_that_ran(*, start_date: dt.date, end_date: dt.date, **fields: Any) -> Engagement:
    """An engagement of the past: created as one starting today (nobody can create one that
    is over already), then moved to the dates it ran."""
    today = timezone.localdate()
    e = engagements.engagement_create(
        start_date=today, end_date=today + (end_date - start_date), **fields
    )
    Engagement.objects.filter(pk=e.pk).update(start_date=start_date, end_date=end_date)
    e.refresh_from_db()
    return e


def _backdate(obj: Any, when: dt.datetime) -> None:
    """History has to look old: created_at is auto-set, so move it afterwards."""
    type(obj).objects.filter(pk=obj.pk).update(created_at=when, updated_at=when)


class Northwind:
    """The story of Northwind Logistics' first coaching programme, told through the services:
    Priya midway, Jordan contracting, Ravi completed, Lena starting, Omar paused, Maria's
    1:1s with Tom, and five Big-Five profiles."""

    def build(self) -> tuple[Organisation, Programme, dict[str, User]]:
        org = Organisation.objects.create(name="Northwind Logistics", slug=ORG_SLUG)
        programme = Programme.objects.create(
            organisation=org,
            name="Emerging Leaders 2026",
            description=(
                "Coaching for newly promoted leaders: six months, a sponsor for each, a 360 at "
                "the start and the end. It follows the 12-skills leadership course."
            ),
            training="the 12-skills leadership course",
            start_date=timezone.localdate() - dt.timedelta(days=300),
            end_date=timezone.localdate() + dt.timedelta(days=200),
            default_planned_sessions=8,
            default_length_days=126,
        )
        people: dict[str, User] = {}
        for key, name, email, role in PEOPLE:
            user = demo_user(email, name)
            Membership.objects.create(user=user, organisation=org, role=role)
            people[key] = user
        self._priya(org, programme, people)
        self._baseline_360(people)
        self._midpoint_pulse(people)
        self._completed(org, programme, people)
        self._jordan(org, programme, people)
        self._starting(org, programme, people)
        self._one_on_ones(org, people)
        self._profiles(people)
        return org, programme, people

    # --- a coaching engagement midway -----------------------------------------------------

    def _priya(self, org: Organisation, programme: Programme, p: dict[str, User]) -> None:
        now = timezone.now()
        today = timezone.localdate()
        start = _weekday(today - dt.timedelta(days=72))
        e = engagements.engagement_create(
            actor=p["admin"],
            organisation=org,
            programme=programme,
            kind=Engagement.Kind.COACHING,
            title="Priya Shah — leading through others",
            coach=p["coach"],
            coachee=p["priya"],
            sponsor=p["sponsor"],
            start_date=start,
            end_date=start + dt.timedelta(days=126),
            planned_sessions=8,
            session_minutes=75,
        )
        engagements.engagement_set_status(actor=p["admin"], engagement=e, status="contracting")
        t1 = engagements.target_create(
            actor=p["coach"],
            engagement=e,
            behaviour="I delegate whole outcomes, not tasks, and stay out of the detail",
            baseline_item="delegation.outcomes",
            why_it_matters="My team waits for me; I am the bottleneck and work late.",
            success_indicators="Team leads own their weekly plan; I review outcomes, not steps.",
            gas_minus_2="I still redo or approve most of the team's work",
            gas_minus_1="I delegate tasks but take them back when they slip",
            gas_0="Two leads own an outcome end to end with a weekly check-in",
            gas_plus_1="All three leads own outcomes; I am consulted, not asked",
            gas_plus_2="The team runs a quarter's plan without me in the detail",
        )
        t2 = engagements.target_create(
            actor=p["priya"],
            engagement=e,
            behaviour="I raise disagreements in the meeting, calmly and early",
            baseline_item="candour.early",
            why_it_matters="Issues I keep quiet about come back as escalations.",
            success_indicators="Peers say I am direct and fair; fewer surprises after meetings.",
            gas_minus_2="I avoid the conversation and complain afterwards",
            gas_minus_1="I raise it, but only after the decision is made",
            gas_0="I raise concerns in the meeting in most cases",
            gas_plus_1="I raise concerns early and propose an alternative",
            gas_plus_2="Peers seek my challenge before decisions",
        )
        engagements.targets_submit(actor=e.coachee, engagement=e)
        engagements.targets_sign_off(actor=p["sponsor"], engagement=e)
        _signed_off_on(e, start + dt.timedelta(days=20))  # once the baseline 360 was read
        e.refresh_from_db()  # signed off: it moved to active by itself

        first = _at(start, 10)
        planned = sessions.sessions_plan(actor=p["coach"], engagement=e, first_at=first, count=5)
        # The current session is this morning (the last weekday's, at a weekend), so the demo
        # can run and close it.
        current_at = _at(_weekday(today), 9)
        later = sessions.sessions_plan(actor=p["coach"], engagement=e, first_at=current_at, count=3)
        script = [
            (
                "My calendar is full of other people's problems",
                "Free four hours a week for strategy work",
                "I attend 22 meetings a week; 9 are status updates I could read.",
                [("Decline status meetings, ask for written updates", "Time back", "FOMO")],
                9,
                "Ask the three leads for a written Friday update instead of the Monday meeting",
                "done",
            ),
            (
                "Handing the Q3 plan to Dev",
                "Agree with Dev what he owns on the Q3 plan",
                "I gave Dev the plan but keep editing his spreadsheet at night.",
                [
                    ("Agree decision rights with Dev", "Clarity", "Feels awkward"),
                    ("Only comment in the weekly 1:1", "Less noise", "Slower"),
                ],
                8,
                "Write down with Dev which Q3 decisions are his alone",
                "partly",
            ),
            (
                "The ops review where I stayed quiet",
                "Prepare how I will disagree in next week's ops review",
                "I thought the routing change was wrong and said nothing.",
                [("Ask a question first, then state my view", "Less confrontational", "")],
                6,
                "Speak up at least once in the ops review with a concrete alternative",
                "not_done",
            ),
            (
                "Feedback to Lena",
                "Give Lena feedback on missed handovers",
                "Twice this month handovers were missed; I fixed them myself.",
                [("Use situation–behaviour–impact", "Concrete", "Needs prep")],
                9,
                "Hold the feedback conversation with Lena",
                "done",
            ),
            (
                "Saying no to the CFO's request",
                "Decide whether to take on the cost project",
                "The CFO asked me to lead cost cutting on top of Q3.",
                [
                    ("Say yes with conditions", "Visibility", "Overload"),
                    ("Propose Dev instead", "Growth for Dev", "CFO may refuse"),
                ],
                8,
                "Propose Dev to the CFO with me as sponsor",
                "open",
            ),
        ]
        texts = {
            "done": (
                "All three leads sent a Friday note; Monday meeting cancelled.",
                "Reading updates takes 20 minutes, not 3 hours.",
            ),
            "partly": (
                "We listed the decisions but have not agreed two of them.",
                "I hold on to the budget decisions: that's my fear.",
            ),
            "not_done": (
                "The review was moved; in the next one I froze again.",
                "I wait for certainty before speaking.",
            ),
        }
        outcome_next_time: dict[object, str] = {}
        for session, row in zip(planned, script, strict=True):
            title, goal, reality, options, rating, action_title, next_outcome = row
            # Accountability first: every action still open, from any earlier session.
            for pending in accountability_pending(session):
                # What the script says for last time's action; carried ones get done now.
                outcome = outcome_next_time.pop(pending.pk, "done")
                what_happened, learned = texts[outcome]
                actions.checkin_record(
                    actor=p["coach"],
                    session=session,
                    action=pending,
                    outcome=outcome,
                    what_happened=what_happened,
                    learned=learned,
                )
            topic = sessions.agenda_topic_add(actor=p["priya"], session=session, title=title)
            sessions.grow_topic_update(
                actor=p["coach"],
                topic=topic,
                goal=goal,
                reality=reality,
                will=f"{action_title}.",
                expected_version=None,
            )
            for description, pros, cons in options:
                option = sessions.grow_option_add(
                    actor=p["coach"], topic=topic, description=description, pros=pros, cons=cons
                )
            sessions.grow_option_set_chosen(actor=p["coach"], option=option, chosen=True)
            outcome = sessions.grow_topic_commit(actor=p["priya"], topic=topic, rating=rating)
            if outcome == sessions.CommitOutcome.REVISIT_GOAL:
                sessions.grow_topic_revisit_goal(
                    actor=p["priya"],
                    topic=topic,
                    goal="Ask one question in the ops review, then say what I think",
                    expected_version=None,
                )
                sessions.grow_topic_commit(actor=p["priya"], topic=topic, rating=8)
            action = actions.action_create(
                actor=p["coach"],
                engagement=e,
                session=session,
                topic=topic,
                title=action_title,
                owner=p["priya"],
                due_date=None,
            )
            ActionItem.objects.filter(pk=action.pk).update(
                due_date=session.scheduled_at.date() + dt.timedelta(days=10)
            )
            _backdate(action, session.scheduled_at + dt.timedelta(minutes=50))
            action.refresh_from_db()
            if next_outcome != "open":
                outcome_next_time[action.pk] = next_outcome
            sessions.session_close(
                actor=p["coach"],
                session=session,
                summary=f"We worked on: {title}. Priya chose: {action_title}.",
            )
            session_feedback_give(
                actor=p["priya"],
                session=session,
                usefulness=5 if rating >= 8 else 3,
                word="clarity" if rating >= 8 else "",
            )
            sessions.private_note_save(
                actor=p["coach"],
                session=session,
                body=f"Energy {'high' if rating >= 8 else 'low'}; notice the pattern of "
                "taking work back under pressure.",
                expected_version=None,
            )
        # A dropped action and a coachee's own action between sessions.
        dropped = actions.action_create(
            actor=p["priya"],
            engagement=e,
            title="Shadow the night shift handover",
            owner=p["priya"],
            due_date=None,
        )
        _backdate(dropped, planned[2].scheduled_at + dt.timedelta(days=2))
        actions.action_update(
            actor=p["priya"],
            action=dropped,
            evidence="Not needed any more: Lena now runs the handover.",
            status="dropped",
            expected_version=None,
        )
        own = actions.action_create(
            actor=p["priya"],
            engagement=e,
            title="Block Thursday mornings for strategy work",
            owner=p["priya"],
            due_date=today + dt.timedelta(days=3),
        )
        _backdate(own, planned[4].scheduled_at + dt.timedelta(days=3))
        actions.action_update(
            actor=p["priya"],
            action=own,
            evidence="Blocked for the next four weeks; kept it once so far.",
            status="open",
            expected_version=None,
        )
        # Today's session: reminded two days ago, Priya has set the agenda.
        rhythm.agenda_reminder_sent(later[0])
        sessions.agenda_topic_add(
            actor=p["priya"], session=later[0], title="Dev's first month owning Q3"
        )
        sessions.agenda_topic_add(
            actor=p["priya"], session=later[0], title="Preparing for the board presentation"
        )
        reflections = [
            (
                t2,
                "Ops review, routing change",
                "I asked 'what happens to the late deliveries?' before giving my view.",
                "Two others agreed; the change was delayed a week for a pilot.",
                "A question first makes it easier for me to speak.",
                True,
            ),
            (
                t1,
                "Dev's spreadsheet",
                "I opened it at 11pm and closed it again without editing.",
                "Dev's version was different from mine, and fine.",
                "My urge to fix is about my anxiety, not his work.",
                True,
            ),
            (
                t1,
                "Sunday evening",
                "Wrote my worries down instead of emailing the team.",
                "Slept better; Monday started calmer.",
                "Writing it down is enough most of the time.",
                False,
            ),
        ]
        for days_ago, (target, situation, did, happened, learned, share) in zip(
            (30, 12, 4), reflections, strict=True
        ):
            r = actions.reflection_create(
                actor=p["priya"],
                engagement=e,
                target=target,
                situation=situation,
                what_i_did=did,
                what_happened=happened,
                what_i_learned=learned,
                share_with_coach=share,
            )
            _backdate(r, now - dt.timedelta(days=days_ago))

    # --- Priya's baseline 360, released ---------------------------------------------------

    def _baseline_360(self, p: dict[str, User]) -> None:
        e = Engagement.objects.get(coachee=p["priya"])
        # How people see Priya: strong on direction, weak on delegation and candour.
        level = {"direction": 4.2, "delegation": 2.4, "communication": 3.6, "candour": 2.6}
        self._run_360(p, e, "baseline", level, opened_on=e.start_date + dt.timedelta(days=1))

    def _raters(self, p: dict[str, User], e: Engagement) -> list[tuple[str, str, str]]:
        first = e.coachee.full_name.split()[0].lower()
        return [
            (e.sponsor.full_name, e.sponsor.email, "manager") if e.sponsor else ("", "", ""),
            *[(f"Peer {n}", f"{first}.peer{n}@northwind.example", "peer") for n in range(1, 5)],
            *[
                (f"Report {n}", f"{first}.report{n}@northwind.example", "direct_report")
                for n in range(1, 4)
            ],
            # Two stakeholders: too few to show alone, so they merge with the one "other"
            # rater into "Others" (3 answers, shown).
            *[
                (f"Partner {n}", f"{first}.partner{n}@northwind.example", "stakeholder")
                for n in (1, 2)
            ],
            ("Olu Finance", f"{first}.olu@northwind.example", "other"),
        ]

    def _open_cycle(
        self,
        p: dict[str, User],
        e: Engagement,
        kind: str,
        *,
        closes_in_days: int,
        competency_keys: list[str] | None = None,
        groups: set[str] | None = None,
    ) -> tuple[FeedbackCycle, list[str]]:
        """Set up a 360, have the coachee nominate the demo raters (of ``groups``, or all),
        the coach approve them, and open it. Returns the cycle and its item keys."""
        cycle = feedback.cycle_create(
            actor=e.coach,
            engagement=e,
            kind=kind,
            closes_on=timezone.localdate() + dt.timedelta(days=closes_in_days),
            competency_keys=competency_keys,
            manager_shown_alone=True,
        )
        for name, email, group in self._raters(p, e):
            if group and (groups is None or group in groups):
                invitation = feedback.invitation_nominate(
                    actor=e.coachee, cycle=cycle, name=name, email=email, group=group
                )
                feedback.invitation_review(actor=e.coach, invitation=invitation, approve=True)
        feedback.cycle_open(actor=e.coach, cycle=cycle)
        cycle.refresh_from_db()
        assert cycle.questionnaire is not None
        return cycle, feedback.questionnaire_item_keys(cycle.questionnaire)

    def _run_360(
        self,
        p: dict[str, User],
        e: Engagement,
        kind: str,
        level: dict[str, float],
        *,
        opened_on: dt.date,
    ) -> None:
        """A whole 360 round through the services: nominate, approve, open, answer, close,
        review comments, release. Raters are the same people each round."""
        import random

        rng = random.Random(f"{e.coachee.email}-{kind}")  # the same demo every time
        cycle, keys = self._open_cycle(
            p,
            e,
            kind,
            closes_in_days=1,
            competency_keys=["direction", "delegation", "communication", "candour"],
        )
        comments = {
            "peer": [
                "Generous with their time but hard to reach when overloaded.",
                "I wish they said what they think in the meeting, not afterwards.",
                "",
                "Brilliant at setting direction for the region.",
            ],
            "direct_report": [
                "I would like more room to make decisions on my own projects.",
                "Work we hand in is often redone, which is demotivating.",
                "",
            ],
            "manager": ["Ready for a bigger remit once the leads own more."],
            "stakeholder": ["Clear plans, but decisions wait for sign-off.", ""],
        }
        assert cycle.questionnaire is not None
        # A target is rated like the competency question it is linked to.
        linked = {
            i["key"]: i.get("baseline_item") or ""
            for section in cycle.questionnaire["sections"]
            for i in section["items"]
        }
        for invitation in cycle.invitations.filter(status=Invitation.Status.APPROVED):
            raw = {}
            # Each rater sees the coachee a little kinder or harsher across the board; that
            # shared view is what makes a competency's questions hang together (its alpha).
            leniency = rng.gauss(0, 0.55)
            for key in keys:
                base = level.get((linked[key] or key).split(".")[0], 3.0) + leniency
                if invitation.group == "self":
                    base += 1.0  # people rate themselves kinder than others do
                value = round(min(5, max(1, rng.gauss(base, 0.45))))
                raw[key] = "na" if rng.random() < 0.04 else str(value)
            pool = comments.get(invitation.group, [])
            feedback.answers_save(
                invitation=invitation,
                raw=raw,
                comment=pool.pop(0) if pool else "",
                submit=True,
            )
        feedback.cycle_close(actor=e.coach, cycle=cycle)
        for comment in Comment.objects.filter(cycle=cycle):
            feedback.comment_review(actor=e.coach, comment=comment, approve=True)
        feedback.cycle_release(actor=e.coach, cycle=cycle)
        # The round ran when the story says: two weeks open, released two days after.
        FeedbackCycle.objects.filter(pk=cycle.pk).update(
            created_at=_at(opened_on - dt.timedelta(days=3), 9),
            opened_at=_at(opened_on, 9),
            closes_on=opened_on + dt.timedelta(days=14),
            closed_at=_at(opened_on + dt.timedelta(days=14), 17),
            released_at=_at(opened_on + dt.timedelta(days=16), 10),
        )

    def _midpoint_pulse(self, p: dict[str, User]) -> None:
        """Priya's midpoint pulse, open: five of eight raters have answered, one has saved
        half-way, and the coach can see the counts, remind, or move the deadline."""
        e = Engagement.objects.get(coachee=p["priya"])
        cycle, keys = self._open_cycle(
            p, e, "midpoint", closes_in_days=6, groups={"manager", "peer", "direct_report"}
        )
        invitations = list(
            cycle.invitations.filter(status=Invitation.Status.APPROVED)
            .exclude(group="self")
            .order_by("email")
        )
        for n, invitation in enumerate(invitations[:6]):
            raw = {key: str(3 + (n + i) % 2) for i, key in enumerate(keys)}
            feedback.answers_save(invitation=invitation, raw=raw, comment="", submit=n < 5)

    # --- a completed engagement: baseline and close 360, close review, sponsor summary -----

    def _completed(self, org: Organisation, programme: Programme, p: dict[str, User]) -> None:
        start = _weekday(timezone.localdate() - dt.timedelta(days=200))
        end = start + dt.timedelta(days=120)
        e = _engagement_that_ran(
            actor=p["admin"],
            organisation=org,
            programme=programme,
            kind=Engagement.Kind.COACHING,
            title="Ravi Kumar — from expert to leader",
            coach=p["coach"],
            coachee=p["ravi"],
            sponsor=p["sponsor"],
            start_date=start,
            end_date=end,
            planned_sessions=6,
        )
        engagements.engagement_set_status(actor=p["admin"], engagement=e, status="active")
        target = engagements.target_create(
            actor=p["coach"],
            engagement=e,
            behaviour="I let my team solve problems before I offer my answer",
            baseline_item="delegation.decide",
            why_it_matters="As the best engineer in the room, my answers stop others thinking.",
            success_indicators="The team proposes solutions in design reviews; I ask first.",
            gas_minus_2="I answer every question myself",
            gas_minus_1="I hold back sometimes, but mostly answer first",
            gas_0="In most reviews I ask two questions before giving a view",
            gas_plus_1="The team brings options; I coach rather than decide",
            gas_plus_2="Others in the team now coach the juniors this way",
        )
        engagements.targets_submit(actor=e.coachee, engagement=e)
        engagements.targets_sign_off(actor=p["sponsor"], engagement=e)
        baseline = {"direction": 2.9, "delegation": 2.3, "communication": 2.8}
        self._run_360(p, e, "baseline", baseline, opened_on=start + dt.timedelta(days=1))
        # The baseline showed the team rarely hears why: a second target, agreed after it and
        # linked to the baseline question that asks about it, so the close 360 can compare.
        engagements.targets_reopen(actor=p["coach"], engagement=e)
        e.refresh_from_db()
        second = engagements.target_create(
            actor=p["ravi"],
            engagement=e,
            behaviour="I explain the why behind technical decisions to the team",
            baseline_item="direction.why",
            why_it_matters="Decisions I don't explain get reopened and slow the team down.",
            success_indicators="Fewer reopened decisions; juniors can explain our choices.",
            gas_minus_2="Decisions arrive as orders",
            gas_minus_1="I explain when asked",
            gas_0="I write a short rationale for every major decision",
            gas_plus_1="The team debates the rationale before I decide",
            gas_plus_2="The team writes the rationale themselves",
        )
        engagements.targets_submit(actor=e.coachee, engagement=e)
        engagements.targets_sign_off(actor=p["sponsor"], engagement=e)
        _signed_off_on(e, start + dt.timedelta(days=24))
        held = sessions.sessions_plan(
            actor=p["coach"], engagement=e, first_at=_at(start + dt.timedelta(days=7), 15), count=6
        )
        for number, session in enumerate(held, start=1):
            for pending in accountability_pending(session):
                actions.checkin_record(
                    actor=p["coach"], session=session, action=pending, outcome="done"
                )
            topic = sessions.agenda_topic_add(
                actor=p["ravi"], session=session, title=f"Design review {number}"
            )
            sessions.grow_topic_update(
                actor=p["coach"],
                topic=topic,
                goal="Ask before answering in the next review",
                reality="I answered first in most reviews.",
                will="",
                expected_version=None,
            )
            sessions.grow_topic_commit(actor=p["ravi"], topic=topic, rating=8 + number % 3)
            action = actions.action_create(
                actor=p["coach"],
                engagement=e,
                session=session,
                topic=topic,
                title="Ask two questions before giving my view",
                owner=p["ravi"],
                due_date=None,
            )
            _backdate(action, session.scheduled_at + dt.timedelta(minutes=40))
            sessions.session_close(actor=p["coach"], session=session, summary="Design reviews.")
            session_feedback_give(actor=p["ravi"], session=session, usefulness=3 + number % 3)
        last = held[-1]
        for pending in accountability_pending(last):
            actions.action_update(
                actor=p["ravi"],
                action=pending,
                evidence="Done.",
                status="done",
                expected_version=None,
            )
        after = {"direction": 3.8, "delegation": 3.6, "communication": 3.5}
        self._run_360(p, e, "close", after, opened_on=end - dt.timedelta(days=20))
        levels = {target.pk: 1, second.pk: 1}
        reviews.review_rate(actor=p["coach"], engagement=e, kind="close", levels=levels)
        reviews.review_rate(
            actor=p["ravi"], engagement=e, kind="close", levels={target.pk: 0, second.pk: 1}
        )
        summary = reviews.sponsor_summary_save(
            actor=p["ravi"],
            engagement=e,
            kind="close",
            text=(
                "I set out to let my team solve problems before I answer. In most design "
                "reviews I now ask first, and the team brings options. I also write down why "
                "we decide what we decide. I will keep working on this in our 1:1s."
            ),
            approve=True,
            expected_version=None,
        )
        type(summary).objects.filter(pk=summary.pk).update(
            approved_at=_at(end - dt.timedelta(days=2), 14),
            created_at=_at(end - dt.timedelta(days=3), 14),
        )
        e.reviews.update(created_at=_at(end - dt.timedelta(days=3), 11))
        engagements.engagement_set_status(actor=p["admin"], engagement=e, status="completed")

    # --- a coaching engagement in contracting ---------------------------------------------

    def _jordan(self, org: Organisation, programme: Programme, p: dict[str, User]) -> None:
        start = _weekday(timezone.localdate() + dt.timedelta(days=3))
        e = engagements.engagement_create(
            actor=p["admin"],
            organisation=org,
            programme=programme,
            kind=Engagement.Kind.COACHING,
            coach=p["coach"],
            coachee=p["jordan"],
            sponsor=p["sponsor"],
            start_date=start,
            end_date=start + dt.timedelta(days=110),
            planned_sessions=7,
            cadence_days=14,
            session_minutes=60,
        )
        engagements.engagement_set_status(actor=p["admin"], engagement=e, status="contracting")
        engagements.target_create(
            actor=p["jordan"],
            engagement=e,
            behaviour="I listen to the end before answering in team meetings",
            why_it_matters="My team says they stop offering ideas because I jump in.",
            success_indicators="More ideas from the team; I speak last in brainstorms.",
            gas_minus_2="I interrupt in most meetings",
            gas_minus_1="I notice but still interrupt often",
            gas_0="I let people finish in most meetings and ask one follow-up question",
            gas_plus_1="I speak last in brainstorms and summarise before answering",
            gas_plus_2="Team members remark that meetings feel different",
        )
        # Jordan put the target to his sponsor, who has it waiting for sign-off.
        engagements.targets_submit(actor=p["jordan"], engagement=e)
        first = timezone.make_aware(dt.datetime.combine(start, dt.time(14, 0)))
        sessions.sessions_plan(actor=p["coach"], engagement=e, first_at=first, count=7)

    # --- two more coachees: one just started, one paused ------------------------------------

    def _starting(self, org: Organisation, programme: Programme, p: dict[str, User]) -> None:
        for key, days_ago, paused in (("lena", 6, False), ("omar", 40, True)):
            start = _weekday(timezone.localdate() - dt.timedelta(days=days_ago))
            e = engagements.engagement_create(
                actor=p["admin"],
                organisation=org,
                programme=programme,
                kind=Engagement.Kind.COACHING,
                coach=p["coach"],
                coachee=p[key],
                sponsor=p["sponsor"],
                start_date=start,
                end_date=start + dt.timedelta(days=180 if paused else 120),
                planned_sessions=8,
            )
            for status in ("contracting", "active") + (("paused",) if paused else ()):
                engagements.engagement_set_status(actor=p["admin"], engagement=e, status=status)
            # Lena's first session is next week; Omar's resume after his leave.
            if paused:
                first_day = _weekday(timezone.localdate() + dt.timedelta(days=35))
            else:
                first_day = start + dt.timedelta(days=13)
            # Alex's diary: Priya at 10:00, Jordan at 14:00, Lena late morning, Omar at 16:00.
            at = dt.time(16, 0) if paused else dt.time(11, 30)
            first = timezone.make_aware(dt.datetime.combine(first_day, at))
            sessions.sessions_plan(actor=p["coach"], engagement=e, first_at=first, count=8)

    # --- the Big-Five profile: five coachees, so each sees the organisation's norms --------

    def _profiles(self, p: dict[str, User]) -> None:
        import random

        from tandem.profiles import ipip
        from tandem.profiles.services import profile_submit

        # A leaning per person and factor (1 low … 5 high), in FACTORS order, for variety.
        leanings = {
            "priya": (3.2, 4.1, 4.6, 3.4, 3.9),
            "jordan": (4.4, 3.0, 3.3, 3.8, 4.2),
            "ravi": (2.6, 3.6, 4.3, 3.1, 3.5),
            "lena": (3.8, 4.4, 3.6, 4.0, 3.0),
            "omar": (3.0, 3.8, 3.9, 2.9, 4.5),
        }
        items = ipip.load_items()
        for key, leaning in leanings.items():
            rng = random.Random(key)
            level = dict(zip(ipip.FACTORS, leaning, strict=True))
            answers = {}
            for item in items:
                value = min(5, max(1, round(level[item.factor] + rng.uniform(-1.1, 1.1))))
                answers[item.number] = value if item.key == "+" else 6 - value
            engagement = Engagement.objects.get(coachee=p[key], kind=Engagement.Kind.COACHING)
            profile_submit(actor=p[key], engagement=engagement, answers=answers)

    # --- a manager's 1:1 series -------------------------------------------------------------

    def _one_on_ones(self, org: Organisation, p: dict[str, User]) -> None:
        start = _weekday(timezone.localdate() - dt.timedelta(days=22))
        e = engagements.engagement_create(
            actor=p["manager"],
            organisation=org,
            kind=Engagement.Kind.ONE_ON_ONE,
            title="Maria & Tom — weekly 1:1",
            coach=p["manager"],
            coachee=p["report"],
            start_date=start,
            cadence_days=7,
            session_minutes=30,
            planned_sessions=6,
        )
        first = timezone.make_aware(dt.datetime.combine(start, dt.time(9, 0)))
        held = sessions.sessions_plan(actor=p["manager"], engagement=e, first_at=first, count=6)
        topics = [
            (
                "Career: moving towards a team lead role",
                "Know what I'd need to show",
                9,
                "Ask Maria for two team-lead tasks to try this quarter",
            ),
            (
                "Customer escalation from Acme",
                "Decide how I'll handle the next one",
                8,
                "Write the Acme escalation steps on one page",
            ),
            (
                "Learning SQL for the reporting work",
                "Pick a way to learn that fits my week",
                8,
                "Book two hours a week for the SQL course",
            ),
        ]
        # Two of Maria's meetings through the analyser: a status check-in, then a coaching
        # conversation (the transcript of the second is kept).
        demo = Path(__file__).resolve().parents[1] / "transcripts" / "demo"
        for name, keep in (
            ("weekly-checkin-teams.vtt", False),
            ("career-conversation-zoom.vtt", True),
        ):
            transcript_analyse(
                actor=p["manager"],
                engagement=e,
                filename=name,
                data=(demo / name).read_bytes(),
                coach="Maria Chen",
                keep=keep,
            )
        previous: ActionItem | None = None
        for session, (title, goal, rating, next_step) in zip(held[:3], topics, strict=False):
            if previous is not None:
                actions.checkin_record(
                    actor=p["manager"],
                    session=session,
                    action=previous,
                    outcome="done",
                    what_happened="Done as agreed.",
                )
            topic = sessions.agenda_topic_add(actor=p["report"], session=session, title=title)
            sessions.grow_topic_update(
                actor=p["manager"],
                topic=topic,
                goal=goal,
                reality="Talked through what has happened so far.",
                will="",
                expected_version=None,
            )
            sessions.grow_topic_commit(actor=p["report"], topic=topic, rating=rating)
            previous = actions.action_create(
                actor=p["manager"],
                engagement=e,
                session=session,
                topic=topic,
                title=next_step,
                owner=p["report"],
                due_date=None,
            )
            _backdate(previous, session.scheduled_at + dt.timedelta(minutes=25))
            previous.refresh_from_db()
            sessions.session_close(
                actor=p["manager"], session=session, summary=f"Talked about: {title}."
            )
