"""Settings, all read from the environment.

``ARRIMAGE_MODE`` picks the profile:

- ``production`` (the default): every protection on; ``ARRIMAGE_SECRET_KEY`` and
  ``ARRIMAGE_ALLOWED_HOSTS`` are required.
- ``demo``: plain HTTP on 127.0.0.1, two-factor relaxed, a banner on every page.
- ``test``: used by the test suite.

``DATABASE_URL`` selects PostgreSQL; without it, SQLite (WAL) under ``ARRIMAGE_DATA_DIR``.
"""

import os
import secrets
from datetime import timedelta
from pathlib import Path

import dj_database_url
from csp.constants import NONCE, SELF
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent

MODE = os.environ.get("ARRIMAGE_MODE", "production")
if MODE not in {"production", "demo", "test"}:
    raise RuntimeError(f"ARRIMAGE_MODE must be production, demo or test, not {MODE!r}")
IS_PRODUCTION = MODE == "production"
IS_DEMO = MODE == "demo"

DATA_DIR = Path(os.environ.get("ARRIMAGE_DATA_DIR", Path.cwd() / "var")).resolve()


def _env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _secret_key() -> str:
    key = os.environ.get("ARRIMAGE_SECRET_KEY")
    if key:
        return key
    if IS_PRODUCTION:
        raise RuntimeError("ARRIMAGE_SECRET_KEY must be set in production")
    path = DATA_DIR / "secret_key"
    if path.exists():
        return path.read_text().strip()
    if MODE == "test":
        return "test-only-" + "x" * 50
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(50)
    path.write_text(key)
    path.chmod(0o600)
    return key


SECRET_KEY = _secret_key()
DEBUG = _env_bool("ARRIMAGE_DEBUG", False)
ALLOWED_HOSTS = [
    host.strip()
    for host in os.environ.get(
        "ARRIMAGE_ALLOWED_HOSTS", "" if IS_PRODUCTION else "127.0.0.1,localhost,testserver"
    ).split(",")
    if host.strip()
]

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_otp",
    "axes",
    "csp",
    "ninja",
    "django_tasks_db",
    "django_prometheus",
    "arrimage.core",
    "arrimage.privacy",
    "arrimage.accounts",
    "arrimage.coalition",
    "arrimage.cases",
    "arrimage.screening",
    "arrimage.directory",
    "arrimage.trends",
    "arrimage.orientation",
    "arrimage.home",
    "arrimage.law25",
    "arrimage.coalition_pages",
    "arrimage.conferences",
    "arrimage.awareness",
    "arrimage.demo",
    "arrimage.operations",
]

MIDDLEWARE = [
    "django_prometheus.middleware.PrometheusBeforeMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "arrimage.accounts.middleware.SessionLifetimeMiddleware",
    "arrimage.accounts.middleware.SessionRenewalMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "arrimage.accounts.middleware.ActingOrganisationMiddleware",
    "arrimage.accounts.middleware.TwoFactorRequiredMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "arrimage.core.middleware.NoStoreMiddleware",
    "axes.middleware.AxesMiddleware",
    "django_prometheus.middleware.PrometheusAfterMiddleware",
]

ROOT_URLCONF = "arrimage.urls"
WSGI_APPLICATION = "arrimage.wsgi.application"

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
                "arrimage.core.context_processors.arrimage",
            ],
        },
    },
]

# Caches: in each process's memory, for what is the same for every user who sees it (the main
# menu's HTML per section, role and language). Nothing personal, nothing shared between processes.
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    "template_fragments": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "template-fragments",
        "OPTIONS": {"MAX_ENTRIES": 2000},
    },
}

# Database ------------------------------------------------------------------------------------
# ARRIMAGE_DB_POOL_SIZE: on PostgreSQL, each process keeps a pool of that many connections
# (psycopg-pool, through Django's "pool" option) instead of one per thread kept for 60 s.
DB_POOL_SIZE = int(os.environ.get("ARRIMAGE_DB_POOL_SIZE", "0"))
if not 0 <= DB_POOL_SIZE <= 100:
    raise RuntimeError("ARRIMAGE_DB_POOL_SIZE must be between 0 (no pool) and 100")
if os.environ.get("DATABASE_URL"):
    DATABASES = {"default": dj_database_url.config(conn_max_age=60, conn_health_checks=True)}
    # Behind PgBouncer in transaction pooling mode, no cursor may outlive its transaction.
    DATABASES["default"]["DISABLE_SERVER_SIDE_CURSORS"] = _env_bool("ARRIMAGE_PGBOUNCER", False)
    if DB_POOL_SIZE and DATABASES["default"]["ENGINE"].endswith("postgresql"):
        DATABASES["default"]["CONN_MAX_AGE"] = 0
        DATABASES["default"].setdefault("OPTIONS", {})["pool"] = {
            "min_size": 1,
            "max_size": DB_POOL_SIZE,
            "timeout": 20,
        }
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": str(DATA_DIR / "arrimage.sqlite3"),
            "OPTIONS": {
                "timeout": 20,
                "transaction_mode": "IMMEDIATE",
                "init_command": (
                    "PRAGMA journal_mode=WAL;"
                    "PRAGMA synchronous=NORMAL;"
                    "PRAGMA foreign_keys=ON;"
                    "PRAGMA busy_timeout=20000;"
                ),
            },
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Accounts --------------------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
if MODE == "test":
    # Argon2 all the same, at a cost that keeps the suite fast.
    PASSWORD_HASHERS = ["arrimage.accounts.hashers.TestArgon2PasswordHasher"]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home:home"
LOGOUT_REDIRECT_URL = "accounts:login"

# Two-factor is mandatory for every role that reads personal data, except where the demo
# relaxes it (and says so on every page).
# The test suite turns it on in the tests of two-factor itself.
ARRIMAGE_REQUIRE_TWO_FACTOR = _env_bool("ARRIMAGE_REQUIRE_TWO_FACTOR", IS_PRODUCTION)
OTP_TOTP_ISSUER = "Arrimage"

# django-axes: lock on the username and IP pair, with a finite cool-off that grows with each
# lockout, so an attacker cannot lock a real user out for good.
AXES_FAILURE_LIMIT = int(os.environ.get("ARRIMAGE_LOGIN_FAILURE_LIMIT", "5"))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_COOLOFF_TIME = "arrimage.accounts.lockout.cooloff_time"
# An attempt refused during a lockout is not recorded: it neither extends the lockout nor counts
# as one more lockout, so the cool-off escalates per lockout (15, 30, 60 minutes ...), not per
# refused attempt (issue 12, D7: 30 bad logins in 5 seconds locked for 24 hours).
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_USERNAME_FORM_FIELD = "username"
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "arrimage.accounts.lockout.lockout_response"
AXES_ENABLE_ACCESS_FAILURE_LOG = True
AXES_VERBOSE = False
# Behind a reverse proxy, REMOTE_ADDR is the proxy: the client address is then the last one the
# trusted proxies added to X-Forwarded-For (ARRIMAGE_TRUSTED_PROXIES: how many proxies).
ARRIMAGE_TRUSTED_PROXIES = int(os.environ.get("ARRIMAGE_TRUSTED_PROXIES", "0"))
if ARRIMAGE_TRUSTED_PROXIES:
    AXES_IPWARE_PROXY_COUNT = ARRIMAGE_TRUSTED_PROXIES
    AXES_IPWARE_META_PRECEDENCE_ORDER = ["HTTP_X_FORWARDED_FOR", "REMOTE_ADDR"]
else:
    AXES_IPWARE_META_PRECEDENCE_ORDER = ["REMOTE_ADDR"]
# django-ninja finds the client address of anonymous API calls the same way.
NINJA_NUM_PROXIES = ARRIMAGE_TRUSTED_PROXIES

# Throttling (core/throttling.py): requests per client and window, counted in the database so
# that every app server shares the count. "api_user": each logged-in user on /api/;
# "api_anonymous": each address calling /api/ without a session; "hsds": each address on the
# public HSDS API (/hsds/). A refused request answers 429 with Retry-After.
ARRIMAGE_RATES = {
    "api_user": os.environ.get("ARRIMAGE_RATE_API_USER", "300/min"),
    "api_anonymous": os.environ.get("ARRIMAGE_RATE_API_ANONYMOUS", "30/min"),
    "hsds": os.environ.get("ARRIMAGE_RATE_HSDS", "120/min"),
}
if MODE == "test":
    # Relaxed for the suite; the tests of throttling set their own rates.
    ARRIMAGE_RATES = {scope: "100000/min" for scope in ARRIMAGE_RATES}

# Sessions: 30 minutes idle, 12 hours at most.
SESSION_COOKIE_AGE = 30 * 60
# Not saved on every request: accounts.middleware.SessionRenewalMiddleware moves the expiry
# forward at most once a minute (a read then writes no session row).
SESSION_SAVE_EVERY_REQUEST = False
ARRIMAGE_SESSION_RENEW_SECONDS = 60
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
ARRIMAGE_SESSION_ABSOLUTE_LIFETIME = timedelta(hours=12)
SESSION_COOKIE_HTTPONLY = True
CSRF_FAILURE_VIEW = "arrimage.core.views.csrf_failure_view"
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True

# Transport and headers ---------------------------------------------------------------------------
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if IS_PRODUCTION:
    SECURE_SSL_REDIRECT = _env_bool("ARRIMAGE_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = 63072000
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    LANGUAGE_COOKIE_SECURE = True
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    CSRF_TRUSTED_ORIGINS = [
        origin.strip()
        for origin in os.environ.get("ARRIMAGE_CSRF_TRUSTED_ORIGINS", "").split(",")
        if origin.strip()
    ]

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF, NONCE],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "form-action": [SELF],
        "frame-ancestors": ["'none'"],
        "base-uri": ["'none'"],
        "object-src": ["'none'"],
    },
}

# Languages and time -----------------------------------------------------------------------------
LANGUAGE_CODE = "fr-ca"
LANGUAGES = [("fr-ca", _("French")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
LANGUAGE_COOKIE_NAME = "arrimage_language"
LANGUAGE_COOKIE_AGE = 365 * 24 * 3600
LANGUAGE_COOKIE_SAMESITE = "Lax"
USE_I18N = True
FORMAT_MODULE_PATH = ["arrimage.formats"]
USE_TZ = True
TIME_ZONE = "America/Toronto"

# Static files --------------------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = None if MODE == "test" else DATA_DIR / "static"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if IS_PRODUCTION
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = not IS_PRODUCTION

# Field encryption: the master key comes from the environment or a key file. The demo makes one.
ARRIMAGE_MASTER_KEY = os.environ.get("ARRIMAGE_MASTER_KEY", "")
if MODE == "test" and not ARRIMAGE_MASTER_KEY:
    import base64

    ARRIMAGE_MASTER_KEY = base64.urlsafe_b64encode(secrets.token_bytes(32)).decode()
ARRIMAGE_MASTER_KEY_FILE = os.environ.get(
    "ARRIMAGE_MASTER_KEY_FILE", "" if IS_PRODUCTION else str(DATA_DIR / "master.key")
)

# Mail: the demo writes messages to files under var/mail.
if os.environ.get("ARRIMAGE_EMAIL_URL") == "smtp":
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_HOST = os.environ.get("ARRIMAGE_EMAIL_HOST", "localhost")
    EMAIL_PORT = int(os.environ.get("ARRIMAGE_EMAIL_PORT", "25"))
elif MODE == "test":
    EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
else:
    EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    EMAIL_FILE_PATH = DATA_DIR / "mail"
DEFAULT_FROM_EMAIL = os.environ.get("ARRIMAGE_FROM_EMAIL", "arrimage@localhost")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("ARRIMAGE_LOG_LEVEL", "WARNING")},
}

ARRIMAGE_DEMO_BANNER = IS_DEMO

# Law 25 ------------------------------------------------------------------------------------------
# Closed cases are anonymised after this many days (seven years unless set); an organisation
# admin may choose another time for their organisation.
ARRIMAGE_RETENTION_DAYS = int(os.environ.get("ARRIMAGE_RETENTION_DAYS", str(7 * 365)))
if not 30 <= ARRIMAGE_RETENTION_DAYS <= 36500:
    raise RuntimeError("ARRIMAGE_RETENTION_DAYS must be between 30 and 36500")
# The instance operator and its person in charge of the protection of personal information,
# shown on the public privacy page.
ARRIMAGE_OPERATOR_NAME = os.environ.get("ARRIMAGE_OPERATOR_NAME", "")
ARRIMAGE_PRIVACY_OFFICER_NAME = os.environ.get("ARRIMAGE_PRIVACY_OFFICER_NAME", "")
ARRIMAGE_PRIVACY_OFFICER_TITLE = os.environ.get("ARRIMAGE_PRIVACY_OFFICER_TITLE", "")
ARRIMAGE_PRIVACY_OFFICER_EMAIL = os.environ.get("ARRIMAGE_PRIVACY_OFFICER_EMAIL", "")
ARRIMAGE_PRIVACY_OFFICER_PHONE = os.environ.get("ARRIMAGE_PRIVACY_OFFICER_PHONE", "")

# Background work ------------------------------------------------------------------------------
# Django's Tasks API, stored in the database (core/background.py); `arrimage worker` runs them.
TASKS = {"default": {"BACKEND": "arrimage.core.background.DatabaseBackend", "QUEUES": ["default"]}}
# A worker rewrites its heartbeat this often; a task whose worker has not beaten for the
# timeout is given to another worker (a killed worker's task is retried within a minute).
ARRIMAGE_WORKER_HEARTBEAT_SECONDS = float(os.environ.get("ARRIMAGE_WORKER_HEARTBEAT_SECONDS", "5"))
ARRIMAGE_WORKER_HEARTBEAT_TIMEOUT = float(os.environ.get("ARRIMAGE_WORKER_HEARTBEAT_TIMEOUT", "30"))
if not 0.1 <= ARRIMAGE_WORKER_HEARTBEAT_SECONDS * 3 <= ARRIMAGE_WORKER_HEARTBEAT_TIMEOUT <= 3600:
    raise RuntimeError(
        "ARRIMAGE_WORKER_HEARTBEAT_TIMEOUT must be at least three heartbeats, and at most 3600"
    )

# Metrics (arrimage/metrics.py): /metrics answers only a scraper sending this bearer token;
# without one set, it answers 404 to everyone.
ARRIMAGE_METRICS_TOKEN = os.environ.get("ARRIMAGE_METRICS_TOKEN", "")

# Orientation --------------------------------------------------------------------------------------
# How long a bed hold lasts while the shelter answers the referral (hours).
ARRIMAGE_HOLD_HOURS = float(os.environ.get("ARRIMAGE_HOLD_HOURS", "4"))
if not 0.25 <= ARRIMAGE_HOLD_HOURS <= 72:
    raise RuntimeError("ARRIMAGE_HOLD_HOURS must be between 0.25 and 72")
