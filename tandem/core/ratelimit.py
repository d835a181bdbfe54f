"""A per-address budget of requests, counted in Django's cache (fixed windows).

Used where a secret in the address could be guessed (the rater link). In production give
gunicorn's workers a shared cache (CACHE_BACKEND, see docs/deploy/README.md); behind a proxy,
CLIENT_IP_HEADER names the header that carries the visitor's address."""

from __future__ import annotations

import time

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest


def client_address(request: HttpRequest) -> str:
    header = getattr(settings, "CLIENT_IP_HEADER", "")
    if header and request.META.get(header):
        # The proxy appends the address it saw last: that one it vouches for.
        return str(request.META[header]).split(",")[-1].strip()
    return str(request.META.get("REMOTE_ADDR", "unknown"))


def over_limit(request: HttpRequest, *, scope: str, limit: int, window: int) -> bool:
    """Count this request against its address's budget; True once the budget is spent."""
    bucket = int(time.time() // window)
    key = f"ratelimit:{scope}:{client_address(request)}:{bucket}"
    cache.add(key, 0, timeout=window)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=window)
        count = 1
    return count > limit
