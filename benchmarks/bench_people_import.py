"""Benchmark the people import and the programme's people page.

    DEBUG=1 .venv/bin/python benchmarks/bench_people_import.py
    DEBUG=1 DATABASE_URL=postgres://postgres@127.0.0.1:5432/tandem_bench \\
        .venv/bin/python benchmarks/bench_people_import.py

Creates a throwaway test database (Django's test-database machinery), then times, for files of
500 and 2,000 rows: reading and checking the file (the preview), and the import itself (one
transaction; the 100-person email tasks run at once on the locmem backend, as in development),
with the queries each took; then the people page of the 2,000-person programme. Prints numbers
only; it asserts nothing (the query counts are pinned by the tests).
"""

from __future__ import annotations

import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tandem.settings")
os.environ.setdefault("DEBUG", "1")

RUNS = 5


def people_csv(n: int, tag: str) -> str:
    lines = ["name,email,role,sponsor_email,cohort,training"]
    sponsors = max(1, n // 10)
    lines += [f"Sponsor {i},s{i}.{tag}@bench.example,sponsor,,," for i in range(sponsors)]
    for i in range(n - sponsors):
        role = "coach" if i % 20 == 0 else "coachee"
        sponsor = f"s{i % sponsors}.{tag}@bench.example" if role == "coachee" else ""
        lines.append(f"Person {i},p{i}.{tag}@bench.example,{role},{sponsor},C{i % 4},yes")
    return "\n".join(lines) + "\n"


def main() -> None:
    import django

    django.setup()
    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext, setup_test_environment
    from django.urls import reverse

    setup_test_environment()  # locmem email
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        from tandem.accounts.models import Membership, Organisation, Programme, User
        from tandem.programmes.people import services

        org = Organisation.objects.create(name="Bench Ltd", slug="bench")
        admin = User.objects.create_user("admin@bench.example", "bench-password", full_name="A")
        Membership.objects.create(user=admin, organisation=org, role="programme_admin")
        print(f"database: {connection.vendor}")
        for n in (500, 2000):
            preview_times, import_times = [], []
            for run in range(RUNS):
                programme = Programme.objects.create(organisation=org, name=f"P{n}-{run}")
                text = people_csv(n, f"{n}r{run}")
                with CaptureQueriesContext(connection) as preview_q:
                    started = time.perf_counter()
                    plan = services.plan_text(actor=admin, programme=programme, text=text)
                    preview_times.append(time.perf_counter() - started)
                with CaptureQueriesContext(connection) as import_q:
                    started = time.perf_counter()
                    services.people_import(
                        actor=admin,
                        programme=programme,
                        text=text,
                        fingerprint=plan.fingerprint,
                        skip_errors=False,
                        base_url="http://bench/",
                    )
                    import_times.append(time.perf_counter() - started)
            print(
                f"{n:>5} rows: preview median {statistics.median(preview_times) * 1000:.0f} ms "
                f"({len(preview_q)} queries); import median "
                f"{statistics.median(import_times) * 1000:.0f} ms ({len(import_q)} queries, "
                f"{n} emails included)"
            )
        client = Client()
        client.force_login(admin)
        url = reverse("programme_people", args=[programme.pk])
        client.get(url)
        page_times = []
        for _ in range(RUNS * 4):
            with CaptureQueriesContext(connection) as page_q:
                started = time.perf_counter()
                client.get(url + "?page=3")
                page_times.append(time.perf_counter() - started)
        print(
            f"people page of a 2000-person programme: median "
            f"{statistics.median(page_times) * 1000:.1f} ms ({len(page_q)} queries)"
        )
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main()
