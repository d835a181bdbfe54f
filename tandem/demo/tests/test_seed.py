"""The demo shows everything that exists, is quick, idempotent, and rebuilds on --reset."""

from __future__ import annotations

import re

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tandem.accounts.models import Membership, Organisation, ProgrammeMember, User
from tandem.engagements.models import Engagement
from tandem.programmes import matching
from tandem.programmes.models import MatchProposal


def test_seed_demo_shows_everything_and_is_idempotent(db, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):  # emails go out on commit
        call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    counts = (Engagement.objects.count(), User.objects.count())
    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert (Engagement.objects.count(), User.objects.count()) == counts
    org = Organisation.objects.get(slug="northwind")
    assert org.memberships.filter(role=Membership.Role.PROGRAMME_ADMIN).exists()
    priya = Engagement.objects.get(title__startswith="Priya")
    assert priya.sessions.filter(status="held").count() >= 3
    assert priya.targets_signed_off
    statuses = set(priya.actions.values_list("status", flat=True))
    assert statuses == {"open", "done", "dropped"}
    outcomes = {c.outcome for a in priya.actions.all() for c in a.checkins.all()}
    assert outcomes == {"done", "partly", "not_done"}
    assert priya.reflections.filter(shared_with_coach=True).exists()
    assert priya.reflections.filter(shared_with_coach=False).exists()
    assert Engagement.objects.filter(kind="one_on_one", sessions__status="held").exists()
    assert Engagement.objects.filter(
        status="contracting",
        targets_signed_off_at__isnull=True,
        targets_submitted_at__isnull=False,
    ).exists()
    baseline = priya.feedback_cycles.get(kind="baseline")
    assert baseline.status == "released"
    shown = [g.name for g in baseline.report.groups]
    assert shown == ["self", "manager", "peer", "direct_report", "others"]
    assert baseline.report.comments
    pulse = priya.feedback_cycles.get(kind="midpoint")
    assert pulse.status == "open" and not pulse.past_deadline
    assert pulse.responses.count() == 5 and pulse.invitations.exclude(draft="").count() == 1
    ravi = Engagement.objects.get(title__startswith="Ravi")
    assert ravi.status == "completed"
    close = ravi.feedback_cycles.get(kind="close")
    assert close.status == "released"
    # Both targets show a change: one asked at baseline, one linked to a baseline question.
    targets = close.report.change.targets
    assert len(targets) == 2 and all(t.before is not None for t in targets)
    assert any(t.compared_with for t in targets)
    assert all(t.rci is not None for t in targets)
    assert ravi.reviews.get(kind="close").ratings.count() == 4
    summary = ravi.sponsor_summaries.get()
    # History is dated as it happened: nothing of a finished engagement is dated today.
    assert summary.approved_at.date() <= ravi.end_date
    assert ravi.targets_signed_off_at.date() < ravi.end_date
    assert close.released_at.date() <= ravi.end_date
    for session in Engagement.objects.get(title__startswith="Priya").sessions.all():
        assert timezone.localtime(session.scheduled_at).weekday() < 5  # no weekend sessions
    assert Engagement.objects.filter(status="paused").exists()
    client = Client()
    client.force_login(priya.coachee)
    profile = client.get(reverse("profile", args=[priya.pk])).content.decode()
    assert "Compared with 5 people" in profile  # five coachees took it: the comparison shows
    scores = sorted(
        Engagement.objects.get(kind="one_on_one").transcript_analyses.values_list(
            "coaching_score", flat=True
        )
    )
    assert len(scores) == 2 and scores[0] < scores[1]  # check-in below coaching
    _a_whole_programme_runs()
    _alex_has_a_practice_with_one_private_client()
    _the_rhythm_and_people_matters_show()
    _the_privacy_side_shows()
    # Every demo person can sign in and open their home page — but the one invited who has
    # not chosen a password yet, and the coach who left.
    client = Client()
    signing_in = User.objects.filter(is_active=True).exclude(email="jonas@northwind.example")
    assert signing_in.count() >= 24
    for user in signing_in:
        assert client.login(username=user.email, password="tandem-demo"), user.email
        assert client.get(reverse("home")).status_code == 200
    assert not client.login(username="paul@northwind.example", password="tandem-demo")


def _the_privacy_side_shows() -> None:
    """Priya sees Alex in "who has read my records"; Northwind keeps content 12 months."""
    client = Client()
    client.force_login(User.objects.get(email="priya@northwind.example"))
    page = client.get(reverse("my_reads")).content.decode()
    assert "Alex Morgan" in page and "Session notes" in page and "360 report" in page
    org = Organisation.objects.get(slug="northwind")
    assert org.retention_policy.months_after_close == 12


def _the_rhythm_and_people_matters_show() -> None:
    from tandem.notifications.models import CalendarFeed, Notification
    from tandem.programmes.people.selectors import engagements_needing_a_coach

    sent = Notification.objects.filter(state="sent")
    priya = User.objects.get(email="priya@northwind.example")
    sam = User.objects.get(email="sam@northwind.example")
    assert sent.filter(kind="agenda_reminder", recipient=priya).exists()
    assert sent.filter(kind="targets_to_sign_off", recipient=sam).exists()
    assert sent.filter(kind="session_invitation", has_calendar=True).exists()
    assert CalendarFeed.objects.count() == User.objects.filter(is_active=True).count()
    org = Organisation.objects.get(slug="northwind")
    needing = engagements_needing_a_coach(organisation=org)
    assert [e.coachee.full_name for e in needing] == ["Kofi Mensah"]
    assert not User.objects.get(email="jonas@northwind.example").has_usable_password()
    assert User.objects.get(email="ben@northwind.example").email_bounced_at is not None
    from tandem.programmes.coach_feedback import coach_feedback_summary

    alex = User.objects.get(email="alex@northwind.example")
    mine = coach_feedback_summary(alex)
    assert mine is not None and mine.coachees >= 3  # Alex's home shows his average


@pytest.mark.django_db(transaction=True)  # real commits: the emails are sent on commit
def test_seed_demo_prints_working_rater_links_and_no_email_dump(settings, capsys):
    import io

    settings.EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
    out = io.StringIO()
    call_command("seed_demo", stdout=out)
    links = re.findall(r"http://\S+(/r/\S+/)", out.getvalue())
    assert len(links) == 3  # the open pulse's raters who have not submitted yet
    assert "Subject:" not in capsys.readouterr().out  # the console mail backend stayed quiet
    assert Client().get(links[0], follow=True).status_code == 200


def test_seed_demo_reset_rebuilds(db):
    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    first = Engagement.objects.get(title__startswith="Priya").pk
    call_command("seed_demo", "--reset", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert Engagement.objects.get(title__startswith="Priya").pk != first


def _a_whole_programme_runs() -> None:
    programme = Organisation.objects.get(slug="northwind").programmes.get(
        name="Emerging Leaders 2026"
    )
    engagements = Engagement.objects.filter(programme=programme)
    assert engagements.count() >= 12
    statuses = set(engagements.values_list("status", flat=True))
    assert {"contracting", "active", "paused", "completed"} <= statuses
    assert engagements.filter(status="completed", reviews__kind="close").distinct().count() >= 5
    # A pool of three coaches with profiles, one of them at capacity.
    pool = matching.pool_of(programme)
    assert len(pool) == 3 and all(o.profile and o.profile.bio for o in pool)
    assert [o.coach.full_name for o in pool if o.free == 0] == ["Grace Otieno"]
    # A coachee choosing between two proposed coaches, another still waiting.
    proposal = MatchProposal.objects.get(state="open")
    assert proposal.coaches.count() == 2
    assert matching.waiting_for_a_coach(programme).count() == 1
    # A stalled engagement: running, nothing held for four weeks.
    hugo = engagements.get(coachee__email="hugo@northwind.example")
    last = hugo.sessions.filter(status="held").order_by("-scheduled_at").first()
    assert last is not None and (timezone.now() - last.scheduled_at).days > 28
    # Cohorts and training, for the dashboard's filters.
    assert set(engagements.values_list("cohort", flat=True)) == {"Spring", "Autumn"}
    assert set(engagements.values_list("after_training", flat=True)) == {True, False}
    assert ProgrammeMember.objects.filter(programme=programme, role="coachee").count() >= 14


def _alex_has_a_practice_with_one_private_client() -> None:
    alex = User.objects.get(email="alex@northwind.example")
    practice = Organisation.objects.get(is_practice=True)
    assert Membership.objects.get(user=alex, organisation=practice).role == "programme_admin"
    client_engagement = Engagement.objects.get(organisation=practice)
    assert client_engagement.coach == alex and client_engagement.sponsor is None
    assert client_engagement.sessions.filter(status="held").count() == 1
    client = Client()
    assert client.login(username="kim@parkventures.example", password="tandem-demo")
    assert (
        "Kim Park"
        in client.get(reverse("engagement_detail", args=[client_engagement.pk])).content.decode()
    )
