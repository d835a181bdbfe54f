"""Secrets out of log lines: one-time links (rater links, password set-up links, calendar
feeds, unsubscribe links) carry their secret in the path, and Django's request loggers and
gunicorn's access log write paths. Every handler of ours and gunicorn's access log redact
them (docs/deploy/gunicorn.conf.py)."""

from __future__ import annotations

import logging
import re
from typing import Any

# The secret part of each link, whichever prefix the site is mounted under.
SECRET_PATHS = re.compile(
    r"(?P<head>(?:^|(?<=[\s\"'(=]))(?:https?://[^/\s]+)?"
    r"/(?:r|password/set/[^/\s]+|calendar|unsubscribe)/)"
    r"(?P<secret>(?!set-password/)[^/\s?\"']{8,})"
)
REDACTED = "[redacted]"


def redact(text: str) -> str:
    return SECRET_PATHS.sub(lambda m: m["head"] + REDACTED, text)


class RedactSecrets(logging.Filter):
    """A logging filter that rewrites the record's message with secrets redacted."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        cleaned = redact(message)
        if cleaned != message:
            record.msg, record.args = cleaned, None
        # Django's request loggers attach the request; the formatter may print it.
        request = getattr(record, "request", None)
        if request is not None and hasattr(request, "path"):
            record.request = _RedactedRequest(request)
        return True


class _RedactedRequest:
    def __init__(self, request: Any) -> None:
        self._request = request

    def __getattr__(self, name: str) -> Any:
        value = getattr(self._request, name)
        return redact(value) if name in {"path", "path_info"} and isinstance(value, str) else value

    def __repr__(self) -> str:
        return redact(repr(self._request))


def gunicorn_logger_class() -> type:
    """Gunicorn's logger with secrets redacted from every atom of the access log."""
    from gunicorn.glogging import Logger

    class RedactingLogger(Logger):
        def atoms(self, resp: Any, req: Any, environ: Any, request_time: Any) -> dict[str, Any]:
            atoms: dict[str, Any] = super().atoms(resp, req, environ, request_time)
            # The request line, path and referrer, and any header a format may print.
            return {k: redact(v) if isinstance(v, str) else v for k, v in atoms.items()}

    return RedactingLogger
