"""System checks that keep a production instance from starting unsafely."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Error, register

# Backends that never deliver: the console one printed password-set and rater links into the
# server log; the others silently drop every invitation.
UNDELIVERED_EMAIL_BACKENDS = {
    "django.core.mail.backends.console.EmailBackend": "prints every email (with its one-time "
    "links) into the server log",
    "django.core.mail.backends.locmem.EmailBackend": "keeps emails in memory; nobody gets them",
    "django.core.mail.backends.dummy.EmailBackend": "throws every email away",
}


@register("tandem_production")
def email_backend_delivers(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    if settings.DEBUG or getattr(settings, "TESTING", False):
        return []
    backend = settings.EMAIL_BACKEND
    why = UNDELIVERED_EMAIL_BACKENDS.get(backend)
    if why is None:
        return []
    return [
        Error(
            f"EMAIL_BACKEND is {backend}, which {why}.",
            hint=(
                "With DEBUG off, set EMAIL_BACKEND=django.core.mail.backends.smtp.EmailBackend "
                "and EMAIL_HOST, EMAIL_PORT, EMAIL_HOST_USER, EMAIL_HOST_PASSWORD, "
                "EMAIL_USE_TLS (see docs/deploy/README.md)."
            ),
            id="tandem.E001",
        )
    ]
