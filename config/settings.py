"""Settings for Arbitrages: one module, driven by environment variables."""

from __future__ import annotations

import os
import secrets
from pathlib import Path

import dj_database_url
from django.utils.csp import CSP

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on", "oui"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG", default=False)
# pytest exports PYTEST_VERSION: tests run with production settings but over plain HTTP.
TESTING = "PYTEST_VERSION" in os.environ
# Production must set SECRET_KEY: config/wsgi.py and config/asgi.py refuse to serve without it.
# Without it, development gets a fixed key (sessions survive restarts) and one-off commands
# (migrate, makemigrations, collectstatic) a throwaway one, which signs nothing that lasts.
SECRET_KEY = os.environ.get("SECRET_KEY", "")
SECRET_KEY_FROM_ENVIRONMENT = bool(SECRET_KEY)
if not SECRET_KEY:
    SECRET_KEY = (
        "django-insecure-dev-only-arbitrages-key-do-not-use-in-production-0123456789"
        if DEBUG or TESTING
        else "django-insecure-" + secrets.token_urlsafe(48)
    )

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost,[::1]")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "django_tables2",
    "django_filters",
    "simple_history",
    "axes",
    # Background jobs stored in the database (issue 13): `manage.py db_worker` runs them.
    "django_tasks_db",
    # The public API (issue 16 §5, docs/api.md): read-only, its OpenAPI document, and the
    # Swagger UI files served by the application (no CDN).
    "rest_framework",
    "drf_spectacular",
    "budget",
    "simulator",
    "votes",
]

MIDDLEWARE = [
    # First: every response, even a redirect or an error, carries its request id.
    "config.logs.RequestIdMiddleware",
    # Before the security middleware: a load balancer probes /healthz over plain HTTP with
    # its own Host header (config/health.py).
    "config.health.HealthCheckMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # A database too busy to answer in time: a 503 « réessayez dans un instant », not a 500.
    "config.busy.DatabaseBusyMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # After authentication: scopes the role checks to the authority of the URL's object.
    "votes.scope.middleware.RoleScopeMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last, as django-axes asks: it turns locked-out logins into its lockout response.
    "axes.middleware.AxesMiddleware",
]

AUTHENTICATION_BACKENDS = [
    # First, so that a locked-out username is refused before its password is checked.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Login throttling: 5 failures for one username from one address lock that pair for 15
# minutes. The pair, never the username alone: a stranger failing on someone's username from
# elsewhere cannot lock the real person out. One address trying many usernames is stopped by
# the "login" rate limit below (votes/accounts/views.py counts its failures).
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = float(os.environ.get("AXES_COOLOFF_HOURS", "0.25"))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
# The same client address as the rate limits (behind TRUSTED_PROXY_COUNT proxies).
AXES_CLIENT_IP_CALLABLE = "votes.ratelimits.client_ip"

ROOT_URLCONF = "config.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "budget.context_processors.navigation",
            ],
        },
    },
]

WSGI_APPLICATION = "config.wsgi.application"
ASGI_APPLICATION = "config.asgi.application"

DATABASES = {
    "default": dj_database_url.config(
        env="DATABASE_URL",
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        # Seconds a connection is kept between requests (0: one per request). With it, every
        # request first checks the kept connection (CONN_HEALTH_CHECKS), so that a database
        # restart costs one reconnection instead of one error per worker.
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "0")),
        conn_health_checks=env_bool("CONN_HEALTH_CHECKS", default=True),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Imports and votes write in bursts; WAL keeps readers going. IMMEDIATE: a transaction
    # takes the write lock when it begins, so that concurrent writers queue for it (up to the
    # busy timeout) instead of failing at once with « database is locked » when a reading
    # transaction tries to write; the rare one still waiting after the timeout gets a 503
    # « réessayez » (config.busy), never a 500.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "timeout": float(os.environ.get("SQLITE_BUSY_TIMEOUT", "20")),
            "transaction_mode": "IMMEDIATE",
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
    )

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# One cache that every application instance sees (rate-limit counters must be shared): Redis
# when REDIS_URL is set, otherwise a table of the database, created by a migration
# (budget/migrations/0007_cache_table.py), so that no other service is needed.
REDIS_URL = os.environ.get("REDIS_URL", "")
CACHE_TABLE = "arbitrages_cache"
CACHES = {
    "default": (
        {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
        if REDIS_URL
        else {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": CACHE_TABLE}
    )
}
# Sessions stay in the database (Django's database engine, its read written by hand: see
# config/sessions.py): any instance reads them. Not signed cookies (a logout could not revoke
# one), not cached_db (the shared cache is a database table too, and sessions would crowd the
# rate-limit counters out of it).
SESSION_ENGINE = "config.sessions"

# How many reverse proxies (load balancer, nginx…) stand in front of the application and
# append the client's address to X-Forwarded-For. 0: REMOTE_ADDR is the client.
TRUSTED_PROXY_COUNT = int(os.environ.get("TRUSTED_PROXY_COUNT", "0"))


def rate_limits(overrides: str) -> dict[str, dict[str, tuple[int, int]]]:
    """Limits as {name: {"ip"|"target": (attempts, seconds)}}; RATE_LIMITS in the environment
    changes some, e.g. "signup.ip=20/3600,code_entry.target=2000/900"."""
    limits: dict[str, dict[str, tuple[int, int]]] = {
        # Guessing (only failures count): a voting code, a receipt, a workshop code, a login.
        # Target: the campaign (guesses spread over many addresses), all workshops.
        "code_entry": {"ip": (20, 900), "target": (1000, 900)},
        "receipt_check": {"ip": (30, 900), "target": (1000, 900)},
        "workshop_join": {"ip": (30, 900), "target": (500, 900)},
        "login": {"ip": (30, 900)},
        # Floods (every attempt counts). Target: the e-mail address, or the account.
        "signup": {"ip": (10, 3600), "target": (3, 3600)},
        "password_reset": {"ip": (10, 3600), "target": (3, 3600)},
        "proposal_create": {"ip": (30, 3600), "target": (10, 3600)},
        "proposal_flag": {"ip": (60, 3600), "target": (20, 3600)},
        # Open-data files of a large campaign prepared as jobs (votes/opendata/exports.py).
        "opendata_export": {"ip": (30, 3600)},
        # Agenda registrations (votes/agenda/): target the e-mail address.
        "event_register": {"ip": (30, 3600), "target": (5, 3600)},
        "comment_create": {"ip": (60, 3600), "target": (30, 3600)},
        "comment_flag": {"ip": (60, 3600), "target": (20, 3600)},
        # The public API (votes/api/): every request counts, per address.
        "api": {"ip": (300, 60)},
        # The anonymous satisfaction questionnaire (votes/evaluation/): floods of answers.
        "evaluation_answer": {"ip": (20, 3600)},
        # The census verification (votes/census/): guessing who is on the list, so only
        # mismatches count; target: the account.
        "census_verify": {"ip": (20, 3600), "target": (5, 3600)},
    }
    for item in filter(None, (part.strip() for part in overrides.split(","))):
        key, _, value = item.partition("=")
        name, _, scope = key.strip().partition(".")
        count, _, seconds = value.partition("/")
        limits.setdefault(name, {})[scope] = (int(count), int(seconds))
    return limits


RATE_LIMITS = rate_limits(os.environ.get("RATE_LIMITS", ""))

# The key of the census lists' hashes (votes/census/keys.py); empty: derived from SECRET_KEY.
# Changing it (or SECRET_KEY when it is empty) makes every stored list unusable.
CENSUS_HMAC_KEY = os.environ.get("CENSUS_HMAC_KEY", "")
RATE_LIMITS_ENABLED = env_bool("RATE_LIMITS_ENABLED", default=True)

# The public API (votes/api/, docs/api.md): anonymous reads only, whoever is logged in (a
# session never shows more than the public sees), JSON only, one rate limit per address
# through votes/ratelimits.py, pages of 50.
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.AllowAny"],
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": [],
    "DEFAULT_THROTTLE_CLASSES": ["votes.api.throttling.AddressThrottle"],
    "DEFAULT_PAGINATION_CLASS": "votes.api.pagination.Pages",
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    # Money travels as a decimal string ("1234.50"), never a float.
    "COERCE_DECIMAL_TO_STRING": True,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Arbitrages — API publique",
    "DESCRIPTION": (
        "Données publiques des budgets et des campagnes de participation, en lecture seule. "
        "Licence Ouverte / Open Licence 2.0 (Etalab). Voir docs/api.md."
    ),
    "VERSION": "1",
    "LICENSE": {
        "name": "Licence Ouverte / Open Licence 2.0",
        "url": "https://www.etalab.gouv.fr/licence-ouverte-open-licence/",
    },
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": "/api/v1",
    "SCHEMA_PATH_PREFIX_TRIM": False,
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {
        "ProposalStatusEnum": "votes.api.filters.PUBLIC_STATUSES",
        "InstructionStatusEnum": "votes.instruction.models.Instruction.Status",
        "FollowUpStatusEnum": "votes.council.models.FollowUp.Status",
        "ResultStatusEnum": "votes.api.serializers_results.STATUSES",
    },
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "votes.api.schema.document_errors",
    ],
}

# /healthz (config/health.py): a task waiting longer than this (seconds) means the worker is
# late; it fails the check only if required (else it is reported, and the site stays up).
HEALTHZ_WORKER_MAX_AGE = int(os.environ.get("HEALTHZ_WORKER_MAX_AGE", "900"))
HEALTHZ_WORKER_REQUIRED = env_bool("HEALTHZ_WORKER_REQUIRED", default=False)

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "budget:home"
LOGOUT_REDIRECT_URL = "budget:home"

LANGUAGE_CODE = "fr"
LANGUAGES = [("fr", "Français"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Paris"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "staticfiles"))
# plotly.js is served from static/vendor/: a partial bundle with only the trace types the app
# draws (frontend/plotly/, `make plotly-bundle`), a third of the full one; no CDN.
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if env_bool("STATIC_MANIFEST", default=not DEBUG) and not TESTING
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = DEBUG or TESTING
WHITENOISE_AUTOREFRESH = DEBUG or TESTING
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "media"))

EMAIL_BACKEND = os.environ.get(
    "EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend"
    if DEBUG
    else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS")
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "Arbitrages <noreply@localhost>")

# The public address, for links in e-mails sent outside a request (phase moves, commands).
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000/")

# Background work (django.tasks). Development and tests run each task at once, inside the
# request that enqueues it, so that `make run` stays one command; production (DEBUG off, or
# TASKS_BACKEND=database) stores tasks in the database for `manage.py db_worker`.
TASKS_BACKEND = (
    os.environ.get("TASKS_BACKEND", "immediate" if DEBUG or TESTING else "database").strip().lower()
)
if TASKS_BACKEND not in {"immediate", "database"}:
    raise ValueError("TASKS_BACKEND must be 'immediate' or 'database'")
TASKS = {
    "default": {
        "BACKEND": "django.tasks.backends.immediate.ImmediateBackend"
        if TASKS_BACKEND == "immediate"
        else "django_tasks_db.DatabaseBackend",
    }
}

# Budget files: refuse anything larger before parsing it (bytes).
BUDGET_IMPORT_MAX_BYTES = int(os.environ.get("BUDGET_IMPORT_MAX_BYTES", str(20 * 1024 * 1024)))
# Spreadsheets (every import, budget/spreadsheets/limits.py): what reading one may cost. An
# XLSX is a zip: its inflated size and compression ratio are checked before it is opened, then
# rows, columns (empty ones before the last included) and cells while it is read, CSV too.
SPREADSHEET_MAX_INFLATED_BYTES = int(
    os.environ.get("SPREADSHEET_MAX_INFLATED_BYTES", str(200 * 1024 * 1024))
)
SPREADSHEET_MAX_COMPRESSION_RATIO = int(os.environ.get("SPREADSHEET_MAX_COMPRESSION_RATIO", "100"))
SPREADSHEET_MAX_SHEETS = int(os.environ.get("SPREADSHEET_MAX_SHEETS", "50"))
SPREADSHEET_MAX_ROWS = int(os.environ.get("SPREADSHEET_MAX_ROWS", "100000"))
SPREADSHEET_MAX_COLUMNS = int(os.environ.get("SPREADSHEET_MAX_COLUMNS", "200"))
SPREADSHEET_MAX_CELLS = int(os.environ.get("SPREADSHEET_MAX_CELLS", "3000000"))
# Where validated uploads wait for confirmation (shared storage when several servers run).
UPLOADS_PENDING_DIR = os.environ.get("UPLOADS_PENDING_DIR", "")
# A file larger than this is checked (the dry run that shows the preview and its errors) by the
# worker, not in the web request (budget/imports/uploads.py): 50,000 budget lines took 89 s.
UPLOAD_CHECK_IN_REQUEST_MAX_BYTES = int(
    os.environ.get("UPLOAD_CHECK_IN_REQUEST_MAX_BYTES", str(256 * 1024))
)
# Open data (votes/opendata/exports.py): from this many ballots a campaign's files are built by
# a job; a file built from live data (before the council snapshot) is reused this long.
OPENDATA_EXPORT_JOB_MIN_BALLOTS = int(os.environ.get("OPENDATA_EXPORT_JOB_MIN_BALLOTS", "20000"))
OPENDATA_EXPORT_FRESH_SECONDS = int(os.environ.get("OPENDATA_EXPORT_FRESH_SECONDS", "600"))
# The territory of an authority (GeoJSON, budget/territory.py): the largest file accepted.
TERRITORY_MAX_BYTES = int(os.environ.get("TERRITORY_MAX_BYTES", str(2 * 1024 * 1024)))
# The base layer of the maps: a tile URL ({z}/{x}/{y}) and its attribution, e.g.
# https://tile.openstreetmap.org/{z}/{x}/{y}.png and "© OpenStreetMap". Empty (the default,
# and in tests): no tile is fetched, the maps draw the territory's GeoJSON and the points only.
MAP_TILE_URL = os.environ.get("MAP_TILE_URL", "").strip()
MAP_TILE_ATTRIBUTION = os.environ.get("MAP_TILE_ATTRIBUTION", "").strip()
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

DJANGO_TABLES2_TEMPLATE = "django_tables2/bootstrap5.html"

SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False  # htmx reads no cookie: the token is in hx-headers on <body>
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
# Content-Security-Policy (Django's middleware): every script, style, image and font comes from
# this site, and nothing inline. Charts travel as data attributes drawn by static/js/charts.js
# (budget/figures.py); plotly.js styles its figures through the CSSOM, which the policy allows.
# No nonce: no page needs an inline script. A view may send its own header (attachments do).
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}
# A workshop room (`make room`, budget/management/commands/room.py): the facilitator's laptop
# serves the tablets over the room's Wi-Fi, in plain HTTP, with no certificate to be had
# offline. Production settings otherwise; never set it on a server reachable from the internet.
ROOM_HTTP = env_bool("ROOM_HTTP")


def tile_origin(url: str) -> str:
    """The origin of a tile URL template, as a CSP source ("{s}." subdomains as "*.")."""
    scheme, rest = url.split("://", 1)
    return f"{scheme}://{rest.split('/', 1)[0].replace('{s}', '*')}"


if MAP_TILE_URL:
    # Tiles are images from the tile server: its origin only. Leaflet cancels the tiles it
    # no longer needs by pointing them at a 1-pixel data: GIF, hence data: (an image, never a
    # script), and only when a tile layer is in use.
    SECURE_CSP["img-src"] = [CSP.SELF, tile_origin(MAP_TILE_URL), "data:"]
if not DEBUG:
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", default=not TESTING and not ROOM_HTTP)
    SESSION_COOKIE_SECURE = not TESTING and not ROOM_HTTP
    CSRF_COOKIE_SECURE = not TESTING and not ROOM_HTTP
    SECURE_HSTS_SECONDS = 0 if ROOM_HTTP else int(os.environ.get("SECURE_HSTS_SECONDS", "31536000"))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", default=True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# JSON lines in production (one object per line, for the log collector), text in development.
# The events of the application (votes, phases, imports, refusals: budget/events.py) are
# INFO lines of the budget, simulator and votes loggers, kept at LOG_EVENTS_LEVEL.
LOG_FORMAT = os.environ.get("LOG_FORMAT", "text" if DEBUG else "json")
LOG_EVENTS_LEVEL = os.environ.get("LOG_EVENTS_LEVEL", "INFO")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"context": {"()": "config.logs.RequestContextFilter"}},
    "formatters": {
        "json": {"()": "config.logs.JsonFormatter"},
        "text": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "filters": ["context"],
            "formatter": "json" if LOG_FORMAT == "json" else "text",
        }
    },
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
    "loggers": {name: {"level": LOG_EVENTS_LEVEL} for name in ("budget", "simulator", "votes")},
}
