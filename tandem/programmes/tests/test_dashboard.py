"""The programme dashboard as the programme admin sees it: the numbers, the rules that hide
them, the steps of five, the filters — and what it costs."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tandem.engagements.models import Engagement
from tandem.programmes.dashboard import Filters, programme_dashboard
from tandem.programmes.disclosure import Hidden, stepped, too_few
from tandem.programmes.figures import programmes_changed
from tandem.programmes.models import EngagementFigures
from tandem.programmes.tests.helpers import engagements, people

FEW = "fewer than 5 engagements have this yet — not shown"


def dashboard(programme, **filters):
    return programme_dashboard(programme=programme, filters=Filters(**filters))


def page(client, programme, **params):
    response = client.get(reverse("programme_dashboard", args=[programme.pk]), params)
    assert response.status_code == 200
    return response.content.decode()


@pytest.fixture
def admin_client(programme_admin):
    client = Client()
    client.force_login(programme_admin)
    return client


# --- the numbers ----------------------------------------------------------------------------


def test_counts_by_status_and_sessions_follow_the_filters_without_a_minimum(programme):
    engagements(programme, 3, cohort="A", figures={"sessions_held": 2, "sessions_live": 6})
    engagements(programme, 2, cohort="B", status=Engagement.Status.COMPLETED)
    everyone = dashboard(programme)
    assert everyone.engagements == 5
    by_status = {s.status: s.n for s in everyone.by_status}
    assert by_status["active"] == 3 and by_status["completed"] == 2 and by_status["draft"] == 0
    assert everyone.sessions_held == 6 and everyone.sessions_ahead == 12
    assert everyone.sessions_contracted == 5 * 8
    # The admin sees each engagement's status and sessions anyway: no threshold, but filtered.
    only_a = dashboard(programme, cohort="A")
    assert only_a.engagements == 3 and only_a.sessions_held == 6


def test_a_figure_needs_five_engagements_behind_it(programme):
    engagements(programme, 4, figures={"close_t_score": 55.0})
    assert dashboard(programme).t_score.hidden == Hidden.FEW
    engagements(programme, 1, figures={"close_t_score": 60.0})
    shown = dashboard(programme).t_score
    assert shown.shown and shown.value == pytest.approx(56.0) and shown.n == 5


def test_outcome_means_move_only_in_steps_of_five(programme):
    for score in (40, 45, 50, 55, 60):
        engagements(programme, 1, figures={"close_t_score": float(score)})
    assert dashboard(programme).t_score.value == pytest.approx(50.0)
    # The next four to finish change nothing, however they scored.
    for _ in range(4):
        engagements(programme, 1, figures={"close_t_score": 90.0})
        assert dashboard(programme).t_score.value == pytest.approx(50.0)
        assert dashboard(programme).t_score.n == 5
    engagements(programme, 1, figures={"close_t_score": 90.0})  # the fifth: all five join
    figure = dashboard(programme).t_score
    assert figure.value == pytest.approx((250 + 5 * 90) / 10) and figure.n == 10


def test_the_order_is_when_the_outcome_was_first_recorded(programme):
    """A late-comer recorded earlier than others (never in practice: it is the time of the
    first rating) would join in its place; what decides is the stable order, not ids."""
    now = timezone.now()
    early = engagements(programme, 5, figures={"close_t_score": 50.0}, recorded_from=now)
    late = engagements(programme, 1, figures={"close_t_score": 80.0}, recorded_from=now)
    assert dashboard(programme).t_score.value == pytest.approx(50.0)
    EngagementFigures.objects.filter(pk=late[0].pk).update(
        close_reviewed_at=now - dt.timedelta(days=1)
    )
    EngagementFigures.objects.filter(pk=early[-1].pk).update(close_reviewed_at=now)
    assert dashboard(programme).t_score.value == pytest.approx((4 * 50 + 80) / 5)


def test_shares_and_the_feedback_mean(programme):
    engagements(
        programme,
        5,
        figures={
            "sessions_held": 4,
            "sessions_with_action": 3,
            "raters_asked": 8,
            "raters_answered": 6,
            "feedback_count": 4,
            "feedback_sum": 17,
            "targets_compared": 2,
            "targets_reliable": 1,
        },
    )
    d = dashboard(programme)
    assert d.action_share.text == "75%" and d.action_share.detail == "15 of 20 held sessions"
    assert d.response_rate.text == "75%" and d.response_rate.detail == "30 of 40 raters asked"
    assert d.feedback.text == "4.2 of 5" and d.feedback.detail == "20 ratings"
    assert d.reliable.text == "50%" and d.reliable.detail == "5 of 10 targets compared"


def test_themes_merge_areas_of_fewer_than_five_engagements(programme):
    engagements(programme, 6, areas={"delegation": 2})
    engagements(programme, 3, areas={"conflict": 1})
    engagements(programme, 3, areas={"direction": 1})
    themes = {t.area: t for t in dashboard(programme).themes}
    assert themes["delegation"].targets == 12 and themes["delegation"].engagements == 6
    assert "conflict" not in themes and "direction" not in themes
    assert themes["other"].label == "Other areas" and themes["other"].engagements == 6
    # Still under five once merged: hidden.
    Engagement.objects.filter(target_areas__area="direction").delete()
    themes = {t.area: t for t in dashboard(programme).themes}
    assert themes["other"].hidden == Hidden.FEW and themes["other"].targets is None


def test_competencies_before_and_after_in_steps_of_five(programme):
    engagements(programme, 5, competencies={"delegation": (2.0, 3.0), "candour": (3.0, 3.5)})
    engagements(programme, 2, competencies={"delegation": (1.0, 5.0)})
    rows = {c.key: c for c in dashboard(programme).competencies}
    assert rows["delegation"].before == pytest.approx(2.0)
    assert rows["delegation"].after == pytest.approx(3.0) and rows["delegation"].n == 5
    assert rows["candour"].after == pytest.approx(3.5)
    # Two engagements more wait for three others before they count.
    assert rows["delegation"].before != pytest.approx((5 * 2.0 + 2 * 1.0) / 7)


# --- filters --------------------------------------------------------------------------------


def test_a_filter_leaving_out_fewer_than_five_is_not_shown(programme):
    engagements(programme, 8, cohort="A", figures={"close_t_score": 50.0})
    engagements(programme, 3, cohort="B", figures={"close_t_score": 70.0})
    assert dashboard(programme).t_score.shown
    # Whole minus A would be B's three.
    assert dashboard(programme, cohort="A").t_score.hidden == Hidden.COMPARISON
    assert dashboard(programme, cohort="B").t_score.hidden == Hidden.FEW


def test_a_filter_is_shown_when_both_sides_have_five(programme):
    engagements(programme, 5, cohort="A", figures={"close_t_score": 50.0})
    engagements(programme, 5, cohort="B", figures={"close_t_score": 70.0})
    assert dashboard(programme, cohort="A").t_score.value == pytest.approx(50.0)
    assert dashboard(programme, cohort="B").t_score.value == pytest.approx(70.0)
    assert dashboard(programme).t_score.value == pytest.approx(60.0)


def test_coach_and_training_filters(programme):
    coach_a, coach_b = people(programme.organisation, 2, role="coach")
    engagements(programme, 5, coach=coach_a, after_training=True, figures={"close_t_score": 60.0})
    engagements(programme, 5, coach=coach_b, after_training=False, figures={"close_t_score": 40.0})
    assert dashboard(programme, training=True).t_score.value == pytest.approx(60.0)
    assert dashboard(programme, coach=coach_b.pk).t_score.value == pytest.approx(40.0)
    assert dashboard(programme, coach=coach_b.pk, training=False).t_score.value == 40.0
    assert dashboard(programme, coach=coach_b.pk, training=True).t_score.hidden == Hidden.FEW


# --- the rules over random programmes, through the database ---------------------------------

COHORTS = ("", "A", "B")
CHOICES = st.tuples(
    st.sampled_from((True, False, None)),
    st.sampled_from(COHORTS),
    st.integers(min_value=0, max_value=2),  # which of three coaches
    st.one_of(st.none(), st.integers(min_value=20, max_value=80)),  # the close T-score
    st.sampled_from(("delegation", "conflict", "direction", "")),  # its targets' area
)


@settings(
    max_examples=12,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(st.lists(CHOICES, min_size=4, max_size=24))
def test_nothing_shown_rests_on_fewer_than_five_or_differs_from_another_view_by_one_to_four(
    programme, rows
):
    """Random programmes, every view of them, through the database: the T-score shown is
    the mean of the first 5·⌊n/5⌋ contributing engagements in recorded order; each coaching
    theme shown counts what it says (areas behind fewer than five engagements across the
    programme merged into "other"); and nothing shown rests on fewer than five engagements
    or differs from the same figure in another view by one to four."""
    with transaction.atomic():
        coaches = people(programme.organisation, 3, role="coach")
        truth = []
        for training, cohort, coach, score, area in rows:
            (made,) = engagements(
                programme,
                1,
                coach=coaches[coach],
                cohort=cohort,
                after_training=training,
                figures={"close_t_score": None if score is None else float(score)},
                areas={area: 2},
            )
            truth.append((made.pk, training, cohort, coaches[coach].pk, score, area))
        per_area = {a: sum(1 for *_, area in truth if area == a) for *_, a in truth}
        bucket = {a: ("other" if n < 5 else a) for a, n in per_area.items()}
        shown: dict[str, dict[tuple, set]] = {}
        views = itertools.product(
            (None, True, False), (None, "A", "B"), (None, *[c.pk for c in coaches])
        )
        for view in views:
            training, cohort, coach = view
            d = dashboard(programme, training=training, cohort=cohort, coach=coach)
            inside = [
                row
                for row in truth
                if (training is None or row[1] == training)
                and (cohort is None or row[2] == cohort)
                and (coach is None or row[3] == coach)
            ]
            if d.t_score.shown:
                scores = [row[4] for row in inside if row[4] is not None]
                used = scores[: stepped(len(scores))]
                assert len(used) >= 5 and d.t_score.n == len(used)
                assert d.t_score.value == pytest.approx(sum(used) / len(used))
                shown.setdefault("t", {})[view] = {row[0] for row in inside if row[4] is not None}
            for theme in d.themes:
                if theme.hidden:
                    continue
                behind = {row[0] for row in inside if bucket[row[5]] == theme.area}
                assert theme.engagements == len(behind) >= 5
                assert theme.targets == 2 * len(behind)
                shown.setdefault(theme.area, {})[view] = behind
        for views_of_figure in shown.values():
            for a, b in itertools.combinations(views_of_figure.values(), 2):
                assert not too_few(len(a - b)) and not too_few(len(b - a))
        transaction.set_rollback(True)


# --- the page -------------------------------------------------------------------------------


def test_the_admin_sees_figures_and_why_others_are_hidden(admin_client, programme):
    programme.training = "the 12-skills course"
    programme.save()
    engagements(
        programme,
        6,
        cohort="Spring",
        figures={"close_t_score": 55.0, "sessions_held": 2, "sessions_with_action": 2},
    )
    engagements(
        programme,
        2,
        cohort="Autumn",
        status=Engagement.Status.CLOSING,
        figures={"close_t_score": 60.0},
    )
    html = page(admin_client, programme)
    assert "55.0" in html  # the mean T-score of the first five recorded (Spring's)
    assert "100%" in html  # sessions ending with an action
    assert FEW in html  # feedback and 360 rates: nobody yet
    assert "steps of five" in html
    assert "Spring" in html and "Autumn" in html  # cohorts offered as filters
    assert "Took the training first" in html
    # Spring alone leaves out Autumn's two.
    html = page(admin_client, programme, cohort="Spring")
    assert "comparing views would single out fewer than 5" in html
    assert "55.0" not in html


def test_a_filter_that_is_not_offered_says_so(admin_client, programme):
    engagements(programme, 5, cohort="Spring")
    html = page(admin_client, programme, cohort="Nowhere")
    assert "No engagement of this programme is in the cohort “Nowhere”" in html
    assert "the whole programme is shown" in html
    response = admin_client.get(
        reverse("programme_dashboard_csv", args=[programme.pk]), {"coach": "nobody"}
    )
    assert response.status_code == 400
    assert "That coach runs no engagement of this programme" in response.content.decode()


def test_the_dashboard_lists_stalled_engagements_with_the_reason(admin_client, programme):
    long_ago = timezone.localdate() - dt.timedelta(days=60)
    engagements(programme, 1, start=long_ago)  # never a session
    engagements(
        programme,
        1,
        start=long_ago,
        figures={"sessions_held": 1, "last_held_at": timezone.now() - dt.timedelta(days=40)},
    )
    engagements(programme, 1)  # started ten days ago: not stalled
    html = page(admin_client, programme)
    assert "Stalled engagements (2)" in html
    assert "No session held since it started on" in html
    assert "No session held since" in html and "(5 weeks)" in html


# --- cost -----------------------------------------------------------------------------------


# Computed: signed-in request 2 (session, user) + bell 1; programme and its admin check 2;
# the figures stamp 1; filter options 2; counts 1; stepped means 1; competencies 1; themes 2;
# stalled 2; and for the whole programme, its snapshot read and written 2 — with a filter,
# the cells for the rules instead: figures, competencies, themes 3.
QUERIES = {"none": 16, "cohort": 17, "all three": 17}  # memberships from the cache
# Kept: the same request again reads the stamp and the snapshot (or the cache).
KEPT = {"none": 6, "cohort": 5, "all three": 5}


@pytest.mark.parametrize("which", list(QUERIES))
def test_the_dashboard_costs_the_same_queries_for_ten_or_sixty_engagements(
    admin_client, programme, which
):
    programme.training = "a course"
    programme.save()
    coaches = people(programme.organisation, 3, role="coach")
    params = {
        "none": {},
        "cohort": {"cohort": "A"},
        "all three": {"training": "after", "cohort": "A", "coach": str(coaches[0].pk)},
    }[which]
    admin_client.get(reverse("home"))  # what every request reads is cached: steady state
    counts = {}
    for total in (10, 60):
        engagements(
            programme,
            total // 2,
            coaches=coaches,
            cohort="A",
            after_training=True,
            figures={"close_t_score": 50.0, "sessions_held": 3, "feedback_count": 1},
            areas={"delegation": 1},
            competencies={"delegation": (2.0, 3.0)},
        )
        engagements(
            programme, total - total // 2, coaches=coaches, cohort="B", areas={"feedback": 2}
        )
        url = reverse("programme_dashboard", args=[programme.pk])
        for attempt in ("computed", "kept"):
            with CaptureQueriesContext(connection) as queries:
                assert admin_client.get(url, params).status_code == 200
            counts[total, attempt] = len(queries.captured_queries)
        Engagement.objects.filter(programme=programme).delete()
        programmes_changed([programme.pk], snapshot=False)
    assert counts[10, "computed"] == counts[60, "computed"] == QUERIES[which], counts
    assert counts[10, "kept"] == counts[60, "kept"] == KEPT[which], counts


def test_a_change_shows_at_once(admin_client, programme):
    """What is kept between requests is keyed by the programme's figures stamp, raised by
    every refresh: the next request after a change computes afresh."""
    from tandem.coaching_sessions.models import CoachingSession
    from tandem.programmes.figures import figures_refresh

    made = engagements(programme, 5)
    assert "0</span><span>sessions held" in page(admin_client, programme)
    CoachingSession.objects.create(
        engagement=made[0], scheduled_at=timezone.now() - dt.timedelta(days=1), status="held"
    )
    assert "0</span><span>sessions held" in page(admin_client, programme)  # not told yet
    figures_refresh(made[0].pk)  # what the session's service schedules
    assert "1</span><span>sessions held" in page(admin_client, programme)


def test_an_empty_programme_says_so_without_failing(admin_client, programme):
    html = page(admin_client, programme)
    assert "0</span><span>engagements" in html
    assert FEW in html and "No targets agreed yet" in html
    assert "No closing 360 has been released yet" in html


def test_engagements_whose_figures_are_not_built_yet_still_count(admin_client, programme):
    """Before ``figures_rebuild`` has run after a deploy: counted by status, no figures."""
    made = engagements(programme, 6, figures={"sessions_held": 3})
    EngagementFigures.objects.filter(engagement__in=made).delete()
    programmes_changed([programme.pk], snapshot=False)
    d = dashboard(programme)
    assert d.engagements == 6 and d.sessions_held == 0
    assert d.action_share.hidden == Hidden.FEW
    html = list_page_of(admin_client, programme)
    assert html.count('<span class="status status-active">') == 6


def list_page_of(client, programme):
    response = client.get(reverse("programme_engagements", args=[programme.pk]))
    assert response.status_code == 200
    return response.content.decode()
