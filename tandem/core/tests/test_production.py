"""Production defaults: the documented environment passes Django's deployment check, and an
instance that would print one-time links into its log refuses to start."""

from __future__ import annotations

import base64
import os
import secrets
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
EXAMPLE = ROOT / "docs" / "deploy" / "tandem.env.example"


def documented_env() -> dict[str, str]:
    """docs/deploy/tandem.env.example with its placeholders filled by real secrets."""
    env: dict[str, str] = {}
    for line in EXAMPLE.read_text().splitlines():
        if line.strip() and not line.startswith("#"):
            key, _, value = line.partition("=")
            env[key] = value
    env["SECRET_KEY"] = secrets.token_urlsafe(50)
    env["TANDEM_ENCRYPTION_KEYS"] = "k1:" + base64.b64encode(secrets.token_bytes(32)).decode()
    return env


def manage(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """manage.py in a fresh process, as an operator runs it: no pytest, no DEBUG."""
    base = {k: v for k, v in os.environ.items() if k in {"PATH", "HOME", "LANG"}}
    return subprocess.run(  # noqa: S603 - our own interpreter and manage.py
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**base, "DATA_DIR": "/tmp/tandem-deploy-check", **env},  # noqa: S108
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_deploy_check_is_clean_under_the_documented_production_settings():
    result = manage("check", "--deploy", "--fail-level", "WARNING", env=documented_env())
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout


def test_deploy_check_is_clean_with_only_secrets_hosts_and_email_set():
    env = documented_env()
    only = {
        k: env[k]
        for k in ("SECRET_KEY", "TANDEM_ENCRYPTION_KEYS", "ALLOWED_HOSTS", "EMAIL_BACKEND")
    }
    result = manage("check", "--deploy", "--fail-level", "WARNING", env=only)
    assert result.returncode == 0, result.stdout + result.stderr


def test_each_secure_default_can_be_turned_off_from_the_environment():
    env = {
        **documented_env(),
        "SECURE_SSL_REDIRECT": "0",
        "SECURE_HSTS_SECONDS": "0",
        "SECURE_COOKIES": "0",
    }
    result = manage("check", "--deploy", env=env)
    for warning in ("security.W004", "security.W008", "security.W012", "security.W016"):
        assert warning in result.stderr + result.stdout


def test_production_refuses_to_start_with_the_console_email_backend():
    env = documented_env()
    del env["EMAIL_BACKEND"]  # unconfigured: the console backend
    result = manage("check", env=env)
    assert result.returncode != 0
    assert "tandem.E001" in result.stderr
    assert "prints every email" in result.stderr
    # gunicorn runs no checks: the WSGI module itself refuses.
    code = "import tandem.wsgi"
    started = subprocess.run(  # noqa: S603
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={"PATH": os.environ["PATH"], "DATA_DIR": "/tmp/tandem-deploy-check", **env},  # noqa: S108
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert started.returncode != 0
    assert "tandem.E001" in started.stderr


def test_development_may_print_emails():
    result = manage("check", env={"DEBUG": "1"})
    assert result.returncode == 0, result.stderr
