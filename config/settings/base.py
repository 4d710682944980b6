"""Settings shared by every environment. Environment variables are read through config.env."""

from __future__ import annotations

from pathlib import Path

import dj_database_url

from config.env import env_bool, env_float, env_int, env_list, env_rate, env_str, env_url

BASE_DIR = Path(__file__).resolve().parent.parent.parent
# Local state (the embedded SQLite database, collected static files) lives under var/.
(BASE_DIR / "var" / "static").mkdir(parents=True, exist_ok=True)

SECRET_KEY = env_str("SECRET_KEY", "dev-insecure-change-me-" + "x" * 40)
DEBUG = env_bool("DEBUG", False)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "governance.admin_site.ExeclaveAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "drf_spectacular",
    "guardian",
    "django_q",
    "django_htmx",
    "drf_spectacular_sidecar",
    "governance",
    "traces",
    "policies",
    "approvals",
    "checks",
    "privacy",
    "compliance",
    "console",
]

MIDDLEWARE = [
    "governance.middleware.ApiTextGuardMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "governance.middleware.CurrentOrganisationMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
ASGI_APPLICATION = "config.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "governance.context_processors.organisation",
                "console.context_processors.navigation_items",
                "governance.context_processors.banners",
            ],
        },
    },
]

# --- Database ---------------------------------------------------------------------------------
# DATABASE_URL selects PostgreSQL; unset means an embedded SQLite file tuned for concurrent
# readers and one writer at a time (WAL, a busy timeout, IMMEDIATE transactions so a writer
# takes the lock up front instead of failing with "database is locked" on upgrade).
DATABASE_URL = env_url("DATABASE_URL", schemes={"postgres", "postgresql", "sqlite"})
SQLITE_PATH = env_str("SQLITE_PATH", str(BASE_DIR / "var" / "execlave.sqlite3"))

if DATABASE_URL and DATABASE_URL.startswith(("postgres://", "postgresql://")):
    # A per-process psycopg pool by default: under ASGI every request may run on a new
    # thread, so per-thread persistent connections (CONN_MAX_AGE) would pile up, and opening a
    # connection per request costs more than a whole /check. Pools survive fork()
    # (config.postgresql: a forked child detaches the parent's sockets and opens its own).
    # DATABASE_POOL_MAX_SIZE=0 turns the pool off; DATABASE_CONN_MAX_AGE then applies.
    _conn_max_age = env_int("DATABASE_CONN_MAX_AGE", 0, minimum=0)
    DATABASE_POOL_MAX_SIZE = env_int("DATABASE_POOL_MAX_SIZE", 0 if _conn_max_age else 8, minimum=0)
    if DATABASE_POOL_MAX_SIZE and _conn_max_age:
        from django.core.exceptions import ImproperlyConfigured

        raise ImproperlyConfigured(
            "DATABASE_CONN_MAX_AGE needs the pool off: set DATABASE_POOL_MAX_SIZE=0 with it."
        )
    DATABASES = {
        "default": dj_database_url.parse(
            DATABASE_URL, conn_max_age=_conn_max_age, conn_health_checks=True
        )
    }
    DATABASES["default"]["ENGINE"] = "config.postgresql"  # Django's, with a LIFO, fork-safe pool
    # Prepared statements for the hot hand-written queries (config.postgresql.prepared_cursor);
    # Django's own queries bind on the client and never prepare. Off for PgBouncer in
    # transaction mode before 1.21, which cannot carry them.
    DATABASES["default"].setdefault("OPTIONS", {})["prepare_threshold"] = (
        5 if env_bool("DATABASE_PREPARED_STATEMENTS", True) else None
    )
    if DATABASE_POOL_MAX_SIZE:
        DATABASES["default"].setdefault("OPTIONS", {})["pool"] = {
            "min_size": 1,
            "max_size": DATABASE_POOL_MAX_SIZE,
            "timeout": env_int("DATABASE_POOL_TIMEOUT", 10, minimum=1),
        }
else:
    if DATABASE_URL:
        SQLITE_PATH = dj_database_url.parse(DATABASE_URL)["NAME"]
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": SQLITE_PATH,
            "OPTIONS": {
                "init_command": (
                    "PRAGMA journal_mode=WAL;"
                    "PRAGMA synchronous=NORMAL;"
                    "PRAGMA busy_timeout=10000;"
                    "PRAGMA foreign_keys=ON;"
                ),
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
            },
        }
    }
IS_POSTGRES = DATABASES["default"]["ENGINE"].endswith("postgresql")

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache and task broker ------------------------------------------------------------------------
# REDIS_URL moves the cache (throttle counters) and django-q2 onto Redis so several app servers
# and workers on several machines share them; without it everything stays in-process / in the DB.
REDIS_URL = env_url("REDIS_URL", schemes={"redis", "rediss", "unix"})
# One name keeps a deployment (or a test run) apart from the others sharing its Redis: the task
# queue is django_q:<name>:q and every cache key starts <name>: (the throttle counters are keyed
# by API key and organisation ids, which two deployments' databases both number from 1).
CLUSTER_NAME = env_str("Q_CLUSTER_NAME", "execlave")

if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": CLUSTER_NAME,
        }
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "execlave",
        }
    }

Q_CLUSTER = {
    "name": CLUSTER_NAME,
    "workers": env_int("Q_WORKERS", 2, minimum=1),
    "timeout": env_int("Q_TIMEOUT", 600, minimum=1),
    "retry": env_int("Q_RETRY", 720, minimum=2),
    "max_attempts": env_int("Q_MAX_ATTEMPTS", 5, minimum=0),
    "catch_up": False,
    "label": "Tasks",
    "log_level": env_str("Q_LOG_LEVEL", "INFO"),
}
if REDIS_URL:
    Q_CLUSTER["redis"] = REDIS_URL
else:
    Q_CLUSTER["orm"] = "default"
    Q_CLUSTER["poll"] = env_float("Q_POLL", 0.5, minimum=0.05)

# Policy dry-runs (policies.testing): above INLINE_MAX recorded calls the API and the wizard run
# one as django-q2 tasks, split by ledger range over the workers in parts of at least PART_MIN.
POLICY_DRY_RUN_INLINE_MAX = env_int("POLICY_DRY_RUN_INLINE_MAX", 20_000, minimum=0)
POLICY_DRY_RUN_PART_MIN = env_int("POLICY_DRY_RUN_PART_MIN", 100_000, minimum=1)
# A run whose progress has not moved for the task timeout + this margin (seconds) has stopped (a
# worker timed out or died): polling it or the schedule marks it failed.
POLICY_DRY_RUN_STALL_MARGIN = env_int("POLICY_DRY_RUN_STALL_MARGIN", 120, minimum=0)

# --- Auth ---------------------------------------------------------------------------------------
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "guardian.backends.ObjectPermissionBackend",
]
ANONYMOUS_USER_NAME = None  # guardian: no anonymous user row
GUARDIAN_RAISE_403 = False
LOGIN_URL = "/approvals/login/"  # every member signs in here; the console has its own
LOGIN_REDIRECT_URL = "/"  # the landing page of each role (console.navigation.landing_url)

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# How many reverse proxies in front of the app append to X-Forwarded-For (0: trust REMOTE_ADDR).
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0, minimum=0)

# --- API ----------------------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": ["governance.auth.ApiKeyAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["governance.permissions.IsApiKey"],
    "DEFAULT_THROTTLE_CLASSES": [
        "governance.throttling.BurstRateThrottle",
        "governance.throttling.SustainedRateThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "burst": env_rate("THROTTLE_BURST", "200/second"),
        "sustained": env_rate("THROTTLE_SUSTAINED", "200000/hour"),
    },
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["governance.parsers.StrictJSONParser"],
    "DEFAULT_SCHEMA_CLASS": "governance.schema.ExeclaveAutoSchema",
    "EXCEPTION_HANDLER": "governance.exceptions.api_exception_handler",
    "UNAUTHENTICATED_USER": None,
    "NUM_PROXIES": TRUSTED_PROXY_COUNT,
}

SPECTACULAR_SETTINGS = {
    "TITLE": "Execlave API",
    "DESCRIPTION": "Policy decisions before every agent tool call, a tamper-evident ledger after it.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.AllowAny"],
    "SERVE_AUTHENTICATION": [],
    "COMPONENT_SPLIT_REQUEST": True,
    # Swagger UI and ReDoc from drf-spectacular-sidecar's static files: no CDN, works offline.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # Choice sets shared by several fields get one readable name.
    "ENUM_NAME_OVERRIDES": {
        "PolicyTypeEnum": "policies.types.PolicyType",
        "PolicyModeEnum": "policies.types.Mode",
        "PolicyPhaseEnum": "policies.types.Phase",
        "ScanWhereEnum": "policies.evaluators.settings.SCAN_CHOICES",
        "OnTimeoutEnum": "policies.evaluators.settings.ON_TIMEOUT_CHOICES",
    },
}

# API keys: `last_used_at` is written at most this often, so the hot path rarely writes.
API_KEY_LAST_USED_INTERVAL = env_int("API_KEY_LAST_USED_INTERVAL", 300, minimum=0)

# --- Execlave ------------------------------------------------------------------------------------
# Secret used to sign ledger checkpoints (HMAC-SHA256). Falls back to SECRET_KEY-derived in dev.
LEDGER_SIGNING_KEY = env_str("LEDGER_SIGNING_KEY", None)
EXECLAVE_LLM_BASE_URL = env_url("EXECLAVE_LLM_BASE_URL", schemes={"http", "https"})
EXECLAVE_LLM_MODEL = env_str("EXECLAVE_LLM_MODEL", "gpt-4o-mini")
EXECLAVE_LLM_API_KEY = env_str("EXECLAVE_LLM_API_KEY", "not-needed")
EXECLAVE_LLM_TIMEOUT = env_float("EXECLAVE_LLM_TIMEOUT", 5.0, minimum=0.1)
EXECLAVE_PUBLIC_URL = env_str("EXECLAVE_PUBLIC_URL", "http://127.0.0.1:8000")
# Self-service sign-up at /signup/: off by default for self-hosted installs (the operator
# creates organisations and invites their owners: `manage.py invite_owner`).
EXECLAVE_SIGNUP_OPEN = env_bool("EXECLAVE_SIGNUP_OPEN", False)
EXECLAVE_SECURITY_CONTACT = env_str("EXECLAVE_SECURITY_CONTACT", "mailto:security@execlave.dev")
EXECLAVE_SUPPORT_EMAIL = env_str("EXECLAVE_SUPPORT_EMAIL", "support@execlave.dev")
EXECLAVE_PRIVACY_EMAIL = env_str("EXECLAVE_PRIVACY_EMAIL", "privacy@execlave.dev")
# Ingestion limits (POST /api/v1/traces).
TRACES_MAX_TRACE_BYTES = env_int("TRACES_MAX_TRACE_BYTES", 256 * 1024, minimum=1024)
TRACES_MAX_BODY_BYTES = env_int("TRACES_MAX_BODY_BYTES", 32 * 1024 * 1024, minimum=1024)
TRACES_MAX_JSON_DEPTH = env_int("TRACES_MAX_JSON_DEPTH", 32, minimum=2)
# PostgreSQL /check appends per organisation and worker process in flight before the next ones
# queue into one grouped statement (traces.group_commit; 1 = session 12's group commit).
LEDGER_APPENDS_IN_FLIGHT = env_int("LEDGER_APPENDS_IN_FLIGHT", 2, minimum=1)
# Approvals: how often a long-poll looks for a decision; first webhook retry delay (seconds).
APPROVALS_WAIT_POLL_SECONDS = env_float("APPROVALS_WAIT_POLL_SECONDS", 0.25, minimum=0.01)
APPROVALS_WEBHOOK_RETRY_BASE = env_int("APPROVALS_WEBHOOK_RETRY_BASE", 15, minimum=1)
# Reports generated within this many seconds of one another share a ledger verification.
COMPLIANCE_VERIFICATION_REUSE_SECONDS = env_int(
    "COMPLIANCE_VERIFICATION_REUSE_SECONDS", 3600, minimum=0
)

# --- Email ---------------------------------------------------------------------------------------
EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
# For the file-based backend (`make run` writes the demo's e-mails there, not to the terminal).
EMAIL_FILE_PATH = env_str("EMAIL_FILE_PATH", str(BASE_DIR / "var" / "mail"))
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25, minimum=1)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "execlave@localhost")

# --- I18N / static -------------------------------------------------------------------------------
LANGUAGE_CODE = "en-gb"
# Dates and times ISO-like and 24-hour on every page (config/formats/en/formats.py).
FORMAT_MODULE_PATH = ["config.formats"]
TIME_ZONE = env_str("TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = BASE_DIR / "var" / "static"
# WhiteNoise serves static files from the app server (ASGI or WSGI) — no separate web server
# needed. Without a collectstatic run (development, tests) it serves straight from the finders.
WHITENOISE_USE_FINDERS = env_bool("WHITENOISE_USE_FINDERS", True)

# One line per event, with time and level. The app server logs one line per request (uvicorn's
# or gunicorn's access log), so Django's own 4xx warnings ("Not Found: …", a traceback for every
# PermissionDenied) would only repeat it: django.request logs server errors (5xx) only.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "line": {
            "format": "%(asctime)s %(levelname)-7s %(name)s: %(message)s",
            "datefmt": "%H:%M:%S",
        }
    },
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "line"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        "django.request": {"level": env_str("DJANGO_REQUEST_LOG_LEVEL", "ERROR")},
        # The task worker says INFO per task; `make run` sets WARNING (failures still show).
        "django-q": {"level": env_str("Q_LOG_LEVEL", "INFO")},
    },
}
