"""zugong settings: one module; DATABASE_URL picks PostgreSQL, the default is SQLite under var/."""

import os
import secrets
from datetime import timedelta
from pathlib import Path

import dj_database_url

# Owner-only files (等保三级 数据保密性): every process that loads these settings — gunicorn's workers, the task
# worker, the scheduler, `zugong` commands, the tests — creates its files 0600 and its directories 0700: the
# SQLite database and its -wal/-shm, var/media (uploads, exports), backups, keys. Set before anything is opened.
os.umask(0o077)

BASE_DIR = Path(__file__).resolve().parent
VAR_DIR = Path(os.environ.get("ZUGONG_VAR", BASE_DIR.parent / "var")).resolve()
VAR_DIR.mkdir(mode=0o700, parents=True, exist_ok=True)
# A var/ made before this (under umask 022) is closed to other users as a whole — only zugong's own directory
# (it holds the secret key or the database), never a shared one such as /tmp that ZUGONG_VAR might name.
_var = VAR_DIR.stat()
if (_var.st_uid == os.getuid() and not _var.st_mode & 0o1000
        and ((VAR_DIR / "secret_key").exists() or (VAR_DIR / "zugong.sqlite3").exists())):
    VAR_DIR.chmod(0o700)


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
    "csp",
    "django_filters",
    "django_tables2",
    "rest_framework",
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
    "zugong.assessment",
    "zugong.training",
    "zugong.service",
    "zugong.talent",
    "zugong.stats",
    "zugong.teams",
    "zugong.workbench",
    "zugong.notifications",
    "zugong.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
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
    "zugong.accounts.middleware.PasswordChangeMiddleware",
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
if os.environ.get("ZUGONG_TESTING") == "1":
    # The tests create thousands of accounts: Argon2 costs about 0.15 s and 100 MB per hash (some 20 minutes
    # of the suite). They hash with MD5 (Django's advice for tests); every stored hash a deployment writes is
    # Argon2 (tests/unit/test_settings_hashers.py checks the settings read without ZUGONG_TESTING).
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher", *PASSWORD_HASHERS]
# Password policy (等保三级): at least 10 characters of three of the four classes, not the user name nor like the
# user's name, no reuse of the last ZUGONG_PASSWORD_HISTORY (5), changed every ZUGONG_PASSWORD_MAX_AGE_DAYS (90;
# 0: never) and at the first login after an administrator set it. Every message in Chinese
# (zugong/accounts/passwords.py).
ZUGONG_PASSWORD_MIN_LENGTH = int(os.environ.get("ZUGONG_PASSWORD_MIN_LENGTH", "10"))
ZUGONG_PASSWORD_HISTORY = int(os.environ.get("ZUGONG_PASSWORD_HISTORY", "5"))
ZUGONG_PASSWORD_MAX_AGE_DAYS = int(os.environ.get("ZUGONG_PASSWORD_MAX_AGE_DAYS", "90"))
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "zugong.accounts.passwords.LengthValidator", "OPTIONS": {"min_length": ZUGONG_PASSWORD_MIN_LENGTH}},
    {"NAME": "zugong.accounts.passwords.CharacterClassesValidator", "OPTIONS": {"min_classes": 3}},
    {"NAME": "zugong.accounts.passwords.NotUsernameValidator"},
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "zugong.accounts.passwords.HistoryValidator", "OPTIONS": {"count": ZUGONG_PASSWORD_HISTORY}},
]
# API tokens (zugong/accounts/tokens.py): stored hashed, valid ZUGONG_TOKEN_DAYS (30) days, revoked when the
# password changes.
ZUGONG_TOKEN_DAYS = int(os.environ.get("ZUGONG_TOKEN_DAYS", "30"))
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

# The audit log stays in the database at least this long before `zugong audit archive` may move it to a file
# (a shorter setting is refused: `core.audit.retention_days`, system check zugong.E001).
ZUGONG_AUDIT_RETENTION_DAYS = int(os.environ.get("ZUGONG_AUDIT_RETENTION_DAYS", "180"))

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
# Content-Security-Policy (django-csp) on every response: scripts only from our own static files (no inline
# <script>, no on…= handlers, no javascript: links: zugong.js binds data-confirm, data-autosubmit, data-back,
# data-select-all; charts read their options from json_script data blocks). Styles allow 'unsafe-inline'
# because the templates, ECharts' tooltips, tom-select and htmx's indicator rule set styles, which run no code.
# data: images are tabler's inline SVG icons (select arrows, check marks).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'", "data:"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    },
}
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
# Uploaded and exported files (var/media) are the owner's only, whatever the umask of the process.
FILE_UPLOAD_PERMISSIONS = 0o600
FILE_UPLOAD_DIRECTORY_PERMISSIONS = 0o700

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

# Background tasks: rows in the database, run by `zugong worker` (django-tasks-db's db_worker).
TASKS = {"default": {"BACKEND": os.environ.get("ZUGONG_TASK_BACKEND", "django_tasks_db.DatabaseBackend")}}
# A running job writes a heartbeat every ZUGONG_JOB_HEARTBEAT_SECONDS; one silent for ZUGONG_JOB_STALE_SECONDS
# whose process is gone is marked failed (后台进程中断) and may be retried (`zugong/core/jobs.py`).
ZUGONG_JOB_HEARTBEAT_SECONDS = float(os.environ.get("ZUGONG_JOB_HEARTBEAT_SECONDS", "15"))
ZUGONG_JOB_STALE_SECONDS = float(os.environ.get("ZUGONG_JOB_STALE_SECONDS", "120"))

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
        "zugong.accounts.tokens.HashedTokenAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["zugong.core.api.ScopedPermission"],
    # Query values the database cannot take answer 400 naming the parameter, not 500 (core/api_params.py).
    "DEFAULT_FILTER_BACKENDS": [
        "zugong.core.api_params.FilterBackend",
        "rest_framework.filters.OrderingFilter",
    ],
    "DEFAULT_PAGINATION_CLASS": "zugong.core.api_params.Pagination",
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "zugong.core.api_schema.AutoSchema",
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
    # ETag on detail reads, If-Match / 412 / 428 on PATCH (no lost updates, `zugong.core.api.VersionedMixin`).
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums", "zugong.core.api.versions_schema_hook",
    ],
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

# Uploads (zugong/core/uploads.py): the largest file of each kind (bytes), the most an .xlsx or a zip may
# unpack to, the largest compression ratio of a zip of forms, the most rows an import reads; uploaded files
# are deleted when their job ends unless ZUGONG_UPLOAD_RETENTION_DAYS keeps them (the nightly cleanup deletes
# them then); an upload waiting for a confirmation (任免审批表 preview) is kept ZUGONG_UPLOAD_PENDING_DAYS.
_MB = 1024 * 1024
ZUGONG_UPLOAD_LIMITS = {"xlsx": 20 * _MB, "csv": 20 * _MB, "lrmx": 20 * _MB, "lrm": 20 * _MB, "pic": 5 * _MB,
                        "zip": 100 * _MB, "photo": 5 * _MB, "document": 20 * _MB, "other": 20 * _MB}
for _kind in list(ZUGONG_UPLOAD_LIMITS):
    if os.environ.get(f"ZUGONG_UPLOAD_MAX_MB_{_kind.upper()}"):
        ZUGONG_UPLOAD_LIMITS[_kind] = int(os.environ[f"ZUGONG_UPLOAD_MAX_MB_{_kind.upper()}"]) * _MB
ZUGONG_UPLOAD_MAX_UNCOMPRESSED = int(os.environ.get("ZUGONG_UPLOAD_MAX_UNCOMPRESSED_MB", "300")) * _MB
ZUGONG_UPLOAD_MAX_RATIO = int(os.environ.get("ZUGONG_UPLOAD_MAX_RATIO", "100"))
ZUGONG_IMPORT_MAX_ROWS = int(os.environ.get("ZUGONG_IMPORT_MAX_ROWS", "100000"))
ZUGONG_UPLOAD_RETENTION_DAYS = int(os.environ.get("ZUGONG_UPLOAD_RETENTION_DAYS", "0"))
ZUGONG_UPLOAD_PENDING_DAYS = int(os.environ.get("ZUGONG_UPLOAD_PENDING_DAYS", "1"))
