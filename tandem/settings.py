"""Tandem settings: one file, driven by the environment.

SQLite (WAL) by default so a clean checkout runs; PostgreSQL when DATABASE_URL is set.
"""

import os
import sys
from pathlib import Path

import dj_database_url
import django_stubs_ext

# Lets typed generics like ModelForm[Engagement] work at run time too.
django_stubs_ext.monkeypatch()

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool = False) -> bool:
    return os.environ.get(name, str(default)).strip().lower() in {"1", "true", "yes", "on"}


def env_int(name: str, default: int) -> int:
    return int(os.environ.get(name, default))


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


# Under pytest the suite brings its own throwaway secrets (see ENCRYPTION_KEYS below).
TESTING = "pytest" in sys.modules
DEBUG = env_bool("DEBUG", False)
SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not (DEBUG or TESTING):
        from django.core.exceptions import ImproperlyConfigured

        raise ImproperlyConfigured("Set SECRET_KEY (or DEBUG=1 for local development).")
    SECRET_KEY = "dev-only-insecure-secret-key"  # noqa: S105 - development only

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")
SITE_NAME = os.environ.get("SITE_NAME", "Tandem")
# Where emailed links point (rater links are sent from background tasks, outside a request).
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000")
DATA_DIR = Path(os.environ.get("DATA_DIR", BASE_DIR / "var"))

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "csp",  # perimeter: the {% csp_nonce %} context and django-csp's own checks
    "django_tasks",
    "django_tasks_db",
    "ninja",  # its templates and static files: the API docs are served from here, no CDN
    "tandem.core",
    "tandem.accounts",
    "tandem.engagements",
    "tandem.coaching_sessions",
    "tandem.action_items",
    "tandem.feedback",
    "tandem.profiles",
    "tandem.transcripts",
    "tandem.notifications",
    "tandem.programmes",
    "tandem.privacy",
    "tandem.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # Perimeter: the CSP and Permissions-Policy headers; no-store on signed-in pages.
    "csp.middleware.CSPMiddleware",
    "django_permissions_policy.PermissionsPolicyMiddleware",
    "tandem.core.middleware.NoStoreMiddleware",
    "tandem.core.middleware.SignedOutMiddleware",
    "tandem.core.middleware.TimeZoneMiddleware",
    "tandem.privacy.audit.audit_middleware",
]

ROOT_URLCONF = "tandem.urls"
WSGI_APPLICATION = "tandem.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "tandem" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "tandem.core.context_processors.site",
            ],
        },
    },
]

# --- Performance: database connections, cache, benchmark views (docs/performance.md) ---
# PostgreSQL keeps each worker's connection open between requests (opening one costs more than
# a small page) and checks it is alive before reusing it. CONN_MAX_AGE=0 restores a connection
# per request; DB_POOL=1 uses psycopg's pool instead (install psycopg[pool]; then CONN_MAX_AGE
# must be 0, Django requires it).
DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{DATA_DIR / 'tandem.sqlite3'}",
        conn_max_age=env_int("CONN_MAX_AGE", 600),
        conn_health_checks=env_bool("CONN_HEALTH_CHECKS", True),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql" and env_bool("DB_POOL"):
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"].setdefault("OPTIONS", {})["pool"] = {
        "min_size": env_int("DB_POOL_MIN", 2),
        "max_size": env_int("DB_POOL_MAX", 10),
    }
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    # WAL lets readers and the single writer work at once; IMMEDIATE avoids "database is
    # locked" upgrades inside transactions; a writer waits up to 5 s for another to finish
    # ("timeout"); 20 MB of page cache and temporary tables in memory per connection.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; "
            "PRAGMA cache_size=-20000; PRAGMA temp_store=MEMORY;"
        ),
        "transaction_mode": "IMMEDIATE",
        "timeout": 5,
    }

# The cache: Redis when REDIS_URL is set (shared by every worker: use it with more than one),
# else the database (see the Accounts block below: rate limits must be shared). Frozen things
# (released 360 reports) and what every request reads (a person's memberships) are kept here
# and dropped when they change.
if os.environ.get("REDIS_URL"):
    CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": os.environ["REDIS_URL"],
            "OPTIONS": {"IGNORE_EXCEPTIONS": True},  # Redis down: slower, never broken
            "KEY_PREFIX": "tandem",
        }
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "tandem",
            "OPTIONS": {"MAX_ENTRIES": 5000},
        }
    }

# Files the app makes and keeps (a released 360 report's PDF, sealed): under DATA_DIR.
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", DATA_DIR / "media"))
if TESTING:  # each test run its own throwaway folder
    import tempfile

    MEDIA_ROOT = Path(tempfile.mkdtemp(prefix="tandem-test-media-"))

# Two reference pages for `make bench-web` (/bench/hello, /bench/floor): off unless asked.
BENCH_VIEWS = env_bool("TANDEM_BENCH_VIEWS", False)
# --- end of performance settings ---

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"

if TESTING:  # hashing a password costs ~0.3 s by design; the suite creates hundreds
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

LANGUAGE_CODE = "en-gb"
TIME_ZONE = os.environ.get("TIME_ZONE", "Europe/London")
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG or TESTING
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

# Development and tests serve straight from the app folders; production from collectstatic.
WHITENOISE_USE_FINDERS = DEBUG or TESTING
WHITENOISE_AUTOREFRESH = DEBUG or TESTING

# Confidential text is sealed with these keys, never with SECRET_KEY. Format:
# "keyid:base64-32-bytes,older:base64..." — the first key encrypts, all keys decrypt.
# Without it, development uses a key file created once under DATA_DIR.
ENCRYPTION_KEYS = os.environ.get("TANDEM_ENCRYPTION_KEYS", "")
if TESTING and not ENCRYPTION_KEYS:
    ENCRYPTION_KEYS = "test:" + "dGFuZGVtLXRlc3Qta2V5LW5vdC1mb3ItcHJvZC11c2U="
ENCRYPTION_KEY_FILE = DATA_DIR / "encryption.keys"
# `manage.py backup` seals its files with this key (32 bytes, base64; `backup --generate-key`).
# Keep it, and ENCRYPTION_KEYS, apart from the backups.
BACKUP_KEY = os.environ.get("TANDEM_BACKUP_KEY", "")

# Background work (invitation and reminder emails) goes through the django-tasks API. It runs
# at once in development and tests; production sets TASKS_BACKEND=django_tasks_db.DatabaseBackend
# and runs `manage.py db_worker` beside gunicorn.
TASKS = {
    "default": {
        "BACKEND": os.environ.get(
            "TASKS_BACKEND", "django_tasks.backends.immediate.ImmediateBackend"
        )
    }
}

EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
# `make run` writes each email to a file here (django.core.mail.backends.filebased); read them
# with `manage.py outbox` or at /dev/outbox/ (DEBUG only).
EMAIL_FILE_PATH = os.environ.get("EMAIL_FILE_PATH", str(DATA_DIR / "mail"))
# Production: EMAIL_BACKEND=django.core.mail.backends.smtp.EmailBackend and these.
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", False)
# A mail server that hangs must not hang the worker: the send fails and is retried later.
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 30)
# Independent coaches may sign up and open a practice: on in development, off by default in
# production, where an operator invites coaches.
OPEN_SIGNUP = env_bool("OPEN_SIGNUP", DEBUG)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "tandem@localhost")

# --- Perimeter: secure production defaults (issue 10; docs/deploy/README.md) ---------------
# With DEBUG off and only SECRET_KEY, TANDEM_ENCRYPTION_KEYS, ALLOWED_HOSTS and the email
# settings given, `manage.py check --deploy` is clean. Each default can be changed from the
# environment, e.g. behind a proxy that terminates TLS:
#   SECURE_PROXY_SSL_HEADER=HTTP_X_FORWARDED_PROTO,https  (only if the proxy sets that header)
# The test suite talks plain HTTP to the test client, so it does not redirect to HTTPS.
_PRODUCTION = not (DEBUG or TESTING)
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", not DEBUG)
CSRF_COOKIE_SECURE = env_bool("SECURE_COOKIES", not DEBUG)
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", _PRODUCTION)
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0 if DEBUG else 31_536_000)  # a year
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)
_proxy_header = env_list("SECURE_PROXY_SSL_HEADER")
if _proxy_header:
    SECURE_PROXY_SSL_HEADER = (
        _proxy_header[0],
        _proxy_header[1] if len(_proxy_header) > 1 else "https",
    )
# The health check answers the load balancer over plain HTTP inside the network.
SECURE_REDIRECT_EXEMPT = [r"^healthz/$"]
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"

# --- Accounts: sign-in, MFA, SSO, throttling, passwords, sessions (django-allauth) ----------
# One block, so the accounts work and other settings edits merge apart. See docs/accounts.md.


def _rate(name: str, default: str) -> str:
    return os.environ.get(name, "").strip() or default


INSTALLED_APPS += [
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "allauth.socialaccount",
    "allauth.socialaccount.providers.openid_connect",
]
MIDDLEWARE += [
    "allauth.account.middleware.AccountMiddleware",
    # After sign-in: someone whose organisation requires MFA (or staff in Django admin)
    # without an authenticator is sent to set one up first.
    "tandem.accounts.middleware.MfaRequiredMiddleware",
    "tandem.accounts.middleware.IdleSessionMiddleware",
]
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",  # Django admin's own checks, client.login
    "allauth.account.auth_backends.AuthenticationBackend",
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "account_login"
ACCOUNT_ADAPTER = "tandem.accounts.auth_adapter.AccountAdapter"
SOCIALACCOUNT_ADAPTER = "tandem.accounts.auth_adapter.SocialAccountAdapter"
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_UNIQUE_EMAIL = True
# A new address (a changed one) counts only once its owner follows the emailed link.
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_CHANGE_EMAIL = True
ACCOUNT_EMAIL_SUBJECT_PREFIX = f"{SITE_NAME}: "
# The same answer whether or not an address has an account.
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_SESSION_REMEMBER = False  # idle expiry below applies to everyone
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False  # this session stays; every other one ends
ACCOUNT_LOGIN_ON_PASSWORD_RESET = False
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "https" if SITE_URL.startswith("https") else "http"
# Throttling (allauth's rate limits, kept in the cache below): wrong passwords per address
# (key = the email typed) and per client IP; reset requests likewise.
ACCOUNT_RATE_LIMITS = {
    "login": _rate("RATE_LIMIT_LOGIN", "30/m/ip"),
    "login_failed": _rate("RATE_LIMIT_LOGIN_FAILED", "10/m/ip,5/15m/key"),
    "reset_password": _rate("RATE_LIMIT_RESET_PASSWORD", "10/m/ip,3/15m/key"),
    "reset_password_from_key": "20/m/ip",
    "change_password": "5/m/user",
    "manage_email": "10/m/user",
    "reauthenticate": "10/m/user",
    "confirm_email": "1/3m/key",
    "signup": "20/m/ip",
}
# Behind N reverse proxies the client's IP is read from X-Forwarded-For (else every client
# looks like the proxy and shares one limit).
ALLAUTH_TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0)
# Several gunicorn workers must count together, so the limits need a shared cache: Redis when
# REDIS_URL is set (above), else the database (`manage.py createcachetable` runs from a
# migration). Tests keep a per-process cache.
if not os.environ.get("REDIS_URL"):
    CACHES = {
        "default": (
            {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "tandem"}
            if TESTING
            else {
                "BACKEND": "django.core.cache.backends.db.DatabaseCache",
                "LOCATION": "tandem_cache",
                "OPTIONS": {"MAX_ENTRIES": 20000},
            }
        )
    }
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes", "webauthn"]
MFA_PASSKEY_LOGIN_ENABLED = True
MFA_TOTP_ISSUER = SITE_NAME
# Passkeys need https, except on http://localhost during development.
MFA_WEBAUTHN_ALLOW_INSECURE_ORIGIN = DEBUG
SOCIALACCOUNT_ONLY = False
SOCIALACCOUNT_LOGIN_ON_GET = False
SOCIALACCOUNT_EMAIL_AUTHENTICATION = False  # who an SSO sign-in is decided by the adapter
SOCIALACCOUNT_AUTO_SIGNUP = True
SOCIALACCOUNT_STORE_TOKENS = False
SOCIALACCOUNT_OPENID_CONNECT_URL_PREFIX = "sso"
AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator",
        "OPTIONS": {"user_attributes": ("email", "full_name")},
    },
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Idle expiry: a session in use has its expiry moved on (IdleSessionMiddleware, at most once
# a minute); after SESSION_IDLE_SECONDS without a request it ends. A password change ends
# every other session (Django's session hash).
SESSION_COOKIE_AGE = env_int("SESSION_IDLE_SECONDS", 2 * 60 * 60)
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
# --- end of accounts ---------------------------------------------------------------------

# Content-Security-Policy (django-csp 4): everything from this site, no inline script or
# style, no plugins, no framing, forms post only here. Pages needing an exception use a nonce.
_CSP_REPORT_ONLY = env_bool("CSP_REPORT_ONLY", False)  # env name only: try a change first
_csp = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
    }
}
if _CSP_REPORT_ONLY:
    CONTENT_SECURITY_POLICY_REPORT_ONLY = _csp
else:
    CONTENT_SECURITY_POLICY = _csp
# Nothing in Tandem needs the browser's powerful features.
PERMISSIONS_POLICY: dict[str, list[str]] = {
    feature: []
    for feature in (
        "accelerometer", "camera", "display-capture", "geolocation", "gyroscope",
        "magnetometer", "microphone", "payment", "usb", "interest-cohort",
    )
}  # fmt: skip

# Rate limits (the rater link) count in the shared cache (CACHES, in the Accounts block).
# Opening rater links: so many per address per window (tandem.core.ratelimit).
RATER_LINK_RATE = (env_int("RATER_LINK_RATE_COUNT", 30), env_int("RATER_LINK_RATE_SECONDS", 600))
# Behind a proxy, the header carrying the visitor's address (e.g. HTTP_X_FORWARDED_FOR).
CLIENT_IP_HEADER = os.environ.get("CLIENT_IP_HEADER", "")

# Long non-ASCII text (a reflection in Greek is 2 bytes a character) must reach the form,
# which then says what is too long, instead of Django's bare "Bad Request (400)". Uploads
# (transcripts) are streamed to disk and capped by their own form.
DATA_UPLOAD_MAX_MEMORY_SIZE = env_int("DATA_UPLOAD_MAX_MEMORY_SIZE", 10 * 1024 * 1024)

# One-time links (rater links, password set-up) never reach a log line: every handler drops
# them (tandem.core.logs). Gunicorn's access log does the same with docs/deploy/gunicorn.conf.py.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"secrets": {"()": "tandem.core.logs.RedactSecrets"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "filters": ["secrets"]}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
    "loggers": {
        # Django's request loggers log the path of every 4xx/5xx ("Not Found: /r/<token>/").
        "django": {
            "handlers": ["console"],
            "level": os.environ.get("LOG_LEVEL", "WARNING"),
            "propagate": False,
        },
        "django.server": {"handlers": ["console"], "level": "INFO", "propagate": False},
    },
}
# --- end perimeter ------------------------------------------------------------------------
