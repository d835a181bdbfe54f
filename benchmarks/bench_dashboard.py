"""Benchmark the programme dashboard against the engagement page, at 1,000 and 10,000
engagements in one programme.

    .venv/bin/python benchmarks/bench_dashboard.py                 (SQLite file, WAL)
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/tandem_bench benchmarks/bench_dashboard.py
    make bench-dashboard                                           (both)

Builds a throwaway database (Django's test database: ``test_<name>``, dropped afterwards),
bulk-creates one programme — ten sessions per engagement, their figures, competency changes
and target areas as ``figures_refresh`` keeps them, 100 coaches, 12 cohorts — then requests,
in process with Django's test client and interleaved round by round, the engagement page (the
budget) and the dashboard: read as it is kept between changes (the whole programme from its
snapshot, a filtered view from the cache), and "computed", right after a change of the
programme's figures and before its background snapshot lands; then the engagement list
(first and a deep page) and the dashboard's export, and the background snapshot itself.
Prints per page the queries, min / median / max ms per request and the ratio of the medians
to the engagement page's; then the plans (EXPLAIN) of the computed dashboard's slowest
queries. A benchmark, not a test: it asserts nothing.

Production-like settings: DEBUG off, persistent connection. ``--engagements N [N …]`` and
``--rounds N`` change the scales and the number of rounds.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import secrets
import statistics
import sys
import time
from base64 import b64encode
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tandem.settings")
os.environ["DEBUG"] = "0"
os.environ.setdefault("SECRET_KEY", secrets.token_urlsafe(40))
os.environ.setdefault("TANDEM_ENCRYPTION_KEYS", "bench:" + b64encode(os.urandom(32)).decode())
os.environ.setdefault("ALLOWED_HOSTS", "testserver")
os.environ.setdefault("SECURE_SSL_REDIRECT", "0")  # the test client speaks plain http
os.environ.setdefault("CONN_MAX_AGE", "600")
os.environ.setdefault("EMAIL_BACKEND", "django.core.mail.backends.locmem.EmailBackend")
BENCH_DIR = Path(os.environ.get("BENCH_DIR", "/tmp"))  # noqa: S108 - a throwaway database
os.environ.setdefault("DATABASE_URL", f"sqlite:///{BENCH_DIR / 'tandem-bench-dashboard.sqlite3'}")

COHORTS = [f"20{25 + i // 4}-Q{i % 4 + 1}" for i in range(12)]


def setup() -> tuple[str, str]:
    """A fresh test database: (its name, the configured name to restore afterwards)."""
    import django

    django.setup()
    from django.conf import settings
    from django.db import connection

    settings.STORAGES = {  # no collectstatic manifest in a benchmark
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    db = settings.DATABASES["default"]
    if db["ENGINE"].endswith("sqlite3"):
        db["TEST"]["NAME"] = str(BENCH_DIR / "test-tandem-bench-dashboard.sqlite3")
    configured = db["NAME"]
    name = connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    return name, configured


def seed(engagements: int) -> dict[str, object]:
    """One organisation, one programme of ``engagements`` engagements with 100 coaches, and
    everything the dashboard and the engagement page read — in bulk INSERTs."""
    from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX as NO_PASSWORD
    from django.utils import timezone
    from scale_rows import derived_rows

    from tandem.accounts.models import Membership, Organisation, Programme, User
    from tandem.coaching_sessions.models import CoachingSession
    from tandem.engagements.models import Engagement
    from tandem.programmes.models import CompetencyChange, EngagementArea, EngagementFigures

    rng = random.Random(2026)
    now = timezone.now()
    today = timezone.localdate()
    started = time.perf_counter()
    org = Organisation.objects.create(name="Scale Org", slug="scale-org")
    programme = Programme.objects.create(
        organisation=org, name="Leaders at scale", training="the 12-skills course"
    )
    admin = User.objects.create_user("admin@scale.example", "bench-password", full_name="Admin")
    Membership.objects.create(user=admin, organisation=org, role="programme_admin")
    coaches = User.objects.bulk_create(
        User(email=f"coach{i}@scale.example", full_name=f"Coach {i:03d}", password=NO_PASSWORD)
        for i in range(100)
    )
    coachees = User.objects.bulk_create(
        (
            User(
                email=f"leader{i}@scale.example", full_name=f"Leader {i:05d}", password=NO_PASSWORD
            )
            for i in range(engagements)
        ),
        batch_size=2000,
    )
    Membership.objects.bulk_create(
        (Membership(user=u, organisation=org) for u in [*coaches, *coachees]), batch_size=2000
    )
    statuses = ["active"] * 40 + ["completed"] * 35 + ["closing"] * 8 + ["contracting"] * 7
    statuses += ["paused"] * 4 + ["cancelled"] * 3 + ["draft"] * 3
    made = Engagement.objects.bulk_create(
        (
            Engagement(
                organisation=org,
                programme=programme,
                kind="coaching",
                title="",
                coach=coaches[i % 100],
                coachee=coachee,
                cohort=COHORTS[(i // 7) % len(COHORTS)],
                after_training=rng.choice([True, True, False, None]),
                status=rng.choice(statuses),
                start_date=today - dt.timedelta(days=rng.randint(0, 700)),
                end_date=today + dt.timedelta(days=rng.randint(-500, 180)),
            )
            for i, coachee in enumerate(coachees)
        ),
        batch_size=2000,
    )
    figures, changes, areas, sessions = [], [], [], []
    for i, e in enumerate(made):
        held, figure, change, area = derived_rows(e, i, rng, now)
        figures.append(figure)
        changes += change
        areas += area
        for s in range(10):
            sessions.append(
                CoachingSession(
                    engagement=e,
                    scheduled_at=now - dt.timedelta(days=14 * (10 - s)),
                    status="held" if s < held else "planned",
                )
            )
    EngagementFigures.objects.bulk_create(figures, batch_size=2000)
    CompetencyChange.objects.bulk_create(changes, batch_size=2000)
    EngagementArea.objects.bulk_create(areas, batch_size=2000)
    CoachingSession.objects.bulk_create(sessions, batch_size=5000)
    seconds = time.perf_counter() - started
    print(
        f"seeded {len(made):,} engagements, {len(sessions):,} sessions, {len(changes):,} "
        f"competency changes, {len(areas):,} target areas in {seconds:.1f} s"
    )
    sample = made[len(made) // 2]
    return {"programme": programme, "admin": admin, "engagement": sample, "coach": sample.coach}


def measure(world: dict[str, object], rounds: int) -> None:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    from tandem.programmes.figures import programmes_changed
    from tandem.programmes.snapshots import snapshot_refresh

    programme = world["programme"]
    engagement = world["engagement"]
    admin, coach = Client(), Client()
    admin.force_login(world["admin"])
    coach.force_login(world["coach"])
    dashboard = reverse("programme_dashboard", args=[programme.pk])  # type: ignore[attr-defined]
    # "computed": the programme's figures stamp is raised before each request (outside the
    # timing), as by any change to its figures: nothing kept is current, the page computes
    # (the background snapshot has not run yet). The others read what is kept, as they do
    # between changes — the whole programme from its snapshot.
    computed = {"dashboard, computed", "dashboard, cohort, computed", "dashboard, coach, computed"}
    coach_filter = {"coach": str(world["coach"].pk), "training": "after"}  # type: ignore[attr-defined]
    pages = {
        "engagement page (coach)": (coach, reverse("engagement_detail", args=[engagement.pk]), {}),  # type: ignore[attr-defined]
        "engagement page (admin)": (admin, reverse("engagement_detail", args=[engagement.pk]), {}),  # type: ignore[attr-defined]
        "dashboard": (admin, dashboard, {}),
        "dashboard, cohort": (admin, dashboard, {"cohort": COHORTS[3]}),
        "dashboard, coach": (admin, dashboard, coach_filter),
        "dashboard, computed": (admin, dashboard, {}),
        "dashboard, cohort, computed": (admin, dashboard, {"cohort": COHORTS[3]}),
        "dashboard, coach, computed": (admin, dashboard, coach_filter),
        "engagement list, page 1": (
            admin,
            reverse("programme_engagements", args=[programme.pk]),  # type: ignore[attr-defined]
            {},
        ),
        "engagement list, page 150": (
            admin,
            reverse("programme_engagements", args=[programme.pk]),  # type: ignore[attr-defined]
            {"page": 150},
        ),
        "dashboard CSV": (admin, reverse("programme_dashboard_csv", args=[programme.pk]), {}),  # type: ignore[attr-defined]
    }

    def changed() -> None:
        programmes_changed([programme.pk], snapshot=False)  # type: ignore[attr-defined]

    queries, times = {}, {name: [] for name in pages}
    for name, (client, url, params) in pages.items():  # warm up, and count the queries
        if name in computed:
            changed()
        else:
            fetch(client, url, params)
        with CaptureQueriesContext(connection) as captured:
            response = client.get(url, params)
            if hasattr(response, "streaming_content"):
                b"".join(response.streaming_content)
        assert response.status_code == 200, (name, response.status_code)
        queries[name] = len(captured.captured_queries)
    for _ in range(rounds):
        for name, (client, url, params) in pages.items():
            if name in computed:
                changed()
            else:  # a repeat visit: what the previous one kept is there (untimed)
                fetch(client, url, params)
            started = time.perf_counter()
            fetch(client, url, params)
            times[name].append(time.perf_counter() - started)
    budget = statistics.median(times["engagement page (coach)"])
    print(f"\n{'page':32} {'queries':>7} {'min ms':>8} {'median':>8} {'max':>8} {'ratio':>6}")
    for name, samples in times.items():
        median = statistics.median(samples)
        print(
            f"{name:32} {queries[name]:7d} {min(samples) * 1000:8.1f} {median * 1000:8.1f} "
            f"{max(samples) * 1000:8.1f} {median / budget:6.2f}"
        )
    snapshots = []
    for _ in range(max(rounds // 3, 3)):
        changed()
        started = time.perf_counter()
        snapshot_refresh(programme.pk)  # type: ignore[attr-defined]
        snapshots.append(time.perf_counter() - started)
    print(
        f"{'snapshot, in the background':32} {'':7} {min(snapshots) * 1000:8.1f} "
        f"{statistics.median(snapshots) * 1000:8.1f} {max(snapshots) * 1000:8.1f}"
    )
    print("ratio: the page's median time over the engagement page's (coach), same run")
    print("computed: right after a change of the programme's figures, before its snapshot")
    print("snapshot: the task a change of figures queues, once per burst of changes\n")
    changed()
    explain(admin, dashboard)


def fetch(client: object, url: str, params: dict[str, object]) -> None:
    response = client.get(url, params)  # type: ignore[attr-defined]
    if hasattr(response, "streaming_content"):
        b"".join(response.streaming_content)


def explain(client: object, url: str) -> None:
    """The dashboard's three slowest queries and their plans."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        client.get(url, {"cohort": COHORTS[3]})  # type: ignore[attr-defined]
    slowest = sorted(captured.captured_queries, key=lambda q: -float(q["time"]))[:3]
    postgres = connection.vendor == "postgresql"
    for query in slowest:
        sql = query["sql"]
        print(f"-- {float(query['time']) * 1000:.1f} ms: {sql[:160]}…")
        with connection.cursor() as cursor:
            cursor.execute(("EXPLAIN " if postgres else "EXPLAIN QUERY PLAN ") + sql)
            for row in cursor.fetchall():
                print("   ", " ".join(str(c) for c in row if c is not None))
        print()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument(
        "--engagements", type=int, nargs="+", default=[1_000, 10_000], help="scales to run"
    )
    parser.add_argument("--rounds", type=int, default=15)
    args = parser.parse_args()
    for scale in args.engagements:
        run(scale, args.rounds)


def run(engagements: int, rounds: int) -> None:
    import django

    django.setup()
    from django.db import OperationalError, connection

    try:
        name, configured = setup()
    except OperationalError as exc:  # PostgreSQL not running, say
        print(f"bench_dashboard: no database to benchmark on ({exc}); skipped.")
        return
    print(f"\n=== {engagements:,} engagements, database: {connection.vendor} ({name})")
    try:
        world = seed(engagements)
        with connection.cursor() as cursor:  # fresh statistics, as autovacuum would give
            cursor.execute("ANALYZE")
        measure(world, rounds)
    finally:
        connection.creation.destroy_test_db(configured, verbosity=0)


if __name__ == "__main__":
    main()
