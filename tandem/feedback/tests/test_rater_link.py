"""The rater link: exchanged on first use, throttled per address, never in a log line."""

from __future__ import annotations

import datetime as dt
import io
import logging
import runpy
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from tandem.feedback.tests.test_cycle_flow import _links

DEPLOY = Path(__file__).resolve().parents[3] / "docs" / "deploy"


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()
    yield
    cache.clear()


def test_opening_links_is_limited_per_address_with_a_clear_message(open_cycle, settings):
    settings.RATER_LINK_RATE = (3, 600)
    link = _links()["pat@example.org"]
    here = Client(REMOTE_ADDR="203.0.113.7")
    for _ in range(3):
        assert here.get(link).status_code == 302
    refused = here.get(link)
    assert refused.status_code == 429
    assert "Wait 10 minutes, then open your link again" in refused.content.decode()
    # Guessing is refused too, and another address is not held up.
    assert here.get(reverse("rater_answer", args=["guess-" + "x" * 30])).status_code == 429
    assert Client(REMOTE_ADDR="198.51.100.2").get(link).status_code == 302


def test_the_exchanged_page_still_works_while_the_link_is_throttled(open_cycle, settings):
    settings.RATER_LINK_RATE = (1, 600)
    client = Client()
    page = client.get(_links()["pat@example.org"], follow=True)
    assert page.status_code == 200
    assert client.get(_links()["pat@example.org"]).status_code == 429
    assert client.get(page.redirect_chain[-1][0]).status_code == 200


def test_django_log_lines_carry_no_rater_token(open_cycle):
    from tandem.feedback.models import Invitation
    from tandem.feedback.services import invitation_remove

    token = _links()["dan@example.org"].split("/")[2]
    invitation = Invitation.objects.get(email="dan@example.org")
    invitation_remove(actor=open_cycle.engagement.coach, invitation=invitation)
    (handler,) = [h for h in logging.getLogger("django").handlers if h.filters]  # ours
    written = io.StringIO()
    old = handler.setStream(written)
    try:
        assert Client().get(f"/r/{token}/").status_code == 404  # logs "Not Found: <path>"
    finally:
        handler.setStream(old)
    assert "Not Found: /r/[redacted]/" in written.getvalue()
    assert token not in written.getvalue()


def test_gunicorn_access_log_as_documented_carries_no_token(tmp_path):
    from gunicorn.config import Config
    from gunicorn.http.wsgi import Response

    conf = runpy.run_path(str(DEPLOY / "gunicorn.conf.py"))
    cfg = Config()
    for key in ("logger_class", "access_log_format"):
        cfg.set(key, conf[key])
    log_file = tmp_path / "access.log"
    cfg.set("accesslog", str(log_file))
    logger = cfg.logger_class(cfg)
    token = "H5IWmxgdB2C7AzdksL-BP87FmD5omc1xhVvOuWXlzU8"
    environ = {
        "REQUEST_METHOD": "GET",
        "RAW_URI": f"/r/{token}/",
        "PATH_INFO": f"/r/{token}/",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "203.0.113.7",
        "HTTP_REFERER": f"https://coaching.example.org/password/set/MQ/{token}/",
    }
    response = Response(SimpleNamespace(version=(1, 1), method="GET"), None, cfg)
    response.status = "302 Found"
    logger.access(response, SimpleNamespace(headers=[]), environ, dt.timedelta(milliseconds=12))
    for handler in logger.access_log.handlers:
        handler.flush()
    line = log_file.read_text()
    assert '"GET /r/[redacted]/ HTTP/1.1" 302' in line
    assert token not in line


def test_the_set_password_link_is_exchanged_for_one_without_its_token(coachee):
    from tandem.accounts.emails import set_password_link

    link = set_password_link(coachee, base_url="http://testserver")
    path = link.removeprefix("http://testserver")
    token = path.rstrip("/").rsplit("/", 1)[1]
    client = Client()
    exchanged = client.get(path)
    assert exchanged.status_code == 302 and token not in exchanged["Location"]
    page = client.get(exchanged["Location"])
    assert page.status_code == 200 and token not in page.content.decode()
    assert "no-store" in page["Cache-Control"]
