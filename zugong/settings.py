"""zugong settings: one module; DATABASE_URL picks PostgreSQL, the default is SQLite under var/."""

import os
import secrets
from datetime import timedelta
from pathlib import Path

import dj_database_url

BASE_DIR = Path(__file__).resolve().parent
VAR_DIR = Path(os.environ.get("ZUGONG_VAR", BASE_DIR.parent / "var")).resolve()
VAR_DIR.mkdir(parents=True, exist_ok=True)


def _secret_key() -> str:
    """The secret key from the environment, else one generated once and kept in var/."""
    if os.environ.get("ZUGONG_SECRET_KEY"):
        return os.environ["ZUGONG_SECRET_KEY"]
    path = VAR_DIR / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


SECRET_KEY = _secret_key()
DEBUG = os.environ.get("ZUGONG_DEBUG") == "1"
ALLOWED_HOSTS = os.environ.get("ZUGONG_ALLOWED_HOSTS", "127.0.0.1,localhost,testserver").split(",")
CSRF_TRUSTED_ORIGINS = [o for o in os.environ.get("ZUGONG_CSRF_ORIGINS", "").split(",") if o]

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "django_filters",
    "django_tables2",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_tasks",
    "django_tasks_db",
    "axes",
    "treebeard",
    "zugong.core",
    "zugong.accounts",
    "zugong.orgs",
    "zugong.people",
    "zugong.members",
    "zugong.recruitment",
    "zugong.branchlife",
    "zugong.elections",
    "zugong.dashboards",
    "zugong.standardization",
    "zugong.weakorgs",
    "zugong.cadres",
    "zugong.adform",
    "zugong.appointments",
    "zugong.dispatch",
    "zugong.teams",
    "zugong.workbench",
    "zugong.notifications",
    "zugong.demo",
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
    "django_htmx.middleware.HtmxMiddleware",
    "axes.middleware.AxesMiddleware",
    "zugong.core.middleware.ScopeMiddleware",
]

ROOT_URLCONF = "zugong.urls"
WSGI_APPLICATION = "zugong.wsgi.application"

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
                "zugong.core.context_processors.shell",
                "zugong.notifications.context_processors.bell",
            ],
        },
    },
]

# Database: SQLite in var/ by default (a county office), PostgreSQL through DATABASE_URL (a province).
DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{VAR_DIR / 'zugong.sqlite3'}", conn_max_age=60, conn_health_checks=True
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        # case_sensitive_like lets `path LIKE 'p%'` use the index (stack-notes §3); WAL lets readers
        # run beside the one writer; IMMEDIATE takes the write lock at BEGIN, so no upgrade deadlocks.
        "init_command": (
            "PRAGMA case_sensitive_like=ON; PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;"
            "PRAGMA busy_timeout=15000; PRAGMA cache_size=-65536; PRAGMA temp_store=MEMORY;"
        ),
        "transaction_mode": "IMMEDIATE",
    }
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / "test.sqlite3")}
elif DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # No JIT: a page's statement over a province (arrears, screening) costs enough to be compiled, and the
    # compiling alone took 4.6–6.4 s of them on the bench (EXPLAIN ANALYZE "JIT: Timing"), more than it saves.
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault("options", "-c jit=off")

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Login throttling (django-axes): 5 failures per user name and address lock for 15 minutes.
AXES_FAILURE_LIMIT = int(os.environ.get("ZUGONG_LOGIN_FAILURES", "5"))
AXES_COOLOFF_TIME = timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False

# Sessions end after 8 idle hours or when the browser closes.
SESSION_COOKIE_AGE = 8 * 3600
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"

# Security headers; HTTPS-only settings switch on with ZUGONG_HTTPS=1 (behind a TLS proxy).
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if os.environ.get("ZUGONG_HTTPS") == "1":
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = True
    SECURE_HSTS_SECONDS = 31536000

LANGUAGE_CODE = "zh-hans"
# The UI is Chinese only: a browser that asks for English (Accept-Language) must not get libraries' English
# strings (django-tables2's "next", form errors) mixed into Chinese pages.
LANGUAGES = [("zh-hans", "简体中文")]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True
DATE_FORMAT = "Y-m-d"
DATETIME_FORMAT = "Y-m-d H:i"
SHORT_DATE_FORMAT = "Y-m-d"
DATE_INPUT_FORMATS = ["%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%Y%m%d"]

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = VAR_DIR / "media"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
if os.environ.get("ZUGONG_TESTING") == "1":
    STORAGES["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}
    WHITENOISE_USE_FINDERS = True
    WHITENOISE_AUTOREFRESH = True
DATA_UPLOAD_MAX_MEMORY_SIZE = 50 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024

# Reminders by e-mail: only where an SMTP server is named (ZUGONG_EMAIL_HOST); unset, no mail is sent.
EMAIL_HOST = os.environ.get("ZUGONG_EMAIL_HOST", "")
EMAIL_PORT = int(os.environ.get("ZUGONG_EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("ZUGONG_EMAIL_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("ZUGONG_EMAIL_PASSWORD", "")
EMAIL_USE_TLS = os.environ.get("ZUGONG_EMAIL_TLS") == "1"
EMAIL_USE_SSL = os.environ.get("ZUGONG_EMAIL_SSL") == "1"
EMAIL_TIMEOUT = 20
DEFAULT_FROM_EMAIL = os.environ.get("ZUGONG_EMAIL_FROM", "zugong@localhost")
# The platform's address as users reach it, for the links in reminder e-mails (none: the mail names the page).
ZUGONG_SITE_URL = os.environ.get("ZUGONG_SITE_URL", "").rstrip("/")
# Reminders by SMS: a class with send(number, text) (zugong/notifications/sms.py); the default sends nothing.
ZUGONG_SMS_BACKEND = os.environ.get("ZUGONG_SMS_BACKEND", "zugong.notifications.sms.NullBackend")

# Background tasks: rows in the database, run by `zugong db_worker` (django-tasks-db).
TASKS = {"default": {"BACKEND": os.environ.get("ZUGONG_TASK_BACKEND", "django_tasks_db.DatabaseBackend")}}

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
        "rest_framework.authentication.TokenAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["zugong.core.api.ScopedPermission"],
    "DEFAULT_FILTER_BACKENDS": [
        "django_filters.rest_framework.DjangoFilterBackend",
        "rest_framework.filters.OrderingFilter",
    ],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_THROTTLE_RATES": {"token": "10/minute"},
}
SPECTACULAR_SETTINGS = {
    "TITLE": "组工平台 API (zugong)",
    "DESCRIPTION": "党组织、人员等数据的读写接口；所有结果按当前用户的管辖范围过滤。",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
}

# Personal data (core.pii, people.services): how many answers "该公民身份号码已登记" about a number registered
# outside the user's scope a user gets in an hour (beyond it the answer is refused).
PII_DUPLICATE_ANSWERS_PER_HOUR = int(os.environ.get("ZUGONG_PII_DUPLICATE_ANSWERS_PER_HOUR", "20"))

# A filter's empty choice means "any": 全部 (django-filter's default is "---------").
FILTERS_EMPTY_CHOICE_LABEL = "全部"

DJANGO_TABLES2_TEMPLATE = "django_tables2/bootstrap5.html"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
    "loggers": {"axes": {"level": "ERROR"}},
}
