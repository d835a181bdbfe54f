"""The two reference pages of `make bench-web` (benchmarks/bench_web.py), routed only when
TANDEM_BENCH_VIEWS=1: every other page's speed is given as a share of theirs.

* hello: what Django and gunicorn cost with no database, no session, no template;
* floor: the cheapest possible signed-in page — the session and the user read from the
  database, one small template rendered. No real page can be cheaper.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from tandem.core.http import AuthedRequest


def hello(request: HttpRequest) -> HttpResponse:
    return HttpResponse("Hello, world", content_type="text/plain")


@login_required
def floor(request: AuthedRequest) -> HttpResponse:
    return render(request, "core/bench_floor.html", {"name": request.user.get_short_name()})
