"""The Emerging Leaders 2026 cohort around the Northwind story: a coach pool of three (one
at capacity), thirteen engagements in every state — five completed with close reviews and
two 360s, so every dashboard figure shows — a stalled one, a coachee choosing between two
proposed coaches, and one still waiting for a coach. All through the real services."""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass

from django.utils import timezone

from tandem.accounts.models import CoachProfile, Membership, Organisation, Programme, User
from tandem.accounts.models import ProgrammeMember as Place
from tandem.action_items import services as actions
from tandem.action_items.selectors import accountability_pending
from tandem.coaching_sessions import services as sessions
from tandem.coaching_sessions.feedback import session_feedback_give
from tandem.demo.story import PEOPLE, Northwind, _at, _weekday, demo_user
from tandem.engagements import reviews
from tandem.engagements import services as engagements
from tandem.engagements.models import Engagement
from tandem.programmes import matching

COACHES = [
    # key, name, email, bio, areas, languages, capacity
    (
        "grace",
        "Grace Otieno",
        "grace@northwind.example",
        "Twelve years leading operations teams in East Africa and Europe before coaching. "
        "I work with leaders under pressure: composure, influence across functions, and the "
        "first year in a bigger role.",
        ["resilience", "influence", "transitions"],
        ["English", "Swahili"],
        4,
    ),
    (
        "marco",
        "Marco Rossi",
        "marco@northwind.example",
        "Former COO of a freight forwarder. I coach leaders who set direction and make hard "
        "calls: strategy into priorities, decisions with incomplete information, leading change.",
        ["direction", "decisions", "change"],
        ["English", "Italian", "Spanish"],
        8,
    ),
    (
        "paul",
        "Paul Grant",
        "paul@northwind.example",
        "Internal coach from the finance team. (He has since left Northwind: his coachee needs "
        "a new coach.)",
        ["decisions", "priorities"],
        ["English"],
        3,
    ),
]
ALEX_PROFILE = (
    "ICF-accredited coach (PCC) with a background in engineering management. I help new "
    "leaders let go of doing the work themselves: delegation, difficult conversations, and "
    "the move from expert to leader.",
    ["delegation", "conflict", "transitions", "feedback"],
    ["English", "German"],
    8,
)
SPONSOR = ("nora", "Nora Lind", "nora@northwind.example")


@dataclass(frozen=True)
class Member:
    key: str
    name: str
    coach: str | None  # the key of their coach; None: no coach yet
    state: str  # completed, active, contracting, stalled, proposal, waiting
    cohort: str
    trained: bool
    targets: tuple[tuple[str, str], ...]  # (behaviour, the 360 question it is linked to)
    # How raters see them at baseline, and by how much that moves by the close.
    level: float = 2.7
    growth: float = 0.9

    @property
    def email(self) -> str:
        return f"{self.key}@northwind.example"


COHORT = [
    Member(
        "aisha",
        "Aisha Bello",
        "coach",
        "completed",
        "Spring",
        True,
        (
            ("I hand over whole outcomes to my leads", "delegation.outcomes"),
            ("I give feedback within a week of what I saw", "feedback.specific"),
        ),
        level=2.4,
        growth=1.9,
    ),
    Member(
        "ben",
        "Ben Carter",
        "marco",
        "completed",
        "Spring",
        True,
        (
            (
                "I turn the strategy into three priorities my team can act on",
                "direction.priorities",
            ),
            ("I say no to work that does not fit our priorities", "direction.no"),
        ),
        level=2.6,
        growth=1.7,
    ),
    Member(
        "chen",
        "Chen Wei",
        "marco",
        "completed",
        "Spring",
        False,
        (("I raise disagreement in the meeting, not after it", "candour.early"),),
        level=2.5,
        growth=0.5,
    ),
    Member(
        "dana",
        "Dana Novak",
        "marco",
        "completed",
        "Spring",
        False,
        (
            ("I listen to the end before I answer", "communication.listens"),
            ("I tell people plainly when their work falls short", "candour.performance"),
        ),
        level=2.9,
        growth=0.3,
    ),
    Member(
        "elif",
        "Elif Demir",
        "grace",
        "active",
        "Autumn",
        True,
        (
            ("I stay calm and clear when a shipment goes wrong", "composure.calm"),
            ("I tell my director when I disagree", "candour.upward"),
        ),
    ),
    Member(
        "felix",
        "Felix Wagner",
        "grace",
        "active",
        "Autumn",
        True,
        (
            ("I bring other teams into decisions that affect them", "collaboration.across"),
            ("I give my leads work that stretches them", "delegation.stretch"),
        ),
    ),
    Member(
        "gita",
        "Gita Rao",
        "grace",
        "contracting",
        "Autumn",
        False,
        (("I let my team decide within agreed limits", "delegation.decide"),),
    ),
    Member(
        "hugo",
        "Hugo Martin",
        "grace",
        "stalled",
        "Autumn",
        True,
        (("I have the difficult conversation in the first week", "candour.early"),),
    ),
    Member("ines", "Ines Ortega", None, "proposal", "Autumn", True, ()),
    Member("jonas", "Jonas Berg", None, "waiting", "Autumn", False, ()),
    Member(
        "kofi",
        "Kofi Mensah",
        "paul",
        "active",
        "Autumn",
        True,
        (("I decide with the data I have, and say what would change my mind", "direction.no"),),
    ),
]
COMPETENCIES = ["direction", "delegation", "communication", "candour", "feedback"]


def demo_emails() -> list[str]:
    return (
        [email for _, _, email, _ in PEOPLE]
        + [c[2] for c in COACHES]
        + [SPONSOR[2]]
        + [m.email for m in COHORT]
        + ["kim@parkventures.example"]
    )


def build(org: Organisation, programme: Programme, p: dict[str, User]) -> None:
    _pool(org, programme, p)
    nora = demo_user(SPONSOR[2], SPONSOR[1])
    Membership.objects.create(user=nora, organisation=org)
    p["nora"] = nora
    for member in COHORT:
        user = demo_user(member.email, member.name)
        Membership.objects.create(user=user, organisation=org)
        p[member.key] = user
        place = Place.objects.create(
            programme=programme,
            user=user,
            role=Place.Role.COACHEE,
            sponsor=nora,
            cohort=member.cohort,
            took_training=member.trained,
            added_by=p["admin"],
        )
        if member.state == "waiting":
            continue
        if member.state == "proposal":
            matching.proposal_create(
                actor=p["admin"],
                programme=programme,
                place=place,
                coaches=[p["coach"], p["marco"]],
                note="Both have coached leaders in their first year in a bigger role.",
            )
            continue
        _engagement(programme, member, p)
    _Northwind_cohort_places(programme, p)


def _pool(org: Organisation, programme: Programme, p: dict[str, User]) -> None:
    for key, name, email, bio, areas, languages, capacity in COACHES:
        user = demo_user(email, name)
        Membership.objects.create(user=user, organisation=org)
        CoachProfile.objects.create(
            user=user, bio=bio, areas=areas, languages=languages, capacity=capacity
        )
        p[key] = user
    bio, areas, languages, capacity = ALEX_PROFILE
    CoachProfile.objects.update_or_create(
        user=p["coach"],
        defaults={"bio": bio, "areas": areas, "languages": languages, "capacity": capacity},
    )
    for key in ("coach", "grace", "marco", "paul"):
        Place.objects.get_or_create(
            programme=programme,
            user=p[key],
            role=Place.Role.COACH,
            defaults={"added_by": p["admin"]},
        )


def _Northwind_cohort_places(programme: Programme, p: dict[str, User]) -> None:
    """The story's coachees joined the programme with their engagements; they are the
    Spring cohort, and took the training."""
    Place.objects.filter(programme=programme, role=Place.Role.COACHEE, cohort="").update(
        cohort="Spring", took_training=True
    )
    Engagement.objects.filter(programme=programme, cohort="").update(
        cohort="Spring", after_training=True
    )


def _targets(e: Engagement, member: Member, coach: User) -> list:
    made = []
    for behaviour, item in member.targets:
        made.append(
            engagements.target_create(
                actor=coach,
                engagement=e,
                behaviour=behaviour,
                baseline_item=item,
                why_it_matters="It came out of the baseline 360 and the three-way meeting.",
                success_indicators="Raters see it in the closing 360; my sponsor notices it.",
                gas_minus_2="I have not tried it",
                gas_minus_1="I tried, but rarely",
                gas_0="I do it in most weeks",
                gas_plus_1="I do it every week, and others notice",
                gas_plus_2="My team does it too",
            )
        )
    return made


def _hold(
    e: Engagement, coach: User, coachee: User, when: list[dt.datetime], rng: random.Random
) -> None:
    """Plan sessions at ``when`` and hold them: accountability, one GROW topic, an action,
    a commitment, and the coachee's rating of the session."""
    planned = [
        sessions.sessions_plan(actor=coach, engagement=e, first_at=at, count=1)[0] for at in when
    ]
    for number, session in enumerate(planned, start=1):
        for pending in accountability_pending(session):
            actions.checkin_record(
                actor=coach,
                session=session,
                action=pending,
                outcome=rng.choice(["done", "done", "partly", "not_done"]),
            )
        topic = sessions.agenda_topic_add(actor=coachee, session=session, title=f"Week {number}")
        sessions.grow_topic_update(
            actor=coach,
            topic=topic,
            goal="Try the behaviour once this fortnight",
            reality="Talked through the last two weeks.",
            will="",
            expected_version=None,
        )
        sessions.grow_topic_commit(actor=coachee, topic=topic, rating=rng.choice([8, 8, 9, 10]))
        ended_with_action = rng.random() < 0.85
        if ended_with_action:
            actions.action_create(
                actor=coach,
                engagement=e,
                session=session,
                topic=topic,
                title="Practise it in the next team meeting",
                owner=coachee,
                due_date=None,
            )
        sessions.session_close(
            actor=coach,
            session=session,
            summary="Worked on the target.",
            no_action=not ended_with_action,
            no_action_reason="" if ended_with_action else "Reflect first, act next time.",
        )
        session.refresh_from_db()
        session_feedback_give(
            actor=coachee, session=session, usefulness=rng.choice([3, 4, 4, 5, 5])
        )


def _engagement(programme: Programme, member: Member, p: dict[str, User]) -> Engagement:
    rng = random.Random(member.key)
    coach, coachee, admin = p[member.coach or "coach"], p[member.key], p["admin"]
    today = timezone.localdate()
    # Completed ones ran last year; active ones held a session in the last fortnight; the
    # stalled one has held none for seven weeks.
    ago = {"completed": 250, "active": 40, "stalled": 75, "contracting": 10}[member.state]
    start = _weekday(today - dt.timedelta(days=ago + rng.randint(0, 8)))
    end = start + dt.timedelta(days=126)
    place = Place.objects.get(programme=programme, user=coachee, role=Place.Role.COACHEE)
    e = matching.coach_assign(actor=admin, programme=programme, place=place, coach=coach)
    Engagement.objects.filter(pk=e.pk).update(start_date=start, end_date=end)
    e.refresh_from_db()
    targets = _targets(e, member, coach)
    if member.state == "contracting":
        return e
    story = Northwind()
    if member.state == "completed":
        baseline = {k: member.level + rng.uniform(-0.3, 0.3) for k in COMPETENCIES}
        story._run_360(p, e, "baseline", baseline, opened_on=start + dt.timedelta(days=2))
    engagements.targets_submit(actor=coachee, engagement=e)
    e.refresh_from_db()
    engagements.targets_sign_off(actor=p["nora"], engagement=e)
    e.refresh_from_db()
    held = {"completed": 6, "active": 3, "stalled": 2}[member.state]
    hour = 8 + COHORT.index(member) % 9  # each coachee keeps a slot: no coach double-booked
    when = [_at(start + dt.timedelta(days=7 + 14 * n), hour) for n in range(held)]
    _hold(e, coach, coachee, when, rng)
    if member.state == "stalled":
        # Sessions went on being planned, and nobody has recorded one for weeks.
        sessions.sessions_plan(
            actor=coach, engagement=e, first_at=when[-1] + dt.timedelta(days=14), count=3
        )
        return e
    if member.state == "active":
        sessions.sessions_plan(
            actor=coach,
            engagement=e,
            first_at=_at(_weekday(today + dt.timedelta(days=4)), hour),
            count=3,
        )
        return e
    after = {k: v + member.growth for k, v in baseline.items()}
    story._run_360(p, e, "close", after, opened_on=end - dt.timedelta(days=20))
    for rater, shift in ((coach, 0), (coachee, -1 if member.growth < 0.5 else 0)):
        levels = {t.pk: max(-2, min(2, round(member.growth) + shift)) for t in targets}
        reviews.review_rate(actor=rater, engagement=e, kind="close", levels=levels)
    for pending in e.actions.filter(status="open"):
        actions.action_update(
            actor=coachee, action=pending, evidence="Done.", status="done", expected_version=None
        )
    engagements.engagement_set_status(actor=admin, engagement=e, status="completed")
    return e
