"""Tsunagu settings, read from the environment.

Production is the default: DEBUG is off unless the environment turns it on (``make run`` does),
and then SECRET_KEY must be given. Every variable is listed in README.md.
"""

import datetime
import os
import sys
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"


def env_bool(name: str, default: bool = False) -> bool:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    value = raw.strip().lower()
    if value in {"1", "true", "yes", "on"}:
        return True
    if value in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"Environment variable {name} must be one of 1/0, true/false, yes/no, on/off.")


def env_positive_int(name: str, default: int) -> int:
    """A whole number of at least 1 (minutes, attempts) from the environment."""
    raw = os.environ.get(name, "").strip() or str(default)
    if not raw.isascii() or not raw.isdigit() or int(raw) < 1:
        raise ImproperlyConfigured(f"Environment variable {name} must be a whole number of at least 1.")
    return int(raw)


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG")

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "The SECRET_KEY environment variable is required when DEBUG is off. "
            "Set SECRET_KEY to a long random value (or DEBUG=1 for local development)."
        )
    SECRET_KEY = "django-insecure-development-only-never-use-in-production"  # noqa: S105

# The keyring (privacy/keyring.py): a file (TSUNAGU_KEYRING) or JSON in the environment
# (TSUNAGU_KEYRING_JSON). Development uses var/keyring.json, which `make setup` creates.
TSUNAGU_KEYRING = os.environ.get("TSUNAGU_KEYRING", "") or (str(VAR_DIR / "keyring.json") if DEBUG else "")
TSUNAGU_KEYRING_JSON = os.environ.get("TSUNAGU_KEYRING_JSON", "")
# The one command that may start without a keyring is the one that creates it, run through
# manage.py: everything else (the application server above all) refuses to start.
CREATING_KEYRING = Path(sys.argv[0]).name == "manage.py" and sys.argv[1:2] == ["create_keyring"]
if not DEBUG and not (TSUNAGU_KEYRING or TSUNAGU_KEYRING_JSON) and not CREATING_KEYRING:
    raise ImproperlyConfigured(
        "A keyring is required when DEBUG is off: set TSUNAGU_KEYRING to the path of the keyring file "
        "(create one with `manage.py create_keyring PATH`) or TSUNAGU_KEYRING_JSON to its contents."
    )

# Personal data of people whose cases all ended longer ago than this is erased by apply_retention.
TSUNAGU_RETENTION_YEARS = int(os.environ.get("TSUNAGU_RETENTION_YEARS", "5"))

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "guardian",
    "django_htmx",
    "axes",
    "csp",
    # Two-factor authentication (accounts/twofactor.py): TOTP apps and single-use recovery codes.
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",  # Swagger UI's files, for the API's docs page (api/urls.py)
    # Ours, in dependency order (see docs/architecture.md): cross-cutting first, features last.
    "accounts",
    "privacy",
    "printing",  # documents to print: HTML to PDF in memory (docs/documents.md)
    "audit",
    "phones",  # phones whose sign-in is kept, and their offline queue's key (docs/offline.md)
    "configuration",  # each municipality's settings, versioned (docs/configuration.md)
    "cases",
    "referrals",
    "guardianship",
    "networks",  # the networks a care plaza is the secretariat of: indicator ⑦ (docs/indicators.md)
    "disaster",  # the evacuation-support list and disasters (docs/disaster.md)
    "backups",  # backups and restores (docs/operations.md "Backups and restore")
    "api",  # the REST API under /api/v1/ (docs/api.md)
    "indicators",  # the plan's indicators from the work itself (docs/indicators.md)
    "learning",  # issues the existing framework cannot solve, raised from cases (docs/learning.md)
    "onboarding",  # a municipality's directory and candidates from a workbook (docs/onboarding.md)
    # Imported by cases and the features, importing only accounts; listed last so that its demo
    # (the demo day's reminders) runs after theirs (accounts/management/commands/seed_demo.py).
    "notifications",
]

# The API (docs/api.md): tokens for systems, the session (with CSRF) for the browser; JSON only;
# errors as RFC 9457 problems; the schema by drf-spectacular.
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "api.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": [
        "rest_framework.permissions.IsAuthenticated",
        "api.permissions.TokenScope",
        "api.permissions.RolePermission",
    ],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "EXCEPTION_HANDLER": "api.errors.problem_details",
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Tsunagu API",
    "DESCRIPTION": "つなぐ — the same doors as the pages (docs/api.md).",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    # The schema says what exists, not what anyone may see: no sign-in needed to read it.
    "SERVE_PERMISSIONS": ["rest_framework.permissions.AllowAny"],
    "SERVE_AUTHENTICATION": [],
    # The docs page (/api/v1/docs/, signed-in users only) serves Swagger UI from our static files,
    # under the same CSP as every page; it tries GETs only (a POST needs a token or CSRF header).
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "SWAGGER_UI_SETTINGS": {"deepLinking": True, "supportedSubmitMethods": ["get"]},
}

MIDDLEWARE = [
    # Before anything reads them: X-Forwarded-* only from TRUSTED_PROXIES (BEHIND_PROXY below).
    "accounts.client.ForwardedHeadersMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Below WhiteNoise, so static files keep their long-lived caching; above everything else, so
    # every other response (errors and redirects of the middleware below included) gets the headers.
    "csp.middleware.CSPMiddleware",
    "config.middleware.PrivateResponseMiddleware",
    # /healthz and /readyz answer here, with the headers above, before sessions, CSRF, the audit
    # context or the second factor (the HTTPS redirect exempts them: SECURE_REDIRECT_EXEMPT).
    "config.health.HealthMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "accounts.middleware.DeviceMiddleware",  # django-otp's OTPMiddleware
    "audit.context.AuditContextMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "accounts.middleware.SecondFactorMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # After messages and htmx: a session that has been idle too long ends with a message.
    "accounts.middleware.SessionTimeoutMiddleware",
    # A kept sign-in only on its phone; a revoked phone told so and wiped (docs/offline.md).
    "phones.middleware.RememberedPhoneMiddleware",
    # Last, as django-axes asks: it turns a refused sign-in into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            # {% url %} reversed once per process (config/addresses.py).
            "builtins": ["config.addresses"],
            # {% translate "literal" %} looked up once per process and language (config/translations.py).
            "libraries": {"i18n": "config.translations", "django_i18n": "django.templatetags.i18n"},
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                # The header's bell: the unread count, read only where a page shows it.
                "notifications.context_processors.bell",
                # The menu: the destinations of the user's roles, read with the ids (config/menu.py).
                "config.menu.menu",
                # Whether the page loads the offline queue (commissioners, supporters: config/offline.py).
                "config.offline.offline",
            ],
        },
    },
]

WSGI_APPLICATION = "config.wsgi.application"

# SQLite is the embedded default; PostgreSQL (DATABASE_URL=postgres://...) is production.
DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{VAR_DIR / 'tsunagu.sqlite3'}",
        conn_max_age=int(os.environ.get("DATABASE_CONN_MAX_AGE", "0")),
    )
}
# A persistent connection is checked before each request reuses it: a database restarted (or a
# PgBouncer recycled) overnight costs one reconnect, not the first user's request.
DATABASES["default"]["CONN_HEALTH_CHECKS"] = DATABASES["default"].get("CONN_MAX_AGE", 0) != 0
# Planner settings for PostgreSQL on SSDs, and no JIT compilation — it took 400 of an indicator's
# 650 ms and pays only for long analytic queries (docs/performance.md) —, applied to the database once by
# `manage.py apply_planner_settings` (ALTER DATABASE ... SET; docs/operations.md), never as a
# connection startup parameter, which PgBouncer in transaction mode refuses.
TSUNAGU_PLANNER_SETTINGS = {"random_page_cost": "1.1", "effective_io_concurrency": "200", "jit": "off"}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Parameters travel separately from the SQL (binary for bytea), instead of being spliced into
    # the statement as hex text: encrypted columns are bytea, and splicing doubles their size.
    DATABASES["default"].setdefault("OPTIONS", {})["server_side_binding"] = True
    # A statement run this often on one connection is prepared: PostgreSQL keeps its parse and
    # plan (a transition's permission check, lock, update and audit insert repeat all day). Pays
    # with persistent connections (DATABASE_CONN_MAX_AGE); "none" behind a transaction-pooling
    # PgBouncer, which cannot keep prepared statements.
    threshold = os.environ.get("DATABASE_PREPARE_THRESHOLD", "5")
    DATABASES["default"]["OPTIONS"]["prepare_threshold"] = None if threshold == "none" else int(threshold)
    # Databases live on SSDs: a random page costs little more than a sequential one. With the
    # default (4, for spinning disks) the planner prefers hashing a million cases to probing the
    # few thousand a user may see (docs/performance.md). TSUNAGU_PLANNER_SETTINGS above are
    # applied to the database itself; DATABASE_PLANNER_OPTIONS (e.g. "-c random_page_cost=1.1")
    # sends them as the libpq `options` startup parameter instead, for a direct connection only
    # (PgBouncer in transaction mode refuses it).
    if os.environ.get("DATABASE_PLANNER_OPTIONS", "").strip():
        DATABASES["default"]["OPTIONS"]["options"] = os.environ["DATABASE_PLANNER_OPTIONS"].strip()
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # IMMEDIATE transactions take the write lock up front, so concurrent writers queue
    # instead of failing half-way with "database is locked"; WAL lets readers proceed.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA cache_size=-65536;",
    }

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"

# Model permissions from the role groups; the superuser flag gives the administrator's only
# (accounts.backends). No object-permission backend: which case, referral or matter a user may
# see is read from the grants and guardian's tables by cases.access, never asked of has_perm —
# guardian's own backend would answer True for a superuser on every object.
AUTHENTICATION_BACKENDS = [
    # First: refuses a locked account or address before any password is checked.
    "axes.backends.AxesStandaloneBackend",
    "accounts.backends.RoleBackend",
]
# guardian.W001: its backend is left out on purpose (above). templates.W003: the "i18n" library is
# ours on purpose (TEMPLATES above); tests/test_template_tags.py fails on any other duplicate name.
SILENCED_SYSTEM_CHECKS = ["guardian.W001", "templates.W003"]
# No anonymous user row: nothing in Tsunagu is visible without logging in.
ANONYMOUS_USER_NAME = None

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# E-mail: password reset links (the only way a password is set for someone: docs/security.md) and
# notifications (docs/notifications.md). It goes through EMAIL_BACKEND: the console in development,
# SMTP in production (the test settings keep it in memory).
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
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL")  # implicit TLS (port 465), instead of STARTTLS
if EMAIL_USE_TLS and EMAIL_USE_SSL:
    raise ImproperlyConfigured("Set EMAIL_USE_TLS (STARTTLS) or EMAIL_USE_SSL (implicit TLS), not both.")
# Seconds before a mail server that does not answer is given up on: a notification's e-mail is sent
# when the action commits, and must not hold the request for long (docs/notifications.md).
EMAIL_TIMEOUT = env_positive_int("EMAIL_TIMEOUT", 10)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "tsunagu@localhost")
# The site's address as users reach it (https://tsunagu.example.jp): notification e-mails link to
# it. Without it they carry the path alone.
TSUNAGU_BASE_URL = os.environ.get("TSUNAGU_BASE_URL", "http://127.0.0.1:8000" if DEBUG else "")
# How long a reset link works (seconds); a new account's first link too.
PASSWORD_RESET_TIMEOUT = int(os.environ.get("PASSWORD_RESET_TIMEOUT", str(3 * 24 * 60 * 60)))

LOGIN_URL = "login"
# Two-factor authentication (docs/security.md): the name authenticator apps show for the account.
OTP_TOTP_ISSUER = os.environ.get("TSUNAGU_OTP_ISSUER", "Tsunagu")
# django-otp's throttling stays on: each wrong code doubles the wait before the next try (1, 2, 4 … s).
OTP_TOTP_THROTTLE_FACTOR = 1
OTP_STATIC_THROTTLE_FACTOR = 1
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Japanese first; English available through the language switch.
LANGUAGE_CODE = "ja"
LANGUAGES = [("ja", _("日本語")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Tokyo"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = VAR_DIR / "static"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

# Django's database sessions, read with written SQL (accounts/sessions.py).
SESSION_ENGINE = "accounts.sessions"
# Sessions end with the browser and after 8 hours at most: shared office PCs are common.
SESSION_COOKIE_AGE = 8 * 60 * 60
# ...and after this long without a request (accounts/middleware.py): shorter for the staff roles,
# who work on shared office terminals, than for commissioners and guardians on their own phones.
TSUNAGU_IDLE_TIMEOUT_OFFICE_MINUTES = env_positive_int("TSUNAGU_IDLE_TIMEOUT_OFFICE_MINUTES", 30)
TSUNAGU_IDLE_TIMEOUT_PERSONAL_MINUTES = env_positive_int("TSUNAGU_IDLE_TIMEOUT_PERSONAL_MINUTES", 120)
# A phone its user marked as their own keeps the sign-in until it has been idle this long
# (docs/offline.md); what waits on it unsent is wiped after TSUNAGU_OFFLINE_KEEP_HOURS.
TSUNAGU_PHONE_IDLE_DAYS = env_positive_int("TSUNAGU_PHONE_IDLE_DAYS", 14)
TSUNAGU_OFFLINE_KEEP_HOURS = env_positive_int("TSUNAGU_OFFLINE_KEEP_HOURS", 72)
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"

# Sign-in throttling (django-axes; docs/security.md "Sign-in"). Failures are counted in axes' own
# tables, by account and by client address separately: either reaching its limit locks it.
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_FAILURE_LIMIT = env_positive_int("TSUNAGU_SIGNIN_FAILURE_LIMIT", 5)
# An office behind one NAT address may want its address limit higher than an account's.
TSUNAGU_SIGNIN_ADDRESS_FAILURE_LIMIT = env_positive_int(
    "TSUNAGU_SIGNIN_ADDRESS_FAILURE_LIMIT", AXES_FAILURE_LIMIT
)
AXES_COOLOFF_TIME = datetime.timedelta(minutes=env_positive_int("TSUNAGU_SIGNIN_LOCKOUT_MINUTES", 30))
# A lock lasts the period from the failure that started it; tries during it are refused, not counted.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_HANDLER = "accounts.signin.SignInHandler"
# Masked in what axes keeps of a failed attempt's form (its default two, and a reporting code:
# cases/views_agreements.py counts a wrong one as a failed sign-in, and codes are kept only hashed).
AXES_SENSITIVE_PARAMETERS = ["username", "ip_address", "code"]
AXES_USERNAME_CALLABLE = "accounts.signin.attempted_account"
AXES_LOCKOUT_CALLABLE = "accounts.signin.locked_out_response"
AXES_HTTP_RESPONSE_CODE = 429
# Successful sign-ins are in the audit trail; accounts/admin.py registers the attempts itself.
AXES_DISABLE_ACCESS_LOG = True
AXES_ENABLE_ADMIN = False
# Quiet: its verbose logs carry the user agent; ours carry request metadata only (LOGGING below).
AXES_VERBOSE = False
# Content-Security-Policy (django-csp): scripts, styles, images and forms from our own origin only,
# no inline script, inline style or eval anywhere — the admin's included (its JavaScript is in
# static files). An injected <script> or onclick= does not run even if escaping ever failed.
# docs/security.md "Response headers".
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}
if os.environ.get("CSP_REPORT_URI"):
    # Optional: where browsers POST violation reports (a collector of the operator's choosing).
    CONTENT_SECURITY_POLICY["DIRECTIVES"]["report-uri"] = [os.environ["CSP_REPORT_URI"]]
# Browser features Tsunagu never uses, denied to the page and anything it could embed
# (config.middleware). WebAuthn (publickey-credentials-*) is left at its default (this origin).
PERMISSIONS_POLICY = [
    "accelerometer",
    "autoplay",
    "bluetooth",
    "camera",
    "display-capture",
    "geolocation",
    "gyroscope",
    "hid",
    "idle-detection",
    "magnetometer",
    "microphone",
    "midi",
    "payment",
    "screen-wake-lock",
    "serial",
    "usb",
    "xr-spatial-tracking",
]

# Behind TLS in production. HTTPS_ONLY=0 is for a local server with DEBUG off (browser tests).
HTTPS_ONLY = env_bool("HTTPS_ONLY", default=not DEBUG)
SESSION_COOKIE_SECURE = HTTPS_ONLY
CSRF_COOKIE_SECURE = HTTPS_ONLY
SECURE_SSL_REDIRECT = HTTPS_ONLY
SECURE_HSTS_SECONDS = 63072000 if HTTPS_ONLY else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS_ONLY
SECURE_HSTS_PRELOAD = HTTPS_ONLY
# Behind a reverse proxy (deploy/nginx/tsunagu.conf): the scheme comes from X-Forwarded-Proto and
# the client's address from X-Forwarded-For, each only on a request whose REMOTE_ADDR is one of
# TRUSTED_PROXIES (accounts.client.client_address: the audit trail and the sign-in throttle).
BEHIND_PROXY = env_bool("BEHIND_PROXY")
TRUSTED_PROXIES = env_list("TRUSTED_PROXIES", "127.0.0.1,::1") if BEHIND_PROXY else []
if BEHIND_PROXY:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
AXES_CLIENT_IP_CALLABLE = "accounts.client.client_address"
# The load balancer's probes (config.health) answer over plain HTTP too.
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]

# Errors (500s) are mailed to ADMINS ("Name <address>, ..." or "address, ..."); none when unset.
ADMINS = [
    (address.split("<")[0].strip() or address, address.split("<")[-1].rstrip(">").strip())
    for address in env_list("ADMINS")
]
SERVER_EMAIL = os.environ.get("SERVER_EMAIL", DEFAULT_FROM_EMAIL)

# Logs carry request metadata only: never request bodies, never personal data. One JSON object a
# line (config/logging.py): time, level, logger, message, request id (the audit trail's) and user
# id. LOG_FORMAT=text gives plain lines for a developer's terminal.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "request": {"()": "config.logging.RequestContextFilter"},
        "require_debug_false": {"()": "django.utils.log.RequireDebugFalse"},
    },
    "formatters": {
        "json": {"()": "config.logging.JsonFormatter"},
        "text": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "filters": ["request"],
            "formatter": os.environ.get("LOG_FORMAT", "text" if DEBUG else "json"),
        },
        # Off while ADMINS is empty: Django mails nobody.
        "mail_admins": {
            "()": "config.logging.AdminMailHandler",
            "level": "ERROR",
            "filters": ["require_debug_false"],
        },
    },
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    # django-axes reports each failure and lockout as a warning; its routine housekeeping is noise.
    # WeasyPrint reports each step of every PDF, fontTools each font it subsets (printing/pdf.py).
    "loggers": {
        "django.request": {"handlers": ["mail_admins"], "level": "ERROR", "propagate": True},
        "axes": {"level": "WARNING"},
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}

# Keys (issue 20; docs/privacy.md "Keys").
# The user the service runs as: rotate_keys refuses to write the keyring as anyone else.
TSUNAGU_SERVICE_USER = os.environ.get("TSUNAGU_SERVICE_USER", "")
# An append-only file, apart from the database, of erasures (person id and time only), re-applied
# after a restore so that a backup never brings an erased person back (cases/erasure_ledger.py).
TSUNAGU_ERASURE_LEDGER = os.environ.get("TSUNAGU_ERASURE_LEDGER", "")

# Small numbers in figures shown outside the organisation that holds their records: counts from 1
# to this less one are hidden, with as many more as it takes (indicators/suppression.py).
TSUNAGU_SMALL_NUMBERS = int(os.environ.get("TSUNAGU_SMALL_NUMBERS", "5"))
