import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tandem.settings")
application = get_wsgi_application()

# gunicorn runs no system checks; refuse to serve when production is unsafe (an email backend
# that prints one-time links into the log, say) — the same errors `manage.py check` reports.
from django.core import checks  # noqa: E402
from django.core.management.base import SystemCheckError  # noqa: E402

_errors = [m for m in checks.run_checks(tags=["tandem_production"]) if m.is_serious()]
if _errors:
    raise SystemCheckError("\n".join(f"{m.id}: {m.msg} HINT: {m.hint}" for m in _errors))
