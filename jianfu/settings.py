"""Settings for 减负通, read from the environment (spec/cli.md).

Safe defaults: DEBUG is off, production refuses to start without SECRET_KEY, and
the only configuration needed on a laptop is none at all (SQLite under var/).
"""

import datetime
import os
import sys
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from jianfu.env import env_bool, env_int, env_list, env_path, env_rates, env_str

BASE_DIR = Path(__file__).resolve().parent.parent
DATA_DIR = env_path("JIANFU_DATA_DIR", BASE_DIR / "var")

DEBUG = env_bool("DEBUG", default=False)
TESTING = "pytest" in sys.modules or env_bool("JIANFU_TESTING", default=False)

SECRET_KEY = env_str("SECRET_KEY")
if not SECRET_KEY:
    if DEBUG or TESTING:
        SECRET_KEY = "insecure-development-key-not-for-production"  # noqa: S105
    else:
        raise ImproperlyConfigured(
            "生产模式（DEBUG=0）必须设置环境变量 SECRET_KEY；开发时可设 DEBUG=1，或使用 jianfu demo。"
        )

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost"] if (DEBUG or TESTING) else [])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "jianfu.org",
    "jianfu.ledger",
    "jianfu.gate",
    "jianfu.gate.similarity",
    "jianfu.meter",
    "jianfu.channel",
    "jianfu.reports",
    "jianfu.api",
    "jianfu.web",
    "axes",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "jianfu.org.security.SecurityHeadersMiddleware",
    "jianfu.org.security.SecondStepMiddleware",
    # Last, as django-axes requires: turns a locked-out login into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "jianfu.urls"
WSGI_APPLICATION = "jianfu.wsgi.application"

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
                "jianfu.web.context.nav",
            ],
        },
    },
]

DEFAULT_SQLITE_PATH = DATA_DIR / "jianfu.sqlite3"
DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL") or f"sqlite:///{DEFAULT_SQLITE_PATH}",
        conn_max_age=env_int("DB_CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers work while an import writes; a busy timeout instead of
    # "database is locked" errors under concurrent requests. Connections are
    # kept (CONN_MAX_AGE as on PostgreSQL) with a 32 MiB page cache each: a new
    # connection parses the schema again and starts with SQLite's 2 MiB cache
    # empty, and at 10^6 items a similarity lookup alone reads ~1 MB of
    # posting lists.
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA cache_size=-32768;",
        "transaction_mode": "IMMEDIATE",
    }
else:
    # JIT compilation costs seconds on the meter's aggregate queries, which run in a
    # tenth of one; our queries are short OLTP and index lookups that never gain from it.
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = "-c jit=off"
# Concurrent test runs against one PostgreSQL server need distinct test databases.
if env_str("JIANFU_TEST_DB"):
    DATABASES["default"]["TEST"] = {"NAME": env_str("JIANFU_TEST_DB")}

AUTH_USER_MODEL = "org.User"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "jianfu.org.security.CharacterClassValidator"},
]
# django-axes first: it refuses a locked-out username before any password is checked.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Five wrong passwords lock the username for 15 minutes (docs/security.md). By username,
# not IP: behind nginx every request comes from one address, and a guesser rotates IPs.
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = datetime.timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = ["username"]
# axes.W006 warns that a lockout key without the IP can be dodged by rotating user
# agents or cookies; ours is the username alone, which neither changes.
SILENCED_SYSTEM_CHECKS = ["axes.W006"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "org/lockout.html"
AXES_VERBOSE = False
# Demo accounts (known passwords) must be changed at first login wherever the site is
# served as production: DEBUG off and TLS on (`jianfu demo` turns TLS off on loopback).
JIANFU_PRODUCTION = not DEBUG and not TESTING and env_bool("SECURE_SSL_REDIRECT", default=True)
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文")]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = DATA_DIR / "static"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
MEDIA_ROOT = DATA_DIR / "files"
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# One cache shared by every gunicorn worker (API rate counters, cached statistics)
# with no extra server: pickled files under DATA_DIR/cache, written atomically
# (temporary file + rename). Not the database: on SQLite every API call would then
# write, and wait behind a long import for the write lock. Several application
# servers would need a shared cache instead (docs/security.md). Tests keep a fast
# per-process cache (api/tests/test_shared_cache.py tests the shared one).
JIANFU_SHARED_CACHE = {
    "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
    "LOCATION": str(env_path("JIANFU_CACHE_DIR", DATA_DIR / "cache")),
    # Each set lists the directory to decide on culling: keep the bound modest.
    "OPTIONS": {"MAX_ENTRIES": 2000, "CULL_FREQUENCY": 4},
}
# API rate limits per category (jianfu/api/ratelimit.py has the defaults), e.g.
# API_RATES="token=600/min,user=1200/min,anon=60/min".
if (_rates := env_rates("API_RATES")) is not None:
    JIANFU_API_RATES = _rates
CACHES = {"default": ({"BACKEND": "django.core.cache.backends.locmem.LocMemCache"} if TESTING else JIANFU_SHARED_CACHE)}

SESSION_COOKIE_AGE = env_int("SESSION_COOKIE_AGE", 8 * 3600)
# A session ends 8 hours after login or when the browser closes, whichever comes first
# (not renewed per request: that would write the session row on every page view).
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False  # htmx reads the token from the cookie-free meta tag; kept default
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
if not DEBUG and not TESTING:
    SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", default=True)
    CSRF_COOKIE_SECURE = env_bool("SECURE_COOKIES", default=True)
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", default=True)
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
    "loggers": {"jianfu": {"level": os.environ.get("LOG_LEVEL", "INFO"), "propagate": True}},
}
