"""AICMO settings: twelve-factor, read from the environment (and an optional .env)."""

import datetime as dt
from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent

AICMO_VERSION = "0.1.0"

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env.bool("DEBUG", default=False)

# A development key exists only with DEBUG on; production must set SECRET_KEY.
SECRET_KEY = env.str("SECRET_KEY", default="")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off (set DEBUG=1 for development).")
    SECRET_KEY = "aicmo-insecure-development-key-do-not-use-in-production"

# Django's test runner adds `testserver` itself: it is never accepted outside tests.
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

# --- HTTPS and cookies: secure by default with DEBUG off, each one a setting ---------------------
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=not DEBUG)
# Health probes come from the load balancer over plain HTTP inside the network.
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=False)
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=False)
SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=not DEBUG)
CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", default=not DEBUG)
# Behind a TLS-terminating proxy: "HTTP_X_FORWARDED_PROTO,https" (the header the proxy sets, and its value).
_proxy_ssl_header = env.list("SECURE_PROXY_SSL_HEADER", default=[])
if _proxy_ssl_header and len(_proxy_ssl_header) != 2:
    raise ImproperlyConfigured(
        'SECURE_PROXY_SSL_HEADER must be "<header>,<value>", e.g. "HTTP_X_FORWARDED_PROTO,https".'
    )
SECURE_PROXY_SSL_HEADER = tuple(_proxy_ssl_header) or None

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "knox",
    "axes",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_tasks",
    "django_tasks_db",
    "kernel",
    "access",
    "onboarding",
    "strategy",
    "production",
    "delivery",
    "orchestration",
]

MIDDLEWARE = [
    "kernel.logs.RequestIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, so it sees the flag a refused login leaves on the request (admin and API alike).
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"

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
            ],
        },
    },
]

WSGI_APPLICATION = "config.wsgi.application"
ASGI_APPLICATION = "config.asgi.application"

# --- Database -------------------------------------------------------------
# Default: an embedded SQLite file in the project directory.
DATABASES = {"default": env.db_url("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
_db = DATABASES["default"]
if _db["ENGINE"] == "django.db.backends.sqlite3":
    # A web process and workers share the file: WAL lets readers run beside a writer,
    # IMMEDIATE takes the write lock at BEGIN (no upgrade deadlocks), and the timeout
    # makes a writer wait for the lock instead of failing with "database is locked".
    _db["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": env.int("SQLITE_BUSY_TIMEOUT", default=20),
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;",
        **_db.get("OPTIONS", {}),
    }
    # Reuse a connection across requests: opening one runs the PRAGMAs above every time.
    _db["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=600)
    # A file-backed test database, so worker processes can share it with the tests.
    _db.setdefault("TEST", {})["NAME"] = env.str("SQLITE_TEST_NAME", default=str(BASE_DIR / "test_db.sqlite3"))
elif _db["ENGINE"] == "django.db.backends.postgresql":
    _db["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=600)
    _db["CONN_HEALTH_CHECKS"] = True

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache: shared by every process (throttles count across gunicorn workers) ------------------
# A table in the database by default (created by `migrate`); Redis with CACHE_URL=redis://127.0.0.1:6379/0.
CACHES = {"default": env.cache_url("CACHE_URL", default="dbcache://aicmo_cache")}

# --- Logins: wrong passwords lock the account (admin and API), whichever process answers --------
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_FAILURES_ALLOWED = env.int("LOGIN_FAILURES_ALLOWED", default=10)
AXES_FAILURE_LIMIT = LOGIN_FAILURES_ALLOWED + 1  # the wrong password after the allowed ones locks
AXES_LOCKOUT_PARAMETERS = ["username"]
AXES_COOLOFF_TIME = dt.timedelta(minutes=env.int("LOGIN_LOCKOUT_MINUTES", default=60))
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "access.lockout.lockout_response"
AXES_USERNAME_FORM_FIELD = "username"
# axes.W006 asks to lock by IP too. Accounts are what is locked here: behind a proxy every client
# shares the proxy's address (one attacker would lock everyone out), and rotating user agents or
# cookies does not get around a lock on the user name.
SILENCED_SYSTEM_CHECKS = ["axes.W006"]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-us"
TIME_ZONE = env.str("TIME_ZONE", default="UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = env.path("STATIC_ROOT", default=BASE_DIR / "staticfiles")
MEDIA_URL = "media/"
MEDIA_ROOT = env.path("MEDIA_ROOT", default=BASE_DIR / "media")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    # Production serves `collectstatic`'s output through whitenoise: compressed, with hashed names
    # cached forever. Development (DEBUG) serves the apps' files as they are.
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
# Development (and the tests, which run with DEBUG on in the environment) reads the apps' files as they change.
WHITENOISE_AUTOREFRESH = DEBUG
WHITENOISE_USE_FINDERS = DEBUG

# Development keeps outgoing e-mail as files in outbox/ (nothing leaves the machine); production
# configures SMTP (EMAIL_BACKEND, EMAIL_HOST, EMAIL_PORT, EMAIL_HOST_USER, ...).
EMAIL_BACKEND = env.str(
    "EMAIL_BACKEND",
    default="django.core.mail.backends.filebased.EmailBackend"
    if DEBUG
    else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_FILE_PATH = env.path("EMAIL_FILE_PATH", default=BASE_DIR / "outbox")
EMAIL_HOST = env.str("EMAIL_HOST", default="localhost")
EMAIL_PORT = env.int("EMAIL_PORT", default=25)
EMAIL_HOST_USER = env.str("EMAIL_HOST_USER", default="")
EMAIL_HOST_PASSWORD = env.str("EMAIL_HOST_PASSWORD", default="")
EMAIL_USE_TLS = env.bool("EMAIL_USE_TLS", default=False)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="AICMO <delivery@aicmo.local>")

# --- Background work (Django's Tasks API, database queue by default) ------
TASKS = {
    "default": {
        "BACKEND": env.str("TASKS_BACKEND", default="django_tasks_db.DatabaseBackend"),
    }
}

# --- Persistence: which repository implementation serves each aggregate ---
AICMO_PERSISTENCE = env.str("AICMO_PERSISTENCE", default="db")
# Per-alias overrides, shaped like STORAGES: {"strategy.documents": {"BACKEND": "dotted.path"}}.
# Aliases not named here follow AICMO_PERSISTENCE (see config/registry.py).
REPOSITORIES: dict = {}

# --- Content generation -----------------------------------------------------
AICMO_GENERATOR = {
    "BACKEND": env.str("AICMO_GENERATOR_BACKEND", default="production.generators.TemplateGenerator"),
    "OPTIONS": {
        "base_url": env.str("LLM_BASE_URL", default="http://127.0.0.1:11434/v1"),
        "model": env.str("LLM_MODEL", default="llama3.1"),
        "api_key": env.str("LLM_API_KEY", default=""),
        "timeout": env.float("LLM_TIMEOUT", default=30.0),
        "fallback_to_template": env.bool("LLM_FALLBACK_TO_TEMPLATE", default=True),
    },
}
# The unsubscribe link every e-mail's footer carries (the e-mail platform's one-click URL). Empty:
# the client's own site's /unsubscribe page (the product URL's or website's domain).
AICMO_UNSUBSCRIBE_URL = env.str("AICMO_UNSUBSCRIBE_URL", default="")

# --- Quality control and delivery --------------------------------------------
AICMO_QC_THRESHOLD = env.int("AICMO_QC_THRESHOLD", default=80)
# Webhook targets: public addresses only; entries (host names, "*.domain", IPs or CIDR ranges) narrow
# that down, and only an address range listed here opens a private, loopback or link-local target.
AICMO_WEBHOOK_ALLOWLIST = env.list("AICMO_WEBHOOK_ALLOWLIST", default=[])
AICMO_WEBHOOK_TIMEOUT = env.float("AICMO_WEBHOOK_TIMEOUT", default=5.0)
# POSTs a run may make to the client's webhook (the hand-over step's retry policy: transport errors,
# 408/425/429/5xx are retried; a redirect or another 4xx is final at once).
AICMO_WEBHOOK_ATTEMPTS = env.int("AICMO_WEBHOOK_ATTEMPTS", default=3)
# Keys that encrypt each webhook endpoint's signing secret at rest (comma-separated, newest first:
# older keys still decrypt, so keys rotate). Without one no webhook could be signed, so production
# refuses to start; development derives one from SECRET_KEY.
AICMO_WEBHOOK_SECRETS_KEYS = env.list("AICMO_WEBHOOK_SECRETS_KEYS", default=[])
if not AICMO_WEBHOOK_SECRETS_KEYS:
    if not DEBUG:
        raise ImproperlyConfigured(
            "AICMO_WEBHOOK_SECRETS_KEYS must be set when DEBUG is off: it encrypts the webhook signing secrets."
        )
    AICMO_WEBHOOK_SECRETS_KEYS = [f"development:{SECRET_KEY}"]
AICMO_EMAIL_ATTEMPTS = env.int("AICMO_EMAIL_ATTEMPTS", default=3)
# Links in e-mails and webhooks point here; a wrong default would send clients to a dead address.
AICMO_PUBLIC_BASE_URL = env.str("AICMO_PUBLIC_BASE_URL", default="http://127.0.0.1:8000" if DEBUG else "")
if not AICMO_PUBLIC_BASE_URL:
    raise ImproperlyConfigured(
        "AICMO_PUBLIC_BASE_URL must be set when DEBUG is off (the https address clients download packages from)."
    )

# --- Saga ---------------------------------------------------------------------
# A worker's claim on a run lasts this long unless renewed; a step renews it while it works (heartbeats,
# every AICMO_HEARTBEAT_SECONDS), so only a dead or cut-off worker lets it expire.
AICMO_LEASE_SECONDS = env.float("AICMO_LEASE_SECONDS", default=60)
AICMO_HEARTBEAT_SECONDS = env.float("AICMO_HEARTBEAT_SECONDS", default=AICMO_LEASE_SECONDS / 3)
# How often each `run_worker` process looks for runs whose worker died (expired leases) and queues them
# again: a dead worker's run goes on within AICMO_LEASE_SECONDS + AICMO_REAPER_INTERVAL_SECONDS.
AICMO_REAPER_INTERVAL_SECONDS = env.float("AICMO_REAPER_INTERVAL_SECONDS", default=10)
AICMO_STEP_MAX_ATTEMPTS = env.int("AICMO_STEP_MAX_ATTEMPTS", default=3)
AICMO_COMPENSATION_MAX_ATTEMPTS = env.int("AICMO_COMPENSATION_MAX_ATTEMPTS", default=3)
AICMO_RETRY_BACKOFF_SECONDS = env.float("AICMO_RETRY_BACKOFF_SECONDS", default=0.5)

# One JSON object per line on stderr, each with the request id and the run id (kernel.logs); "text"
# for reading in a terminal.
LOG_FORMAT = env.str("LOG_FORMAT", default="json")
if LOG_FORMAT not in ("json", "text"):
    raise ImproperlyConfigured('LOG_FORMAT must be "json" or "text".')
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"context": {"()": "kernel.logs.ContextFilter"}},
    "formatters": {
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "fmt": "%(asctime)s %(levelname)s %(name)s %(message)s %(request_id)s %(run_id)s",
            "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
        },
        "text": {"format": "%(asctime)s %(levelname)s %(name)s [request %(request_id)s run %(run_id)s] %(message)s"},
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "filters": ["context"], "formatter": LOG_FORMAT},
    },
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    # Each request is logged once, by kernel.logs with its id; runserver's own line would repeat it.
    "loggers": {"django.server": {"level": "WARNING"}, "axes": {"level": "WARNING"}},
}

# Saga definitions the engine can run, by name (benchmarks add their own no-op workflow).
AICMO_WORKFLOWS = {
    "client_delivery": "orchestration.workflow.CLIENT_DELIVERY_WORKFLOW",
}

# --- REST API (DRF) and its OpenAPI schema (drf-spectacular) ------------------------------------
# Request bodies over 1 MB are refused with a 413 (kernel.api: the JSON parser and raw intake reads).
DATA_UPLOAD_MAX_MEMORY_SIZE = env.int("DATA_UPLOAD_MAX_MEMORY_SIZE", default=1024 * 1024)
REST_FRAMEWORK = {
    # Token first, so an anonymous request is a 401 with `WWW-Authenticate: Token`.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "knox.auth.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    # Every view names the permissions its operation needs; one that names none is refused (kernel.api).
    "DEFAULT_PERMISSION_CLASSES": ["kernel.api.RequiredPermissions"],
    # `?format=` is not a way to pick a renderer here: it is an unknown query parameter (a 400).
    "URL_FORMAT_OVERRIDE": None,
    "DEFAULT_PARSER_CLASSES": ["kernel.api.SizeLimitedJSONParser"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PAGINATION_CLASS": "kernel.api.Pagination",
    "PAGE_SIZE": env.int("API_PAGE_SIZE", default=50),
    "DEFAULT_THROTTLE_CLASSES": ["kernel.api.AnonThrottle", "kernel.api.UserThrottle", "kernel.api.ScopedThrottle"],
    "DEFAULT_THROTTLE_RATES": {
        "anon": env.str("API_THROTTLE_ANON", default="60/minute"),
        "user": env.str("API_THROTTLE_USER", default="2000/hour"),
        "briefs.submit": env.str("API_THROTTLE_BRIEF_SUBMIT", default="120/hour"),
        "runs.start": env.str("API_THROTTLE_RUN_START", default="120/hour"),
        # Password guesses across many accounts (each account also locks after LOGIN_FAILURES_ALLOWED).
        "auth.token": env.str("API_THROTTLE_TOKEN", default="30/minute"),
    },
    "EXCEPTION_HANDLER": "kernel.api.exception_handler",
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
}
# API tokens (django-rest-knox): only a hash is stored, each expires, and the token is shown once
# (`manage.py issue_token`, the users admin, or POST /api/v1/auth/token/).
REST_KNOX = {
    "TOKEN_TTL": dt.timedelta(hours=env.int("API_TOKEN_TTL_HOURS", default=24 * 30)),
    "TOKEN_PREFIX": "aicmo_",
    "AUTH_HEADER_PREFIX": "Token",
    "AUTO_REFRESH": False,
}
# The schema and its docs need a login unless this opens them.
AICMO_PUBLIC_API_DOCS = env.bool("AICMO_PUBLIC_API_DOCS", default=False)
SPECTACULAR_SETTINGS = {
    "TITLE": "AICMO API",
    "DESCRIPTION": (
        "From a client brief to a delivered package: briefs, strategies and their review, workflow runs "
        "with their step timeline, drafts with quality control, and delivery packages. Every request "
        "needs a token (`Authorization: Token <key>`) or a session, and the permission its operation names. "
        "A token comes from `POST /api/v1/auth/token/` (user name and password), from "
        "`python manage.py issue_token <user>`, or from the admin's users page; it is shown once and expires. "
        'Errors share one body: `{"error": {"code", "message", "fields"}}`.'
    ),
    "VERSION": AICMO_VERSION,
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    "COMPONENT_SPLIT_REQUEST": True,
    "PREPROCESSING_HOOKS": ["kernel.api.split_method_routes"],
    # Swagger UI and ReDoc assets come from drf-spectacular-sidecar's static files, never a CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "ENUM_NAME_OVERRIDES": {
        "BriefStatusEnum": "onboarding.api.serializers.BRIEF_STATUSES",
        "ProductKindEnum": "onboarding.api.serializers.PRODUCT_KIND_CHOICES",
        "StrategyStatusEnum": "strategy.api.serializers.STRATEGY_STATUSES",
        "RevisionKindEnum": "strategy.api.serializers.REVISION_KINDS",
        "ChannelEnum": "kernel.channels.CHANNELS",
        "RunStatusEnum": "orchestration.api.serializers.RUN_STATUSES",
        "StepStatusEnum": "orchestration.api.serializers.STEP_STATUSES",
        "StepKindEnum": "orchestration.api.serializers.STEP_KINDS",
        "PackageStatusEnum": "delivery.api.serializers.PACKAGE_STATUSES",
        "SeverityEnum": "production.api.serializers.SEVERITIES",
    },
}
