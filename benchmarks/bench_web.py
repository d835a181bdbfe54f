"""The pages as production serves them, against the floor every signed-in page pays.

    make bench-web
    BENCH_WEB_PG_URL=postgres://postgres@127.0.0.1:5432/tandem_bench_web \\
        .venv/bin/python benchmarks/bench_web.py [--scales 1000 10000] [--seconds 2] [--rounds 3]

What it does:

1. (Re)creates the PostgreSQL database named by BENCH_WEB_PG_URL and migrates it.
2. Seeds one organisation and programme at the first scale, in bulk INSERTs: per engagement ten
   sessions, the dashboard's figures, target areas, and a closed baseline 360 with five
   responses of twenty answers (10,000 engagements: 100,000 sessions, 1,000,000 answers). One
   sample engagement is lived in through the services: a target, a held and a planned session,
   and a released 360 report.
3. Starts gunicorn as in production (2 sync workers, DEBUG off, persistent connections,
   collected static files) with the two reference pages switched on (TANDEM_BENCH_VIEWS=1):
   /bench/hello (no database) and /bench/floor (session + user + one template).
4. Measures, round after round and page after page (interleaved, so a busy machine slows all
   alike), each page for ``--seconds`` with ``--clients`` keep-alive clients (urllib3), and
   gives its requests/s as a ratio of the floor's in the same round set. Query counts come from
   rendering each page once in this process with Django's test client.
5. Grows the organisation to the next scale and measures the organisation-wide pages again
   (their cost must not grow with the organisation), then every page at the largest scale.
6. Prints the table and the plans (EXPLAIN ANALYZE) of each page's two slowest queries, and writes
   both to docs/benchmarks/web.md.

A benchmark, not a test: it asserts nothing, and exits 0 whatever it measures.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import secrets
import signal
import subprocess
import sys
import tempfile
import threading
import time
from base64 import b64encode
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

PG_URL = os.environ.get("BENCH_WEB_PG_URL", "postgres://postgres@127.0.0.1:5432/tandem_bench_web")
PORT = int(os.environ.get("BENCH_WEB_PORT", "8716"))
DATA_DIR = Path(tempfile.mkdtemp(prefix="tandem-bench-web-"))
ENV = {
    "DJANGO_SETTINGS_MODULE": "tandem.settings",
    "DEBUG": "0",
    "SECRET_KEY": secrets.token_urlsafe(40),
    "TANDEM_ENCRYPTION_KEYS": "bench:" + b64encode(os.urandom(32)).decode(),
    "ALLOWED_HOSTS": "127.0.0.1,localhost,testserver",
    "DATABASE_URL": PG_URL,
    "DATA_DIR": str(DATA_DIR),
    "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
    "TANDEM_BENCH_VIEWS": "1",
    "SECURE_COOKIES": "0",
    "LOG_LEVEL": "ERROR",
}
os.environ.update(ENV)

COHORTS = [f"20{25 + i // 4}-Q{i % 4 + 1}" for i in range(12)]
ITEMS = [f"item{i:02d}" for i in range(20)]
GROUPS = ["self", "manager", "peer", "peer", "direct_report"]
PER_COACH = 20  # engagements per coach
PER_SPONSOR = 10  # engagements per sponsor


@dataclass
class Goal:
    ratio: float | None  # of the floor's requests/s; None: shown, not judged
    scales: str = "largest"  # "every": measured at every scale (must stay flat)


@dataclass
class Page:
    name: str
    who: str
    path: str
    goal: Goal
    queries: dict[int, int] = field(default_factory=dict)
    rps: dict[int, float] = field(default_factory=dict)


# ------------------------------------------------------------------------------------ database


def recreate_database() -> None:
    import psycopg

    parts = urlsplit(PG_URL)
    name = parts.path.lstrip("/")
    admin = parts._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def django_setup() -> None:
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    call_command("collectstatic", verbosity=0, interactive=False)


@dataclass
class World:
    org: object
    programme: object
    admin: object
    sample: object  # the lived-in engagement
    session: object
    cycle: object
    coaches: list = field(default_factory=list)
    sponsors: list = field(default_factory=list)
    made: int = 0


def copy_in(objs: list) -> None:
    """INSERT ``objs`` (one model, primary keys set or made by their defaults) with
    PostgreSQL's COPY: several times faster than bulk_create for the big tables. Values go
    through each field as Django would save them (defaults, JSON, timestamps)."""
    from django.db import connection

    if not objs:
        return
    model = type(objs[0])
    fields = [
        f
        for f in model._meta.concrete_fields
        if not (f.primary_key and f.get_internal_type().endswith("AutoField"))  # the DB's
    ]
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    table = connection.ops.quote_name(model._meta.db_table)
    with connection.cursor() as cursor:
        raw = cursor.cursor  # psycopg's own cursor
        with raw.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
            for obj in objs:
                copy.write_row(
                    [
                        f.get_db_prep_save(f.pre_save(obj, True), connection=connection)
                        for f in fields
                    ]
                )


def seed_bulk(world: World, count: int) -> None:
    """Add ``count`` engagements (and all that hangs off them) to the world, in bulk."""
    from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX as NO_PASSWORD
    from django.utils import timezone
    from scale_rows import COMPETENCIES, derived_rows

    from tandem.accounts.models import Membership, User
    from tandem.coaching_sessions.models import CoachingSession
    from tandem.engagements.models import Engagement
    from tandem.feedback.models import FeedbackCycle, Response

    rng = random.Random(2026 + world.made)
    now = timezone.now()
    today = timezone.localdate()
    start = world.made
    started = time.perf_counter()
    new_coaches = User.objects.bulk_create(
        User(email=f"coach{i}@scale.example", full_name=f"Coach {i:04d}", password=NO_PASSWORD)
        for i in range(len(world.coaches), (start + count) // PER_COACH + 1)
    )
    new_sponsors = User.objects.bulk_create(
        User(email=f"sponsor{i}@scale.example", full_name=f"Sponsor {i:04d}", password=NO_PASSWORD)
        for i in range(len(world.sponsors), (start + count) // PER_SPONSOR + 1)
    )
    world.coaches += new_coaches
    world.sponsors += new_sponsors
    coachees = User.objects.bulk_create(
        (
            User(
                email=f"leader{i}@scale.example", full_name=f"Leader {i:05d}", password=NO_PASSWORD
            )
            for i in range(start, start + count)
        ),
        batch_size=2000,
    )
    copy_in(
        [
            Membership(user=u, organisation=world.org)
            for u in [*new_coaches, *new_sponsors, *coachees]
        ]
    )
    statuses = ["active"] * 40 + ["completed"] * 35 + ["closing"] * 8 + ["contracting"] * 7
    statuses += ["paused"] * 4 + ["cancelled"] * 3 + ["draft"] * 3
    made = [
        Engagement(
            organisation=world.org,
            programme=world.programme,
            kind="coaching",
            title="",
            coach=world.coaches[(start + i) // PER_COACH],
            coachee=coachee,
            sponsor=world.sponsors[(start + i) // PER_SPONSOR],
            cohort=COHORTS[((start + i) // 7) % len(COHORTS)],
            after_training=rng.choice([True, True, False, None]),
            status=rng.choice(statuses),
            start_date=today - dt.timedelta(days=rng.randint(0, 700)),
            end_date=today + dt.timedelta(days=rng.randint(1, 180)),
        )
        for i, coachee in enumerate(coachees)
    ]
    copy_in(made)
    figures, changes, areas, sessions, cycles = [], [], [], [], []
    for i, e in enumerate(made):
        held, figure, change, area = derived_rows(e, i, rng, now)
        figures.append(figure)
        changes += change
        areas += area
        for s in range(10):
            sessions.append(
                CoachingSession(
                    engagement=e,
                    scheduled_at=now + dt.timedelta(days=14 * (s - held)),
                    status="held" if s < held else "planned",
                )
            )
        cycles.append(
            FeedbackCycle(
                engagement=e,
                kind="baseline",
                status="closed",
                closes_on=today - dt.timedelta(days=rng.randint(1, 300)),
                competency_keys=COMPETENCIES[:2],
                questionnaire={"items": [{"key": k} for k in ITEMS]},
            )
        )
    for rows in (figures, changes, areas, sessions, cycles):
        copy_in(rows)
    responses = (
        Response(
            cycle=cycle, group=group, answers={k: rng.choice([1, 2, 3, 4, 5, None]) for k in ITEMS}
        )
        for cycle in cycles
        for group in GROUPS
    )
    copy_in(list(responses))
    world.made += count
    answers = len(cycles) * len(GROUPS) * len(ITEMS)
    print(
        f"seeded {count:,} engagements, {len(sessions):,} sessions, {answers:,} 360 answers "
        f"in {time.perf_counter() - started:.1f} s (now {world.made:,} engagements)",
        flush=True,
    )


def seed_world(count: int) -> World:
    """The organisation, its admin, the lived-in sample engagement, then ``count`` in bulk."""
    from django.db import connection
    from django.utils import timezone

    from tandem.accounts.models import Membership, Organisation, Programme, User
    from tandem.core.tests.world import TARGET, held_session_with_action, plan_session
    from tandem.engagements import services as engagements
    from tandem.engagements.models import Engagement
    from tandem.feedback import services as feedback
    from tandem.feedback.models import Comment, Response

    org = Organisation.objects.create(name="Scale Org", slug="scale-org")
    programme = Programme.objects.create(
        organisation=org, name="Leaders at scale", training="the 12-skills course"
    )
    admin = User.objects.create_user("admin@scale.example", "bench-password", full_name="Ada Admin")
    Membership.objects.create(user=admin, organisation=org, role="programme_admin")
    coach = User.objects.create_user("coach@scale.example", "x", full_name="Casey Coach")
    coachee = User.objects.create_user("leader@scale.example", "x", full_name="Lee Leader")
    sponsor = User.objects.create_user("sponsor@scale.example", "x", full_name="Sam Sponsor")
    for u in (coach, coachee, sponsor):
        Membership.objects.create(user=u, organisation=org)
    today = timezone.localdate()
    sample = Engagement.objects.create(
        organisation=org,
        programme=programme,
        kind="coaching",
        coach=coach,
        coachee=coachee,
        sponsor=sponsor,
        status="active",
        start_date=today - dt.timedelta(days=60),
        end_date=today + dt.timedelta(days=120),
    )
    engagements.target_create(actor=coach, engagement=sample, **TARGET)
    held_session_with_action(sample)
    session = plan_session(sample, hours_from_now=48)
    cycle = feedback.cycle_create(
        actor=coach,
        engagement=sample,
        kind="baseline",
        closes_on=today + dt.timedelta(days=14),
        competency_keys=["delegation", "candour"],
    )
    for i, group in enumerate(
        ["manager", "peer", "peer", "peer", "direct_report", "direct_report"]
    ):
        invitation = feedback.invitation_nominate(
            actor=coachee, cycle=cycle, name=f"Rater {i}", email=f"r{i}@x.example", group=group
        )
        feedback.invitation_review(actor=coach, invitation=invitation, approve=True)
    feedback.cycle_open(actor=coach, cycle=cycle)
    cycle.refresh_from_db()
    keys = feedback.questionnaire_item_keys(cycle.questionnaire)
    rng = random.Random(7)
    for group in [
        "self",
        "peer",
        "peer",
        "peer",
        "direct_report",
        "direct_report",
        "direct_report",
    ]:
        Response.objects.create(
            cycle=cycle, group=group, answers={k: rng.randint(2, 5) for k in keys}
        )
        Comment(cycle=cycle, group=group, text=f"A comment from {group}").save()
    feedback.cycle_close(actor=coach, cycle=cycle)
    for comment in Comment.objects.filter(cycle=cycle):
        feedback.comment_review(actor=coach, comment=comment, approve=True)
    feedback.cycle_release(actor=coach, cycle=cycle)
    world = World(org, programme, admin, sample, session, cycle)
    world.coaches, world.sponsors = [], []
    seed_bulk(world, count)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return world


# ------------------------------------------------------------------------------------ server


def start_gunicorn() -> subprocess.Popen:
    gunicorn = Path(sys.executable).parent / "gunicorn"
    proc = subprocess.Popen(  # noqa: S603 - our own executable and arguments
        [str(gunicorn), "tandem.wsgi", "--workers", "2", "--bind", f"127.0.0.1:{PORT}"],
        cwd=ROOT,
        env={**os.environ, **ENV},
        stdout=subprocess.DEVNULL,
        start_new_session=True,
    )
    import urllib3

    http = urllib3.PoolManager(retries=False)
    for _ in range(150):
        try:
            if http.request("GET", f"http://127.0.0.1:{PORT}/healthz").status == 200:
                return proc
        except urllib3.exceptions.HTTPError:
            pass
        time.sleep(0.2)
    proc.terminate()
    raise SystemExit("gunicorn did not start")


def stop(proc: subprocess.Popen) -> None:
    os.killpg(proc.pid, signal.SIGTERM)
    proc.wait(timeout=30)


def session_cookie(user: object) -> str:
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    store = SessionStore()
    store[SESSION_KEY] = str(user.pk)  # type: ignore[attr-defined]
    store[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()  # type: ignore[attr-defined]
    store.create()
    return f"sessionid={store.session_key}"


def load(path: str, cookie: str, seconds: float, clients: int) -> tuple[int, float]:
    """(requests answered 200, seconds taken) by ``clients`` keep-alive clients in a loop."""
    import urllib3

    pool = urllib3.HTTPConnectionPool("127.0.0.1", PORT, maxsize=clients, retries=False)
    headers = {"Cookie": cookie} if cookie else {}
    counts = [0] * clients
    bad: list[int] = []
    deadline = time.perf_counter() + seconds

    def client(n: int) -> None:
        while time.perf_counter() < deadline:
            response = pool.request("GET", path, headers=headers, redirect=False)
            if response.status == 200:
                counts[n] += 1
            else:
                bad.append(response.status)

    begun = time.perf_counter()
    threads = [threading.Thread(target=client, args=(n,)) for n in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    if bad:
        print(f"  {path}: {len(bad)} answers were not 200 (first {bad[0]})", file=sys.stderr)
    return sum(counts), time.perf_counter() - begun


# ------------------------------------------------------------------------------------ measuring


def pages_for(world: World) -> list[Page]:
    from django.urls import reverse

    every = "every"
    return [
        Page("hello (reference)", "", reverse("bench_hello"), Goal(None)),
        Page("signed-in floor (reference)", "coachee", reverse("bench_floor"), Goal(None)),
        Page("programme admin's home", "admin", reverse("home"), Goal(0.5, every)),
        Page(
            "programme dashboard",
            "admin",
            reverse("programme_dashboard", args=[world.programme.pk]),  # type: ignore[attr-defined]
            Goal(0.5, every),
        ),
        Page(
            "programme people page",
            "admin",
            reverse("programme_people", args=[world.programme.pk]),  # type: ignore[attr-defined]
            Goal(0.5, every),
        ),
        Page(
            "organisation people page",
            "admin",
            reverse("people", args=[world.org.slug]),  # type: ignore[attr-defined]
            Goal(0.5, every),
        ),
        Page(
            "engagement page",
            "coach",
            reverse("engagement_detail", args=[world.sample.pk]),  # type: ignore[attr-defined]
            Goal(0.5),
        ),
        Page(
            "session page",
            "coach",
            reverse("session_detail", args=[world.session.pk]),  # type: ignore[attr-defined]
            Goal(0.5),
        ),
        Page("coach's home", "coach", reverse("home"), Goal(0.5)),
        Page("coachee's home", "coachee", reverse("home"), Goal(0.5)),
        Page("sponsor's home", "sponsor", reverse("home"), Goal(0.5)),
        Page(
            "released 360 report",
            "coachee",
            reverse("cycle_report", args=[world.cycle.pk]),  # type: ignore[attr-defined]
            Goal(0.8),
        ),
        Page(
            "released 360 report, PDF",
            "coachee",
            reverse("cycle_report_pdf", args=[world.cycle.pk]),  # type: ignore[attr-defined]
            Goal(None),
        ),
    ]


def count_queries(pages: list[Page], users: dict[str, object], scale: int) -> dict[str, list[str]]:
    """Each page's query count at this scale, and the SQL of its two slowest queries."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    slowest: dict[str, list[str]] = {}
    for page in pages:
        client = Client()
        if page.who:
            client.force_login(users[page.who])
        client.get(page.path)  # warm: the first request fills what is cached
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(page.path)
        assert response.status_code == 200, (page.name, response.status_code)
        page.queries[scale] = len(ctx.captured_queries)
        if ctx.captured_queries:
            worst = sorted(ctx.captured_queries, key=lambda q: -float(q["time"]))[:2]
            slowest[page.name] = [q["sql"] for q in worst]
    return slowest


def measure(
    pages: list[Page],
    cookies: dict[str, str],
    scale: int,
    seconds: float,
    rounds: int,
    clients: int,
) -> None:
    totals = {p.name: [0, 0.0] for p in pages}
    for page in pages:  # warm both workers: imports, templates, caches
        load(page.path, cookies.get(page.who, ""), 0.3, clients)
    for r in range(rounds):
        for page in pages:
            n, took = load(page.path, cookies.get(page.who, ""), seconds, clients)
            totals[page.name][0] += n
            totals[page.name][1] += took
        print(f"  round {r + 1}/{rounds} at {scale:,} done", flush=True)
    for page in pages:
        n, took = totals[page.name]
        page.rps[scale] = n / took if took else 0.0


def explain(sql: str) -> str:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (ANALYZE, COSTS OFF, SUMMARY ON) " + sql)
        return "\n".join(row[0] for row in cursor.fetchall())


def table(pages: list[Page], scales: list[int]) -> tuple[str, bool]:
    floor = pages[1]
    largest = scales[-1]
    lines = [
        "| page | scale | queries | req/s | ratio to floor | goal | result |",
        "| --- | ---: | ---: | ---: | ---: | ---: | --- |",
    ]
    ok = True
    for page in pages:
        for scale in scales:
            if scale not in page.rps:
                continue
            ratio = page.rps[scale] / floor.rps[scale] if floor.rps.get(scale) else 0.0
            goal = page.goal.ratio
            if goal is None:
                verdict = "—"
            elif ratio >= goal:
                verdict = "pass"
            else:
                verdict, ok = "FAIL", False
            if page.goal.scales == "every" and scale == largest and len(scales) > 1:
                small = scales[0]
                grew = page.queries[largest] > page.queries[small]
                slower = page.rps[largest] < 0.8 * page.rps[small]
                if grew or slower:
                    verdict, ok = f"FAIL (grows from {small:,})", False
            lines.append(
                f"| {page.name} | {scale:,} | {page.queries.get(scale, '')} | "
                f"{page.rps[scale]:,.0f} | {ratio:.2f} | "
                f"{'' if goal is None else f'≥ {goal:.2f}'} | {verdict} |"
            )
    return "\n".join(lines), ok


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scales", type=int, nargs="+", default=[1000, 10000])
    parser.add_argument("--seconds", type=float, default=2.0)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--out", default=str(ROOT / "docs" / "benchmarks" / "web.md"))
    args = parser.parse_args()
    scales = sorted(args.scales)

    recreate_database()
    django_setup()
    from tandem.accounts.models import User  # noqa: F401 - after setup

    world = seed_world(scales[0])
    pages = pages_for(world)
    users = {
        "admin": world.admin,
        "coach": world.sample.coach,  # type: ignore[attr-defined]
        "coachee": world.sample.coachee,  # type: ignore[attr-defined]
        "sponsor": world.sample.sponsor,  # type: ignore[attr-defined]
    }
    cookies = {who: session_cookie(u) for who, u in users.items()}
    slowest: dict[str, list[str]] = {}
    for scale in scales:
        if world.made < scale:
            seed_bulk(world, scale - world.made)
            from django.db import connection

            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
        chosen = (
            pages
            if scale == scales[-1]
            else [p for p in pages[:2]] + [p for p in pages if p.goal.scales == "every"]
        )
        slowest = count_queries(chosen, users, scale)
        server = start_gunicorn()
        try:
            measure(chosen, cookies, scale, args.seconds, args.rounds, args.clients)
        finally:
            stop(server)

    text, ok = table(pages, scales)
    print("\n" + text + "\n")
    plans = []
    for name, sqls in slowest.items():
        if name.endswith("(reference)"):
            continue
        plans.append(f"### {name}\n")
        for sql in sqls:
            shown = sql if len(sql) < 700 else sql[:300] + " … " + sql[-380:]
            plans.append(f"```sql\n{shown}\n```\n\n```\n{explain(sql)}\n```\n")
    print("\n".join(plans)[:20000])
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(
        "# Web benchmark\n\n"
        "Written by `make bench-web` (benchmarks/bench_web.py): gunicorn with 2 sync workers, "
        "DEBUG off, PostgreSQL, persistent connections, on the machine that ran it "
        f"({os.cpu_count()} cores). Each page's requests/s as a ratio of the signed-in floor "
        "(session + user + one template) measured interleaved in the same run; "
        f"{args.rounds} rounds of {args.seconds:g} s per page, {args.clients} keep-alive "
        "clients. Organisation-wide pages are measured at every scale and fail if they grow.\n\n"
        f"Run {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}; all goals met: "
        f"{'yes' if ok else 'no'}.\n\n" + text + "\n\n## Plans of each page's two slowest queries "
        f"at {scales[-1]:,} engagements\n\n" + "\n".join(plans)
    )
    print(f"written to {out}")


if __name__ == "__main__":
    main()
