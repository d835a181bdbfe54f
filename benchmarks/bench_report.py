"""What opening the sealed 360 report costs on the report page.

    .venv/bin/python benchmarks/bench_report.py                    (SQLite file)
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/tandem_bench benchmarks/bench_report.py
    make bench-report                                              (both)

Seeds the demo into a throwaway database (Django's test database, dropped afterwards), then
for each released 360 of the demo, interleaved round by round: the report page as its
coachee requests it (in process, Django's test client), and on its own what the page pays
for the encryption — AES-GCM open of the stored token, JSON parse, and the typed snapshot
built from it (``ReportSnapshot.from_json``) — and, for contrast, the same parse without the
decryption. Prints the sealed size and min / median / max ms. A benchmark, not a test.
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import statistics
import sys
import time
from base64 import b64encode
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tandem.settings")
os.environ["DEBUG"] = "0"
os.environ.setdefault("SECRET_KEY", secrets.token_urlsafe(40))
os.environ.setdefault("TANDEM_ENCRYPTION_KEYS", "bench:" + b64encode(os.urandom(32)).decode())
os.environ.setdefault("ALLOWED_HOSTS", "testserver")
os.environ.setdefault("CONN_MAX_AGE", "600")
os.environ.setdefault("EMAIL_BACKEND", "django.core.mail.backends.locmem.EmailBackend")
BENCH_DIR = Path(os.environ.get("BENCH_DIR", "/tmp"))  # noqa: S108 - a throwaway database
os.environ.setdefault("DATABASE_URL", f"sqlite:///{BENCH_DIR / 'tandem-bench-report.sqlite3'}")


def _ms(samples: list[float]) -> str:
    return (
        f"{min(samples) * 1000:8.3f} {statistics.median(samples) * 1000:8.3f} "
        f"{max(samples) * 1000:8.3f}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=30)
    args = parser.parse_args()

    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.urls import reverse

    from tandem.core import crypto
    from tandem.feedback.models import FeedbackCycle
    from tandem.feedback.snapshot import ReportSnapshot

    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    db = settings.DATABASES["default"]
    if db["ENGINE"].endswith("sqlite3"):
        db["TEST"]["NAME"] = str(BENCH_DIR / "test-tandem-bench-report.sqlite3")
    configured = db["NAME"]
    connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    try:
        call_command("seed_demo", verbosity=0)
        cycles = list(
            FeedbackCycle.objects.filter(status=FeedbackCycle.Status.RELEASED).select_related(
                "engagement__coachee"
            )
        )
        print(f"{connection.vendor}: {len(cycles)} released reports, {args.rounds} rounds\n")
        print(f"{'report':<28} {'sealed':>7}   {'min':>8} {'median':>8} {'max':>8} ms")
        for cycle in cycles:
            raw = str(
                FeedbackCycle.objects.filter(pk=cycle.pk).values_list("report", flat=True).get()
            )
            aad = f"feedback.feedbackcycle.report:{cycle.pk}".encode()
            plain = crypto.unseal(raw, aad=aad)
            client = Client()
            client.force_login(cycle.engagement.coachee)
            url = reverse("cycle_report", args=[cycle.pk])
            assert client.get(url).status_code == 200
            page, opened, parsed = [], [], []
            for _ in range(args.rounds):
                start = time.perf_counter()
                client.get(url)
                page.append(time.perf_counter() - start)
                start = time.perf_counter()
                ReportSnapshot.from_json(json.loads(crypto.unseal(raw, aad=aad)))
                opened.append(time.perf_counter() - start)
                start = time.perf_counter()
                ReportSnapshot.from_json(json.loads(plain))
                parsed.append(time.perf_counter() - start)
            name = f"{cycle.engagement.coachee.get_short_name()} {cycle.kind}"
            print(f"{name + ' page':<28} {len(raw):>6}B   {_ms(page)}")
            print(f"{'  open + parse + type':<28} {'':>7}   {_ms(opened)}")
            print(f"{'  parse + type (no crypto)':<28} {'':>7}   {_ms(parsed)}")
            share = statistics.median(opened) / statistics.median(page)
            print(f"{'  share of the page':<28} {'':>7}   {share:8.1%}\n")
    finally:
        connection.creation.destroy_test_db(configured, verbosity=0)


if __name__ == "__main__":
    main()
