"""What the audit of reads costs a page: the session page with and without its audit row.

    DEBUG=1 .venv/bin/python benchmarks/bench_audit.py
    DEBUG=1 DATABASE_URL=postgres://postgres@127.0.0.1:5432/tandem_bench \\
        .venv/bin/python benchmarks/bench_audit.py

Creates a throwaway test database, a lived-in engagement (the tests' ``build_world``), then
times the coach's session page through the test client in interleaved rounds — with the
audit row written, and with ``record_read`` replaced by a no-op — plus ``record_read`` alone.
Prints medians; asserts nothing.
"""

from __future__ import annotations

import datetime as dt
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tandem.settings")
os.environ.setdefault("DEBUG", "1")

ROUNDS, PER_ROUND, INSERTS = 15, 20, 2000


def main() -> None:
    import django

    django.setup()
    from django.db import connection
    from django.test import Client
    from django.test.utils import setup_test_environment
    from django.urls import reverse
    from django.utils import timezone

    setup_test_environment()
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        from tandem.accounts.models import Membership, Organisation, Programme, User
        from tandem.coaching_sessions import views as session_views
        from tandem.core.tests.world import build_world
        from tandem.engagements.models import Engagement
        from tandem.privacy import audit
        from tandem.privacy.models import ReadRecord

        org = Organisation.objects.create(name="Bench Ltd", slug="bench")
        programme = Programme.objects.create(organisation=org, name="Bench")
        people = {}
        for name in ("coach", "coachee", "sponsor"):
            people[name] = User.objects.create_user(
                f"{name}@bench.example", "bench-password", full_name=name.title()
            )
            Membership.objects.create(user=people[name], organisation=org)
        start = timezone.localdate() - dt.timedelta(days=30)
        engagement = Engagement.objects.create(
            organisation=org,
            programme=programme,
            coach=people["coach"],
            coachee=people["coachee"],
            sponsor=people["sponsor"],
            status=Engagement.Status.ACTIVE,
            start_date=start,
            end_date=start + dt.timedelta(days=120),
        )
        world = build_world(engagement)
        client = Client()
        client.force_login(people["coach"])
        url = reverse("session_detail", args=[world.session.pk])
        real = session_views.record_read

        def page_ms() -> float:
            began = time.perf_counter()
            for _ in range(PER_ROUND):
                assert client.get(url).status_code == 200
            return (time.perf_counter() - began) * 1000 / PER_ROUND

        page_ms()  # warm up
        with_audit, without = [], []
        for _ in range(ROUNDS):
            session_views.record_read = real
            with_audit.append(page_ms())
            session_views.record_read = lambda **kw: None  # type: ignore[assignment]
            without.append(page_ms())
        session_views.record_read = real

        began = time.perf_counter()
        for _ in range(INSERTS):
            audit.record_read(
                reader=people["coach"], kind=ReadRecord.Kind.SESSION_NOTES, engagement=engagement
            )
        insert_ms = (time.perf_counter() - began) * 1000 / INSERTS

        a, b = statistics.median(with_audit), statistics.median(without)
        print(f"database: {connection.vendor}; {ROUNDS} interleaved rounds of {PER_ROUND}")
        print(f"session page, audit row written:  {a:6.2f} ms median")
        print(f"session page, no audit row:       {b:6.2f} ms median")
        print(f"difference:                       {a - b:+6.2f} ms ({(a - b) / b:+.1%})")
        print(f"record_read alone (autocommit):   {insert_ms:6.3f} ms per row, {INSERTS} rows")
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main()
