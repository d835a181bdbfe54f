"""Per-engagement figures: kept by the write services as they change what is counted, and
recomputed from the source tables alone (so a rebuild gives the same rows)."""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import replace

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from tandem.coaching_sessions import services as sessions
from tandem.coaching_sessions.models import SessionFeedback
from tandem.core.tests.world import TARGET, held_session_with_action, plan_session
from tandem.engagements import services as engagements
from tandem.engagements.reviews import review_rate
from tandem.feedback import services as feedback
from tandem.feedback.anonymity import RaterResponse
from tandem.feedback.measures import gas_t_score
from tandem.feedback.models import FeedbackCycle, Invitation, Response
from tandem.feedback.report import compose_report
from tandem.feedback.snapshot import Change, ChangeRow, ReportSnapshot
from tandem.programmes.figures import figures_refresh, target_area
from tandem.programmes.models import CompetencyChange, EngagementArea, EngagementFigures


def figures_of(engagement) -> EngagementFigures:
    return EngagementFigures.objects.get(pk=engagement.pk)


def areas_of(engagement) -> dict[str, int]:
    return dict(EngagementArea.objects.filter(engagement=engagement).values_list("area", "targets"))


@pytest.fixture
def on_commit(django_capture_on_commit_callbacks):
    """Run what services schedule for after their transaction, as a real commit would."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


def test_targets_and_their_areas_are_counted_by_the_contract_services(engagement, coach, on_commit):
    with on_commit():
        own = engagements.target_create(
            actor=coach, engagement=engagement, **{**TARGET, "area": "delegation"}
        )
        engagements.target_create(
            actor=coach,
            engagement=engagement,
            **{**TARGET, "behaviour": "I speak up", "baseline_item": "candour.early"},
        )
        engagements.target_create(actor=coach, engagement=engagement, **TARGET)
    assert figures_of(engagement).targets == 3
    # Its own area; else the area of the competency its question belongs to; else none.
    assert areas_of(engagement) == {"delegation": 1, "conflict": 1, "": 1}
    with on_commit():
        engagements.target_delete(actor=coach, target=own)
    assert figures_of(engagement).targets == 2
    assert areas_of(engagement) == {"conflict": 1, "": 1}


def test_target_area_reads_the_linked_question():
    assert target_area("", "delegation.outcomes") == "delegation"
    assert target_area("", "collaboration.credit") == "influence"
    assert target_area("conflict", "delegation.outcomes") == "conflict"
    assert target_area("", "") == ""


def test_sessions_held_planned_and_ending_with_an_action(engagement, coach, on_commit):
    with on_commit():
        held = held_session_with_action(engagement, days_ago=20)
    figures = figures_of(engagement)
    assert (figures.sessions_held, figures.sessions_live, figures.sessions_with_action) == (1, 1, 1)
    assert figures.last_held_session == held.session_id
    with on_commit():
        quiet = plan_session(engagement, hours_from_now=-24 * 6)
        for action in held.engagement.actions.filter(status="open"):
            from tandem.action_items import services as actions

            actions.checkin_record(actor=coach, session=quiet, action=action, outcome="done")
        sessions.session_close(
            actor=coach, session=quiet, summary="", no_action=True, no_action_reason="Reflecting"
        )
        later = plan_session(engagement, hours_from_now=24 * 7)
    figures = figures_of(engagement)
    assert (figures.sessions_held, figures.sessions_live, figures.sessions_with_action) == (2, 3, 1)
    assert figures.last_held_session == quiet.pk and figures.last_held_at == quiet.scheduled_at
    with on_commit():
        sessions.session_mark(actor=coach, session=later, status="cancelled")
    assert figures_of(engagement).sessions_live == 2


def test_session_feedback_counts_from_the_first_rating(engagement, coach):
    action = held_session_with_action(engagement, days_ago=20)
    first = SessionFeedback.objects.create(session=action.session, usefulness=4, word="CANARY")
    figures = figures_refresh(engagement.pk)
    assert (figures.feedback_count, figures.feedback_sum) == (1, 4)
    assert figures.feedback_first_at == first.created_at


def test_the_close_review_gives_the_mean_of_coach_and_coachee_t_scores(
    engagement, coach, coachee, on_commit
):
    with on_commit():
        targets = [
            engagements.target_create(
                actor=coach, engagement=engagement, **{**TARGET, "behaviour": f"B{i}"}
            )
            for i in range(2)
        ]
        review_rate(
            actor=coach, engagement=engagement, kind="close", levels={t.pk: 1 for t in targets}
        )
    first = figures_of(engagement)
    assert first.close_t_score == pytest.approx(round(gas_t_score([1, 1]), 1))
    with on_commit():
        review_rate(
            actor=coachee, engagement=engagement, kind="close", levels={t.pk: 0 for t in targets}
        )
    figures = figures_of(engagement)
    assert figures.close_t_score == pytest.approx((round(gas_t_score([1, 1]), 1) + 50.0) / 2)
    # Recorded when the first rating was given: a second rater or a correction keeps it.
    assert figures.close_reviewed_at == first.close_reviewed_at
    # The midpoint review is not an outcome.
    with on_commit():
        review_rate(
            actor=coach, engagement=engagement, kind="midpoint", levels={t.pk: -2 for t in targets}
        )
    assert figures_of(engagement).close_t_score == figures.close_t_score


def _released_close_360(engagement, coach):
    """A released baseline and closing 360 with a reliable rise in delegation and in a
    target linked to a delegation question, built by the report code itself."""
    target = engagements.target_create(
        actor=coach,
        engagement=engagement,
        **{**TARGET, "baseline_item": "delegation.decide"},
    )
    sections = [
        {
            "key": "delegation",
            "name": "Delegates and empowers",
            "items": [
                {"key": k, "text": k}
                for k in ("delegation.outcomes", "delegation.decide", "delegation.detail")
            ],
        }
    ]
    close_sections = [
        *sections,
        {
            "key": "targets",
            "name": "Coaching targets",
            "items": [
                {
                    "key": f"target:{target.pk}",
                    "text": "Hands over decisions",
                    "target": str(target.pk),
                    "baseline_item": "delegation.decide",
                }
            ],
        },
    ]
    low = [[1, 1, 2], [2, 2, 2], [2, 1, 1], [1, 2, 2], [2, 2, 1], [1, 1, 1], [2, 2, 2]]
    high = [[5, 5, 5], [5, 4, 5], [5, 5, 4], [4, 5, 5], [5, 5, 5], [5, 5, 5], [4, 5, 5]]
    keys = ["delegation.outcomes", "delegation.decide", "delegation.detail"]
    baseline = compose_report(
        kind="baseline",
        questionnaire={"sections": sections},
        responses=[RaterResponse("peer", dict(zip(keys, r, strict=True))) for r in low],
        approved_comments=[],
        manager_shown_alone=False,
        baseline_report=None,
    )
    close = compose_report(
        kind="close",
        questionnaire={"sections": close_sections},
        responses=[
            RaterResponse("peer", {**dict(zip(keys, r, strict=True)), f"target:{target.pk}": r[1]})
            for r in high
        ],
        approved_comments=[],
        manager_shown_alone=False,
        baseline_report=baseline,
    )
    released = timezone.now() - dt.timedelta(days=1)
    FeedbackCycle.objects.create(
        engagement=engagement,
        kind="close",
        status="released",
        closes_on=timezone.localdate(),
        report=close,
        released_at=released,
    )
    return close, released


def test_the_closing_360_gives_reliable_change_and_competencies(engagement, coach):
    report, released = _released_close_360(engagement, coach)
    (target_change,) = report.change.targets
    assert target_change.reliable and target_change.verdict == "improved"
    figures = figures_refresh(engagement.pk)
    assert (figures.targets_compared, figures.targets_reliable) == (1, 1)
    assert figures.change_released_at == released
    (change,) = CompetencyChange.objects.filter(engagement=engagement)
    (competency,) = report.change.competencies
    assert change.competency == "delegation"
    assert (change.before, change.after) == (competency.before, competency.after)
    assert change.released_at == released


def _empty_report() -> ReportSnapshot:
    return compose_report(
        kind="close",
        questionnaire={"sections": []},
        responses=[],
        approved_comments=[],
        manager_shown_alone=False,
        baseline_report=None,
    )


def test_a_decline_or_no_verdict_is_not_a_reliable_improvement(engagement, coach):
    FeedbackCycle.objects.create(
        engagement=engagement,
        kind="close",
        status="released",
        closes_on=timezone.localdate(),
        released_at=timezone.now(),
        report=replace(
            _empty_report(),
            change=Change(
                targets=[
                    ChangeRow("t1", "", 3.0, 2.0, reliable=True, verdict="declined"),
                    ChangeRow("t2", "", 3.0, 4.0, reliable=False, verdict="x"),
                    ChangeRow("t3", "", None, why="Not asked at baseline"),
                    ChangeRow("t4", "", 2.0, 4.5, reliable=True, verdict="improved"),
                ]
            ),
        ),
    )
    figures = figures_refresh(engagement.pk)
    assert (figures.targets_compared, figures.targets_reliable) == (3, 1)


def test_response_rates_count_finished_rounds_without_the_self_assessment(
    engagement, coach, coachee
):
    def cycle(status, kind):
        made = FeedbackCycle.objects.create(
            engagement=engagement, kind=kind, status=status, closes_on=timezone.localdate()
        )
        for i, group in enumerate(["self", "peer", "peer", "peer", "manager"]):
            Invitation.objects.create(
                cycle=made, name=f"R{i}", email=f"r{i}@x.org", group=group, status="approved"
            )
        for group in ["self", "peer", "manager"]:
            Response.objects.create(cycle=made, group=group, answers={})
        return made

    cycle("closed", "baseline")
    cycle("open", "midpoint")  # still collecting: its rate is not final
    figures = figures_refresh(engagement.pk)
    assert (figures.raters_asked, figures.raters_answered) == (4, 2)


def test_a_released_round_refreshes_the_figures(engagement, coach, on_commit):
    made = feedback.cycle_create(
        actor=coach,
        engagement=engagement,
        kind="baseline",
        closes_on=timezone.localdate() + dt.timedelta(days=7),
        competency_keys=["delegation"],
    )
    made.status, made.questionnaire = "open", {"sections": []}
    made.save()
    Invitation.objects.create(
        cycle=made, name="P", email="p@x.org", group="peer", status="approved"
    )
    with on_commit():
        feedback.cycle_close(actor=coach, cycle=made)
    assert figures_of(engagement).raters_asked == 1
    EngagementFigures.objects.filter(pk=engagement.pk).update(raters_asked=99)
    with on_commit():
        feedback.cycle_release(actor=coach, cycle=FeedbackCycle.objects.get(pk=made.pk))
    assert figures_of(engagement).raters_asked == 1  # recomputed on release


def test_a_status_change_refreshes_the_figures(engagement, coach, on_commit):
    plan_session(engagement, hours_from_now=24 * 7)
    with on_commit():
        engagements.engagement_set_status(actor=coach, engagement=engagement, status="completed")
    assert figures_of(engagement).sessions_live == 0  # the planned session was called off


def test_a_new_engagement_has_figures_from_the_start(
    organisation, programme, coach, coachee, programme_admin, on_commit
):
    with on_commit():
        made = engagements.engagement_create(
            actor=programme_admin,
            organisation=organisation,
            programme=programme,
            kind="coaching",
            coach=coach,
            coachee=coachee,
            start_date=timezone.localdate(),
            end_date=timezone.localdate() + dt.timedelta(days=120),
        )
    assert figures_of(made).sessions_held == 0


def test_rebuild_recomputes_every_row_from_the_source(engagement, coach, capsys):
    held_session_with_action(engagement, days_ago=20)
    engagements.target_create(actor=coach, engagement=engagement, **{**TARGET, "area": "feedback"})
    EngagementFigures.objects.all().delete()
    EngagementArea.objects.all().delete()
    out = io.StringIO()
    call_command("figures_rebuild", stdout=out)
    assert "Figures rebuilt for 1 engagement(s)" in out.getvalue()
    figures = figures_of(engagement)
    assert figures.sessions_held == 1 and figures.targets == 1
    assert areas_of(engagement) == {"feedback": 1}
    before = {
        f.name: getattr(figures, f.name) for f in figures._meta.fields if f.name != "updated_at"
    }
    call_command("figures_rebuild", "--programme", str(engagement.programme_id), stdout=out)
    again = figures_of(engagement)
    assert {n: getattr(again, n) for n in before} == before


def test_rebuild_says_what_is_wrong_with_a_programme_id(db):
    with pytest.raises(CommandError, match="not a programme id"):
        call_command("figures_rebuild", "--programme", "nonsense")
    with pytest.raises(CommandError, match="No engagements in programme"):
        call_command("figures_rebuild", "--programme", "00000000-0000-0000-0000-000000000000")


def test_a_refresh_of_an_engagement_gone_does_nothing(db):
    assert figures_refresh("00000000-0000-0000-0000-000000000000") is None
