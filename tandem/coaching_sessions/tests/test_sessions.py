from __future__ import annotations

import datetime as dt
import itertools
import re

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tandem.action_items import services as actions
from tandem.coaching_sessions import services
from tandem.coaching_sessions.models import AgendaTopic, CoachingSession
from tandem.coaching_sessions.selectors import private_note_for, session_get_for
from tandem.core.tests.world import held_session_with_action, plan_session


def _topic(engagement, session=None, goal="Hand over the Q3 plan"):
    session = session or plan_session(engagement)
    topic = services.agenda_topic_add(actor=engagement.coachee, session=session, title="Q3")
    services.grow_topic_update(
        actor=engagement.coach,
        topic=topic,
        goal=goal,
        reality="I edit every plan",
        will="",
        expected_version=None,
    )
    return topic


def test_sessions_are_planned_on_the_cadence(engagement, coach):
    first = timezone.now() + dt.timedelta(days=1)
    planned = services.sessions_plan(actor=coach, engagement=engagement, first_at=first, count=4)
    gaps = {(b.scheduled_at - a.scheduled_at).days for a, b in itertools.pairwise(planned)}
    assert gaps == {14}
    assert all(s.duration_minutes == 60 for s in planned)


def test_a_coaching_engagement_holds_at_most_twelve_sessions(engagement, coach):
    engagement.end_date = engagement.start_date + dt.timedelta(days=180)
    engagement.save()
    first = timezone.now()
    services.sessions_plan(
        actor=coach, engagement=engagement, first_at=first, count=6, cadence_days=7
    )
    with pytest.raises(ValidationError, match="room for 6 more"):
        services.sessions_plan(
            actor=coach, engagement=engagement, first_at=first, count=7, cadence_days=7
        )


def test_a_session_moves_only_within_the_engagement_dates(engagement, coach):
    session = plan_session(engagement, hours_from_now=48)
    client = Client()
    client.force_login(coach)
    url = reverse("session_schedule", args=[session.pk])
    form = {"duration_minutes": 60, "version": session.version}
    page = client.post(url, {**form, "scheduled_at": "2020-03-02T10:00"}).content.decode()
    assert "02 Mar 2020 is before the engagement starts" in page
    late = engagement.end_date + dt.timedelta(days=1)
    page = client.post(url, {**form, "scheduled_at": f"{late:%Y-%m-%d}T10:00"}).content.decode()
    assert "after the engagement ends" in page
    assert CoachingSession.objects.get(pk=session.pk).scheduled_at == session.scheduled_at
    inside = engagement.start_date + dt.timedelta(days=20)
    response = client.post(url, {**form, "scheduled_at": f"{inside:%Y-%m-%d}T10:00"})
    assert response.status_code == 302
    session.refresh_from_db()
    assert timezone.localtime(session.scheduled_at).date() == inside


def test_sessions_cannot_be_planned_before_the_engagement_starts(engagement, coach):
    before = timezone.make_aware(
        dt.datetime.combine(engagement.start_date - dt.timedelta(days=1), dt.time(10))
    )
    with pytest.raises(ValidationError, match="before the engagement starts"):
        services.sessions_plan(actor=coach, engagement=engagement, first_at=before, count=1)


def test_sessions_cannot_be_planned_after_the_engagement_ends(engagement, coach):
    with pytest.raises(ValidationError, match="after the engagement ends"):
        services.sessions_plan(
            actor=coach, engagement=engagement, first_at=timezone.now(), count=12, cadence_days=14
        )


def test_the_coachee_sets_the_agenda_first(engagement, coach, coachee):
    session = plan_session(engagement)
    with pytest.raises(ValidationError, match="sets the agenda first"):
        services.agenda_topic_add(actor=coach, session=session, title="My idea")
    services.agenda_topic_add(actor=coachee, session=session, title="Their topic")
    services.agenda_topic_add(actor=coach, session=session, title="My idea")
    assert session.topics.count() == 2


def test_sponsor_cannot_read_grow_notes(engagement, sponsor):
    topic = _topic(engagement)
    with pytest.raises(PermissionDenied):
        session_get_for(user=sponsor, pk=topic.session_id)
    client = Client()
    client.force_login(sponsor)
    page = client.get(reverse("engagement_detail", args=[engagement.pk])).content.decode()
    assert "Hand over the Q3 plan" not in page
    assert client.get(reverse("session_detail", args=[topic.session_id])).status_code == 403


def test_commitment_below_eight_asks_to_revisit_the_goal_and_records_it(engagement, coachee):
    topic = _topic(engagement)
    outcome = services.grow_topic_commit(actor=coachee, topic=topic, rating=6)
    topic.refresh_from_db()
    assert outcome == services.CommitOutcome.REVISIT_GOAL
    assert topic.commitment is None and topic.low_commitment == 6 and topic.needs_goal_revisit
    services.grow_topic_revisit_goal(
        actor=coachee, topic=topic, goal="Agree two decisions with Dev", expected_version=None
    )
    outcome = services.grow_topic_commit(actor=coachee, topic=topic, rating=8)
    topic.refresh_from_db()
    assert outcome == services.CommitOutcome.COMMITTED
    assert (topic.commitment, topic.low_commitment) == (8, 6)
    assert topic.goal == "Agree two decisions with Dev"
    assert topic.goal_revisited_at is not None
    assert topic.status == AgendaTopic.Status.COVERED


def test_after_revisiting_the_coachee_may_still_commit_low(engagement, coachee):
    topic = _topic(engagement)
    services.grow_topic_commit(actor=coachee, topic=topic, rating=5)
    services.grow_topic_revisit_goal(
        actor=coachee, topic=topic, goal="Smaller", expected_version=None
    )
    assert services.grow_topic_commit(actor=coachee, topic=topic, rating=7) == "committed"


@pytest.mark.parametrize("rating", [0, 11])
def test_commitment_is_one_to_ten(engagement, coachee, rating):
    topic = _topic(engagement)
    with pytest.raises(ValidationError, match="1"):
        services.grow_topic_commit(actor=coachee, topic=topic, rating=rating)


def test_no_commitment_without_a_goal(engagement, coachee):
    topic = _topic(engagement, goal="")
    with pytest.raises(ValidationError, match="goal"):
        services.grow_topic_commit(actor=coachee, topic=topic, rating=9)


def test_two_people_saving_the_same_notes_is_detected(engagement, coach, coachee):
    topic = _topic(engagement)
    version = AgendaTopic.objects.get(pk=topic.pk).version
    services.grow_topic_update(
        actor=coachee, topic=topic, goal="Mine", reality="", will="", expected_version=version
    )
    with pytest.raises(ValidationError, match="Someone else saved"):
        services.grow_topic_update(
            actor=coach, topic=topic, goal="Theirs", reality="", will="", expected_version=version
        )
    assert AgendaTopic.objects.get(pk=topic.pk).goal == "Mine"


def test_stale_grow_save_through_the_page_keeps_the_typed_text(engagement, coach, coachee):
    topic = _topic(engagement)
    prefix = f"t{topic.pk.hex[:8]}"
    old_version = AgendaTopic.objects.get(pk=topic.pk).version
    services.grow_topic_update(
        actor=coachee, topic=topic, goal="Newer", reality="", will="", expected_version=None
    )
    client = Client()
    client.force_login(coach)
    response = client.post(
        reverse("topic_grow", args=[topic.pk]),
        {
            f"{prefix}-goal": "My typed goal",
            f"{prefix}-reality": "",
            f"{prefix}-will": "",
            f"{prefix}-version": old_version,
        },
    )
    page = response.content.decode()
    assert response.status_code == 422
    assert "saved these notes while you were typing" in page and "“Newer”" in page
    assert "My typed goal" in page
    assert AgendaTopic.objects.get(pk=topic.pk).goal == "Newer"
    # Merged and saved again, it goes through: the form now carries the current version.
    version = re.search(rf'name="{prefix}-version" value="(\d+)"', page).group(1)
    client.post(
        reverse("topic_grow", args=[topic.pk]),
        {
            f"{prefix}-goal": "Newer, and my typed goal",
            f"{prefix}-reality": "",
            f"{prefix}-will": "",
            f"{prefix}-version": version,
        },
    )
    assert AgendaTopic.objects.get(pk=topic.pk).goal == "Newer, and my typed goal"


def test_notes_sent_along_untouched_never_block_the_other_persons_step(engagement, coach, coachee):
    from tandem.coaching_sessions.forms import GrowForm

    topic = _topic(engagement)
    shown = AgendaTopic.objects.get(pk=topic.pk)
    prefix = f"t{topic.pk.hex[:8]}"
    # The coach saves new notes; the coachee's page still shows the old ones.
    services.grow_topic_update(
        actor=coach, topic=topic, goal="Coach's goal", reality="", will="", expected_version=None
    )
    client = Client()
    client.force_login(coachee)
    client.post(
        reverse("option_add", args=[topic.pk]),
        {
            f"{prefix}-goal": shown.goal,
            f"{prefix}-reality": shown.reality,
            f"{prefix}-will": shown.will,
            f"{prefix}-version": shown.version,
            f"{prefix}-basis": GrowForm.digest(shown.goal, shown.reality, shown.will),
            f"o{topic.pk.hex[:8]}-description": "Ask Dev to run the review",
        },
        HTTP_HX_REQUEST="true",
    )
    topic.refresh_from_db()
    assert topic.goal == "Coach's goal"  # not overwritten by the stale copy
    assert [o.description for o in topic.options.all()] == ["Ask Dev to run the review"]


def test_a_session_closes_only_with_an_action_or_an_explicit_no_action(engagement, coach):
    session = plan_session(engagement)
    with pytest.raises(ValidationError) as info:
        services.session_close(actor=coach, session=session, summary="")
    assert "No action this time" in str(info.value.message_dict["no_action"])
    assert CoachingSession.objects.get(pk=session.pk).status == "planned"
    with pytest.raises(ValidationError) as info:
        services.session_close(actor=coach, session=session, summary="", no_action=True)
    assert "Say why" in str(info.value.message_dict["no_action_reason"])
    assert CoachingSession.objects.get(pk=session.pk).status == "planned"
    services.session_close(
        actor=coach,
        session=session,
        summary="Thinking time",
        no_action=True,
        no_action_reason="Reflect first",
    )
    session.refresh_from_db()
    assert session.status == "held" and session.no_action


def test_closing_needs_accountability_for_every_open_action(engagement, coach, coachee):
    previous = held_session_with_action(engagement)
    session = plan_session(engagement)
    with pytest.raises(ValidationError, match="1 open action"):
        services.session_close(
            actor=coach,
            session=session,
            summary="",
            no_action=True,
            no_action_reason="Thinking time",
        )
    actions.checkin_record(actor=coachee, session=session, action=previous, outcome="done")
    services.session_close(
        actor=coach, session=session, summary="", no_action=True, no_action_reason="Thinking time"
    )


def test_a_future_session_cannot_be_closed(engagement, coach):
    session = plan_session(engagement, hours_from_now=72)
    with pytest.raises(ValidationError, match="once it has taken place"):
        services.session_close(
            actor=coach,
            session=session,
            summary="",
            no_action=True,
            no_action_reason="Thinking time",
        )


def test_topics_not_covered_carry_forward_to_the_next_session(engagement, coach, coachee):
    session = plan_session(engagement, hours_from_now=-2)
    covered = _topic(engagement, session=session)
    services.grow_topic_commit(actor=coachee, topic=covered, rating=9)
    services.agenda_topic_add(actor=coachee, session=session, title="Not reached")
    services.session_close(
        actor=coach, session=session, summary="", no_action=True, no_action_reason="Thinking time"
    )
    nxt = plan_session(engagement, hours_from_now=300)
    titles = [t.title for t in nxt.topics.all()]
    assert titles == ["Not reached"]
    assert nxt.topics.get().carried_from.session_id == session.pk
    # Planning again does not copy it twice.
    plan_session(engagement, hours_from_now=600)
    assert AgendaTopic.objects.filter(carried_from__isnull=False).count() == 1


def test_cancelled_session_moves_its_agenda_on(engagement, coach, coachee):
    session = plan_session(engagement, hours_from_now=24)
    services.agenda_topic_add(actor=coachee, session=session, title="Board prep")
    nxt = plan_session(engagement, hours_from_now=24 * 14)
    services.session_mark(actor=coach, session=session, status="cancelled")
    assert [t.title for t in nxt.topics.all()] == ["Board prep"]


def test_no_show_only_once_the_time_has_come(engagement, coach):
    session = plan_session(engagement, hours_from_now=24)
    with pytest.raises(ValidationError, match="no-show"):
        services.session_mark(actor=coach, session=session, status="no_show")


def test_private_note_is_readable_by_its_author_only(engagement, coach, coachee, sponsor):
    session = plan_session(engagement)
    services.private_note_save(
        actor=coach, session=session, body="Tired today", expected_version=None
    )
    assert private_note_for(user=coach, session=session).body == "Tired today"
    for other in (coachee, sponsor):
        with pytest.raises((PermissionDenied, Http404)):
            private_note_for(user=other, session=session)
    client = Client()
    client.force_login(coachee)
    page = client.get(reverse("session_detail", args=[session.pk])).content.decode()
    assert "Tired today" not in page
    assert client.get(reverse("private_note", args=[session.pk])).status_code == 403


def test_htmx_commit_returns_the_topic_card_with_the_revisit_prompt(engagement, coachee):
    topic = _topic(engagement)
    client = Client()
    client.force_login(coachee)
    response = client.post(
        reverse("topic_commit", args=[topic.pk]),
        {f"c{topic.pk.hex[:8]}-rating": "6"},
        HTTP_HX_REQUEST="true",
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert page.lstrip().startswith('<article class="topic"')
    assert "is below 8" in page and "Save revised goal" in page


def test_adding_an_option_saves_the_grow_notes_sent_along(engagement, coach):
    topic = _topic(engagement)
    p = topic.pk.hex[:8]
    client = Client()
    client.force_login(coach)
    client.post(
        reverse("option_add", args=[topic.pk]),
        {
            f"t{p}-goal": "Typed but not saved",
            f"t{p}-reality": "Real",
            f"t{p}-will": "",
            f"t{p}-version": AgendaTopic.objects.get(pk=topic.pk).version,
            f"o{p}-description": "Ask Dev",
            f"o{p}-pros": "Ownership",
            f"o{p}-cons": "",
        },
        HTTP_HX_REQUEST="true",
    )
    topic = AgendaTopic.objects.get(pk=topic.pk)
    assert topic.goal == "Typed but not saved"
    assert [o.description for o in topic.options.all()] == ["Ask Dev"]


def test_typing_into_a_session_closed_meanwhile_keeps_the_words_and_never_fails(
    engagement, coach, coachee
):
    session = plan_session(engagement, hours_from_now=-1)
    topic = _topic(engagement, session=session)
    option = services.grow_option_add(
        actor=coachee, topic=topic, description="Ask Dev", pros="", cons=""
    )
    services.session_close(
        actor=coach, session=session, summary="", no_action=True, no_action_reason="Later"
    )
    client = Client()
    client.force_login(coachee)
    prefix = f"t{topic.pk.hex[:8]}"
    response = client.post(
        reverse("topic_grow", args=[topic.pk]),
        {f"{prefix}-goal": "Words I typed late", f"{prefix}-version": topic.version},
        HTTP_HX_REQUEST="true",
    )
    page = response.content.decode()
    assert "closed while you were typing" in page and "Words I typed late" in page
    chosen = client.post(
        reverse("option_choose", args=[option.pk]), {"chosen": "1"}, HTTP_HX_REQUEST="true"
    )
    assert chosen.status_code == 200  # not a server error
    assert "its record is closed" in chosen.content.decode()


def test_a_one_on_one_series_with_an_end_keeps_its_sessions_inside_it(organisation, coach, coachee):
    from tandem.engagements.models import Engagement

    today = timezone.localdate()
    series = Engagement.objects.create(
        organisation=organisation,
        kind=Engagement.Kind.ONE_ON_ONE,
        coach=coach,
        coachee=coachee,
        status=Engagement.Status.ACTIVE,
        start_date=today,
        end_date=today + dt.timedelta(days=20),
        cadence_days=7,
    )
    first = timezone.now() + dt.timedelta(days=1)
    with pytest.raises(ValidationError, match="after the engagement ends"):
        services.sessions_plan(actor=coach, engagement=series, first_at=first, count=12)


def test_a_planned_session_cannot_move_before_one_already_held(engagement, coach):
    held = held_session_with_action(engagement)
    session = plan_session(engagement, hours_from_now=72)
    before_held = held.session.scheduled_at - dt.timedelta(days=1)
    with pytest.raises(ValidationError, match="cannot come before it"):
        services.session_reschedule(
            actor=coach,
            session=session,
            scheduled_at=before_held,
            duration_minutes=60,
            expected_version=None,
        )


def test_coaching_sessions_last_sixty_to_ninety_minutes(engagement, coach):
    first = timezone.now() + dt.timedelta(days=1)
    with pytest.raises(ValidationError, match="60 to 90 minutes"):
        services.sessions_plan(
            actor=coach, engagement=engagement, first_at=first, count=1, duration_minutes=180
        )


def test_a_private_note_saved_in_two_tabs_is_never_overwritten(engagement, coach):
    session = plan_session(engagement)
    services.private_note_save(
        actor=coach, session=session, body="First tab", expected_version=None
    )
    with pytest.raises(ValidationError, match="another tab or window"):  # second tab, no note seen
        services.private_note_save(
            actor=coach, session=session, body="Second tab", expected_version=None
        )
    assert private_note_for(user=coach, session=session).body == "First tab"


def test_a_cancelled_session_has_no_number_and_the_others_agree(engagement, coach):
    first = plan_session(engagement, hours_from_now=24)
    second = plan_session(engagement, hours_from_now=24 * 15)
    services.session_mark(actor=coach, session=first, status="cancelled")
    client = Client()
    client.force_login(coach)
    assert (
        "<h1>Cancelled session"
        in client.get(reverse("session_detail", args=[first.pk])).content.decode()
    )
    assert (
        "<h1>Session 1 " in client.get(reverse("session_detail", args=[second.pk])).content.decode()
    )
    table = client.get(reverse("engagement_detail", args=[engagement.pk])).content.decode()
    rows = re.findall(r"<tr>\s*<td>([^<]*)</td>", table)
    assert rows[:2] == ["–", "1"]


def test_edits_to_different_notes_merge_and_a_resave_never_wipes_the_other(
    engagement, coach, coachee
):
    topic = _topic(engagement)
    save = _grow_saver(topic)
    save(coach, reality="Maria's reality")  # both opened the same page
    response = save(coachee, will="Tom's will")
    assert "while you were typing" not in response.content.decode()
    topic.refresh_from_db()
    assert (topic.reality, topic.will) == ("Maria's reality", "Tom's will")
    # Both change the goal: a clash, with the other's kept and nothing overwritten.
    response = save(coach, goal="The coach goal")
    clash = save(coachee, goal="The coachee goal").content.decode()
    assert "“The coach goal”" in clash and "The coachee goal" in clash
    assert "Maria&#x27;s reality" in clash  # the fields show the notes as they stand now
    topic.refresh_from_db()
    assert topic.goal == "The coach goal" and topic.reality == "Maria's reality"


def test_no_new_session_before_one_held_and_none_overlapping(engagement, coach):
    held = held_session_with_action(engagement)
    with pytest.raises(ValidationError, match="cannot come before it"):
        services.sessions_plan(
            actor=coach,
            engagement=engagement,
            first_at=held.session.scheduled_at - dt.timedelta(days=2),
            count=1,
        )
    a = plan_session(engagement, hours_from_now=48)
    b = plan_session(engagement, hours_from_now=24 * 9)
    with pytest.raises(ValidationError, match="Another session runs then"):
        services.session_reschedule(
            actor=coach,
            session=b,
            scheduled_at=a.scheduled_at + dt.timedelta(minutes=30),
            duration_minutes=60,
            expected_version=None,
        )


def test_whoever_added_a_topic_can_remove_it_until_it_has_notes(engagement, coachee, coach):
    session = plan_session(engagement)
    topic = services.agenda_topic_add(actor=coachee, session=session, title="Typo topc")
    client = Client()
    client.force_login(coachee)
    page = client.get(reverse("session_detail", args=[session.pk])).content.decode()
    assert reverse("topic_remove", args=[topic.pk]) in page
    client.force_login(coach)
    page = client.get(reverse("session_detail", args=[session.pk])).content.decode()
    assert reverse("topic_remove", args=[topic.pk]) not in page  # not the coach's topic
    client.force_login(coachee)
    client.post(reverse("topic_remove", args=[topic.pk]))
    assert not session.topics.exists()


def _grow_saver(topic):
    from tandem.coaching_sessions.forms import GrowForm

    shown = AgendaTopic.objects.get(pk=topic.pk)
    prefix = f"t{topic.pk.hex[:8]}"
    basis = GrowForm.digest(shown.goal, shown.reality, shown.will)

    def save(user, **notes):
        client = Client()
        client.force_login(user)
        data = {
            f"{prefix}-goal": shown.goal,
            f"{prefix}-reality": shown.reality,
            f"{prefix}-will": shown.will,
            f"{prefix}-version": shown.version,
            f"{prefix}-basis": basis,
        }
        data.update({f"{prefix}-{k}": v for k, v in notes.items()})
        return client.post(reverse("topic_grow", args=[topic.pk]), data, HTTP_HX_REQUEST="true")

    return save


def test_a_clash_on_one_note_keeps_my_edit_to_another_on_the_page(engagement, coach, coachee):
    topic = _topic(engagement)
    save = _grow_saver(topic)
    save(coach, reality="Coach reality")
    page = save(coachee, goal="Coachee new goal", reality="Coachee reality").content.decode()
    assert "while you were typing" in page
    topic.refresh_from_db()
    assert topic.goal != "Coachee new goal"  # nothing saved on a clash…
    assert "Coachee new goal" in page  # …but nothing typed is lost either


def test_a_paragraph_break_alone_is_an_edit(engagement, coachee):
    topic = _topic(engagement)
    _grow_saver(topic)(coachee, reality="I edit\n\nevery plan")
    topic.refresh_from_db()
    assert topic.reality == "I edit\n\nevery plan"


def test_revising_the_goal_never_overwrites_a_newer_one(engagement, coach, coachee):
    from tandem.coaching_sessions.forms import GrowForm

    topic = _topic(engagement)
    services.grow_topic_commit(actor=coachee, topic=topic, rating=5)
    shown = AgendaTopic.objects.get(pk=topic.pk)
    services.grow_topic_update(
        actor=coach,
        topic=shown,
        goal="The coach's newer goal",
        reality=shown.reality,
        will=shown.will,
        expected_version=shown.version,
    )
    grow, revisit = f"t{topic.pk.hex[:8]}", f"r{topic.pk.hex[:8]}"
    client = Client()
    client.force_login(coachee)
    client.post(
        reverse("topic_revisit", args=[topic.pk]),
        {
            f"{grow}-goal": shown.goal,
            f"{grow}-reality": "The coachee edits reality",
            f"{grow}-will": shown.will,
            f"{grow}-version": shown.version,
            f"{grow}-basis": GrowForm.digest(shown.goal, shown.reality, shown.will),
            f"{revisit}-goal": "A smaller goal",
            f"{revisit}-version": shown.version,
        },
        HTTP_HX_REQUEST="true",
    )
    topic.refresh_from_db()
    assert topic.goal == "The coach's newer goal"


def test_a_session_cannot_be_planned_on_top_of_another(engagement, coach):
    planned = plan_session(engagement, hours_from_now=48)
    with pytest.raises(ValidationError, match="Another session runs then"):
        services.sessions_plan(
            actor=coach,
            engagement=engagement,
            first_at=planned.scheduled_at + dt.timedelta(minutes=15),
            count=1,
        )
