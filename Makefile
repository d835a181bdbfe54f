# The project's verbs. `make run` and `make test` are all a fresh machine needs.
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8000
PG_URL ?= postgres://postgres@127.0.0.1:5432/tandem
DEV := DEBUG=1

.PHONY: install pdf-deps run seed test test-postgres check lint format typecheck migrations-check browser-deps eval-analyser bench bench-dashboard bench-people bench-web bench-report bench-audit

# uv, when it is on the PATH, installs in seconds; pip is the fallback (same constraints).
$(VENV)/.installed: pyproject.toml constraints.txt
	@if command -v uv >/dev/null 2>&1; then \
		test -x $(PY) || uv venv -q --seed --python python3 $(VENV); \
		uv pip install -q --python $(PY) -c constraints.txt -e '.[dev]'; \
	else \
		test -x $(PY) || python3 -m venv $(VENV); \
		$(PY) -m pip install -q --upgrade pip; \
		$(PY) -m pip install -q -c constraints.txt -e '.[dev]'; \
	fi
	touch $@

install: $(VENV)/.installed

## pdf-deps: Pango and a font for WeasyPrint's PDF reports (usually already there)
pdf-deps:
	@ldconfig -p | grep -q libpangoft2-1.0 || { \
		echo "Installing Pango for the PDF reports…"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
			libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core >/dev/null; }

# Development email: one file per email under var/mail/ (`manage.py outbox`, /dev/outbox/).
MAIL := EMAIL_BACKEND=django.core.mail.backends.filebased.EmailBackend EMAIL_FILE_PATH=var/mail

## run: the app with demo data on SQLite at http://127.0.0.1:$(PORT), with the worker and scheduler
run: install pdf-deps
	$(DEV) $(PY) manage.py migrate --noinput -v0
	$(DEV) $(MAIL) SITE_URL=http://127.0.0.1:$(PORT) $(PY) manage.py seed_demo
	@echo "\nTandem is at http://127.0.0.1:$(PORT)/ — sign in with a demo login above."
	@echo "Emails land in var/mail/: read them at http://127.0.0.1:$(PORT)/dev/outbox/ or with"
	@echo "'DEBUG=1 $(PY) manage.py outbox'. Ctrl-C stops the server, the worker and the scheduler.\n"
	$(DEV) $(MAIL) TASKS_BACKEND=django_tasks_db.DatabaseBackend SITE_URL=http://127.0.0.1:$(PORT) \
		$(PY) manage.py run_with_worker 127.0.0.1:$(PORT)

seed: install
	$(DEV) $(PY) manage.py seed_demo --reset

## browser-deps: Debian's Chromium for the Playwright tests (never `playwright install`)
browser-deps:
	@test -x /usr/bin/chromium || { \
		echo "Installing Debian's chromium for the browser tests…"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; }

## test: the whole suite (SQLite), on two processes (a module's tests stay on one worker)
test: install browser-deps pdf-deps
	$(PY) -m pytest -n 2 --dist loadscope

## test-postgres: the whole suite against PostgreSQL ($(PG_URL))
test-postgres: install browser-deps pdf-deps
	DATABASE_URL=$(PG_URL) $(PY) -m pytest -n 2 --dist loadscope

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: install
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

typecheck: install
	$(DEV) $(VENV)/bin/mypy

migrations-check: install
	$(DEV) $(PY) manage.py makemigrations --check --dry-run

## check: lint, types, migrations, then the tests
check: lint typecheck migrations-check test

eval-analyser: install
	$(PY) scripts/eval_analyser.py

bench: install bench-dashboard bench-people
	$(PY) benchmarks/bench_analyser.py

## bench-dashboard: the programme dashboard against the engagement page at 1k and 10k
## engagements, on SQLite then PostgreSQL (a throwaway test_tandem_bench; skipped if not running)
BENCH_PG_URL ?= postgres://postgres@127.0.0.1:5432/tandem_bench
bench-dashboard: install
	$(PY) benchmarks/bench_dashboard.py
	DATABASE_URL=$(BENCH_PG_URL) $(PY) benchmarks/bench_dashboard.py

## bench-report: the 360 report page against opening its sealed snapshot (SQLite, PostgreSQL)
bench-report: install
	$(PY) benchmarks/bench_report.py
	DATABASE_URL=$(BENCH_PG_URL) $(PY) benchmarks/bench_report.py

## bench-people: the people import (500 and 2,000 rows) and the programme's people page
bench-people: install
	$(DEV) $(PY) benchmarks/bench_people_import.py

## bench-web: every page under gunicorn (2 sync workers, PostgreSQL) at 1k and 10k engagements,
## as a ratio of a signed-in floor page; writes docs/benchmarks/web.md (drops and re-creates
## the database tandem_bench_web)
BENCH_WEB_PG_URL ?= postgres://postgres@127.0.0.1:5432/tandem_bench_web
bench-web: install pdf-deps
	BENCH_WEB_PG_URL=$(BENCH_WEB_PG_URL) $(PY) benchmarks/bench_web.py

## bench-audit: the session page with and without its audit-of-reads row (SQLite, then PostgreSQL)
bench-audit: install
	$(DEV) $(PY) benchmarks/bench_audit.py
	$(DEV) DATABASE_URL=$(BENCH_PG_URL) $(PY) benchmarks/bench_audit.py
