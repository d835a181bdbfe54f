"""Pages as people meet them: content per role, query counts that do not grow per row,
and the demo data."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from conftest import OrganisationFactory, UserFactory, member, programme_of
from tandem.accounts.models import Membership, User
from tandem.action_items import services as actions
from tandem.coaching_sessions import services as sessions
from tandem.core.tests.world import build_world, held_session_with_action, plan_session
from tandem.engagements.models import Engagement


def _queries(client: Client, url: str) -> int:
    """The page's queries once what every request reads is cached (the steady state)."""
    client.get(url)
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


def _engagement_for(coach: User, org, n: int) -> Engagement:
    coachee = member(UserFactory.create(), org)
    start = timezone.localdate() - dt.timedelta(days=10)
    return Engagement.objects.create(
        organisation=org,
        programme=programme_of(org),
        kind="coaching",
        coach=coach,
        coachee=coachee,
        status="active",
        start_date=start,
        end_date=start + dt.timedelta(days=120),
    )


def test_home_list_does_not_grow_a_query_per_engagement(organisation, coach):
    client = Client()
    client.force_login(coach)
    for i in range(2):
        _engagement_for(coach, organisation, i)
    few = _queries(client, reverse("home"))
    for i in range(6):
        e = _engagement_for(coach, organisation, i)
        plan_session(e, hours_from_now=48)
    many = _queries(client, reverse("home"))
    assert many == few


def test_engagement_page_queries_do_not_grow_with_sessions_and_targets(engagement, coach):
    client = Client()
    client.force_login(coach)
    url = reverse("engagement_detail", args=[engagement.pk])
    held_session_with_action(engagement, days_ago=20)
    few = _queries(client, url)
    for days in (18, 16, 14):
        held_session_with_action(engagement, days_ago=days)
    plan_session(engagement, hours_from_now=100)
    many = _queries(client, url)
    assert many == few


def test_session_page_queries_do_not_grow_with_topics_options_and_actions(
    engagement, coach, coachee
):
    session = plan_session(engagement)
    client = Client()
    client.force_login(coach)
    url = reverse("session_detail", args=[session.pk])

    def add_topic(i: int) -> None:
        topic = sessions.agenda_topic_add(actor=coachee, session=session, title=f"T{i}")
        sessions.grow_option_add(actor=coach, topic=topic, description="o")
        actions.action_create(
            actor=coach,
            engagement=engagement,
            session=session,
            topic=topic,
            title="a",
            owner=coachee,
            due_date=None,
        )

    add_topic(0)
    few = _queries(client, url)
    for i in range(1, 4):
        add_topic(i)
    many = _queries(client, url)
    assert many == few


def test_action_list_queries_do_not_grow_per_action(engagement, coach, coachee):
    client = Client()
    client.force_login(coach)
    url = reverse("action_list", args=[engagement.pk])
    held_session_with_action(engagement, days_ago=20)
    few = _queries(client, url)
    for _ in range(5):
        actions.action_create(
            actor=coach, engagement=engagement, title="x", owner=coachee, due_date=None
        )
    assert _queries(client, url) == few


def test_coachee_sees_summary_and_actions_but_sponsor_sees_only_counts(
    engagement, coach, coachee, sponsor
):
    world = build_world(engagement)
    actions.checkin_record(
        actor=coach, session=world.session, action=world.previous_action, outcome="done"
    )
    actions.action_create(
        actor=coach,
        engagement=engagement,
        session=world.session,
        title="Talk to Dev",
        owner=coachee,
        due_date=None,
    )
    sessions.session_close(actor=coach, session=world.session, summary="We explored delegation")
    client = Client()
    client.force_login(coachee)
    page = client.get(reverse("session_detail", args=[world.session.pk])).content.decode()
    assert "We explored delegation" in page and "Talk to Dev" in page
    assert "Seems tired." not in page  # the coach's private note
    client.force_login(sponsor)
    page = client.get(reverse("engagement_detail", args=[engagement.pk])).content.decode()
    assert "sessions held" in page
    for secret in (
        "We explored delegation",
        "Talk to Dev",
        "Seems tired.",
        "Delegating Q3",
        "actions done",
    ):
        assert secret not in page


def test_home_separates_coming_up_from_sessions_nobody_recorded(engagement, coach, coachee):
    from tandem.core.tests.world import plan_session

    soon = plan_session(engagement, hours_from_now=24 * 3)
    missed = plan_session(engagement, hours_from_now=-24 * 10)
    paused = Engagement.objects.create(
        organisation=engagement.organisation,
        programme=engagement.programme,
        kind=Engagement.Kind.COACHING,
        coach=coach,
        coachee=UserFactory.create(),
        status=Engagement.Status.PAUSED,
        start_date=engagement.start_date,
        end_date=engagement.end_date,
        planned_sessions=8,
    )
    on_hold = plan_session(paused, hours_from_now=24 * 2)
    client = Client()
    client.force_login(coach)
    page = client.get(reverse("home")).content.decode()
    coming_up, _, not_recorded = page.partition("Not yet recorded")
    assert reverse("session_detail", args=[soon.pk]) in coming_up
    assert reverse("session_detail", args=[missed.pk]) in not_recorded
    assert reverse("session_detail", args=[missed.pk]) not in coming_up
    assert reverse("session_detail", args=[on_hold.pk]) not in page  # paused: nothing is due


def test_home_speaks_of_manager_and_report_in_a_one_on_one_series(organisation, coach, coachee):
    series = Engagement.objects.create(
        organisation=organisation,
        kind=Engagement.Kind.ONE_ON_ONE,
        coach=coach,
        coachee=coachee,
        status=Engagement.Status.ACTIVE,
        start_date=timezone.localdate() - dt.timedelta(days=40),
    )
    missed = plan_session(series, hours_from_now=-24 * 3)
    client = Client()
    client.force_login(coachee)
    page = client.get(reverse("home")).content.decode()
    assert '<span class="tag">Report</span>' in page and ">Coachee<" not in page
    # Only the manager records a session; the report is not asked to.
    assert "Not yet recorded" not in page
    client.force_login(coach)
    page = client.get(reverse("home")).content.decode()
    assert '<span class="tag">Manager</span>' in page
    assert reverse("session_detail", args=[missed.pk]) in page.partition("Not yet recorded")[2]


def test_sponsor_finds_targets_waiting_for_sign_off_on_home(engagement, coach, sponsor):
    from tandem.core.tests.world import TARGET
    from tandem.engagements import services as contract

    client = Client()
    client.force_login(sponsor)
    assert "Waiting for your sign-off" not in client.get(reverse("home")).content.decode()
    contract.target_create(actor=coach, engagement=engagement, **TARGET)
    contract.targets_submit(actor=coach, engagement=engagement)
    page = client.get(reverse("home")).content.decode()
    assert "Waiting for your sign-off" in page
    assert reverse("engagement_detail", args=[engagement.pk]) + "#contract" in page


def test_new_series_button_only_for_people_who_can_start_one(engagement, coach):
    loner = UserFactory.create()
    client = Client()
    client.force_login(loner)
    assert reverse("engagement_new") not in client.get(reverse("home")).content.decode()
    client.force_login(coach)
    assert "Start 1:1s with a report" in client.get(reverse("home")).content.decode()


def test_programme_admin_sees_engagements_of_their_organisation_only(
    engagement, programme_admin, outsider
):
    client = Client()
    client.force_login(programme_admin)
    assert engagement.display_title in client.get(reverse("home")).content.decode()
    client.force_login(outsider)
    assert engagement.display_title not in client.get(reverse("home")).content.decode()


def test_login_page_and_sign_in(coach):
    client = Client()
    old = client.get(reverse("login") + "?next=/programmes/")  # the old address still leads in
    assert old["Location"] == reverse("account_login") + "?next=/programmes/"
    assert client.get(reverse("account_login")).status_code == 200
    response = client.post(
        reverse("account_login"),
        {"login": coach.email, "password": "correct horse battery staple"},
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("home")
    bad = Client().post(reverse("account_login"), {"login": coach.email, "password": "nope"})
    assert bad.status_code == 200
    assert "email and password do not match" in bad.content.decode().lower()


def test_static_assets_are_served_by_the_app(client):
    page = client.get(reverse("account_login")).content.decode()
    assert "htmx" in page and "app.css" in page
    assert "//cdn" not in page and "https://" not in page


@pytest.mark.parametrize("user_key", ["coach", "coachee", "sponsor", "programme_admin"])
def test_every_role_can_open_the_engagement_page(engagement, cast, user_key):
    build_world(engagement)
    client = Client()
    client.force_login(cast[user_key])
    assert client.get(reverse("engagement_detail", args=[engagement.pk])).status_code == 200


def test_other_organisations_are_invisible(engagement):
    other = OrganisationFactory.create()
    admin = member(UserFactory.create(), other, Membership.Role.PROGRAMME_ADMIN)
    client = Client()
    client.force_login(admin)
    assert client.get(reverse("engagement_detail", args=[engagement.pk])).status_code == 404


def test_a_background_save_from_someone_signed_out_gets_401_not_the_sign_in_page(engagement):
    from tandem.core.tests.world import plan_session as plan

    session = plan(engagement)
    url = reverse("topic_add", args=[session.pk])
    background = Client().post(url, {"title": "x"}, HTTP_HX_REQUEST="true")
    assert background.status_code == 401
    plain = Client().post(url, {"title": "x"})
    assert plain.status_code == 302 and "/login/" in plain["Location"]


def test_server_errors_have_a_page_that_says_what_to_do(client):
    from django.template.loader import get_template

    assert "try again in a moment" in get_template("500.html").render()


def test_a_form_posted_when_signed_out_comes_back_to_its_page_after_sign_in(engagement):
    from tandem.core.tests.world import plan_session as plan

    session = plan(engagement)
    page = reverse("session_detail", args=[session.pk])
    response = Client().post(
        reverse("topic_add", args=[session.pk]),
        {"title": "x"},
        HTTP_REFERER=f"http://testserver{page}",
    )
    assert response.status_code == 302
    assert response["Location"] == f"/accounts/login/?next={page.replace('/', '%2F')}"


def test_a_page_out_of_date_for_csrf_says_what_to_do(coach):
    client = Client(enforce_csrf_checks=True)
    client.force_login(coach)
    response = client.post(reverse("logout"))
    assert response.status_code == 403
    assert "This page was out of date" in response.content.decode()


def test_signing_out_lands_on_a_plain_sign_in_page(engagement, coach):
    client = Client()
    client.force_login(coach)
    page = f"http://testserver/engagements/{engagement.pk}/"
    response = client.post(reverse("logout"), HTTP_REFERER=page)
    # Not the last person's page as "next".
    assert response["Location"] == reverse("account_login")
