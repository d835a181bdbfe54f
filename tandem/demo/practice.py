"""Alex's own practice beside Northwind: an independent coach with one private client."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db.models import QuerySet
from django.utils import timezone

from tandem.accounts.invitations import invitation_ask
from tandem.accounts.models import Organisation, User
from tandem.accounts.services import email_verified, practice_create
from tandem.action_items import services as actions
from tandem.coaching_sessions import services as sessions
from tandem.demo.story import _at, _password_hash, _weekday
from tandem.engagements import services as engagements
from tandem.programmes.services import engagement_start

PRACTICE = "Alex Morgan Coaching"
CLIENT = ("Kim Park", "kim@parkventures.example")


def practices_of(emails: list[str]) -> QuerySet[Organisation]:
    return Organisation.objects.filter(is_practice=True, memberships__user__email__in=emails)


def build(p: dict[str, User]) -> None:
    alex = p["coach"]
    programme = practice_create(owner=alex, name=PRACTICE)
    today = timezone.localdate()
    start = _weekday(today - dt.timedelta(days=17))
    e = engagement_start(
        actor=alex,
        programme=programme,
        coach=alex,
        coachee=None,
        new_coachee_name=CLIENT[0],
        new_coachee_email=CLIENT[1],
        base_url=settings.SITE_URL,
        title="Kim Park — from founder to CEO",
        start_date=start,
        end_date=start + dt.timedelta(days=150),
        planned_sessions=7,
        cadence_days=21,
        session_minutes=90,
    )
    kim = e.coachee
    # Alex asks Marco (of Northwind) to co-coach in his practice: Marco has an account, so he
    # is asked, not added — the invitation waits in his bell.
    if "marco" in p:
        invitation_ask(
            actor=alex, organisation=programme.organisation, user=p["marco"], name_given="Marco"
        )
    User.objects.filter(pk=kim.pk).update(password=_password_hash())
    email_verified(user=kim)  # a demo login: signs straight in
    p["kim"] = kim
    engagements.target_create(
        actor=kim,
        engagement=e,
        behaviour="I let my leadership team run the weekly operating review",
        why_it_matters="The company outgrew me deciding everything; good people are leaving.",
        success_indicators="The review runs without me twice a month; decisions still land.",
        gas_minus_2="I run every review and decide in it",
        gas_minus_1="I attend and take over halfway",
        gas_0="The COO runs it; I join for the last 15 minutes",
        gas_plus_1="The team runs it; I read the notes",
        gas_plus_2="The team changes how the review runs without asking me",
    )
    # No sponsor: a founder answers to nobody in the company; coach and client agree it.
    engagements.targets_sign_off(actor=alex, engagement=e)
    first = sessions.sessions_plan(
        actor=alex, engagement=e, first_at=_at(start + dt.timedelta(days=3), 8), count=1
    )[0]
    topic = sessions.agenda_topic_add(actor=kim, session=first, title="Letting go of the review")
    sessions.grow_topic_update(
        actor=alex,
        topic=topic,
        goal="Decide what I keep and what I hand to the COO",
        reality="I chair all 12 reviews a quarter and make most calls in them.",
        will="",
        expected_version=None,
    )
    sessions.grow_topic_commit(actor=kim, topic=topic, rating=9)
    actions.action_create(
        actor=alex,
        engagement=e,
        session=first,
        topic=topic,
        title="Ask the COO to chair the next review",
        owner=kim,
        due_date=None,
    )
    sessions.session_close(actor=alex, session=first, summary="Decided what to hand over.")
    sessions.sessions_plan(
        actor=alex,
        engagement=e,
        first_at=_at(_weekday(today + dt.timedelta(days=5)), 8),
        count=5,
    )
