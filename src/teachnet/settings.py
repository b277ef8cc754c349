"""One settings file: every difference between deployments comes from the environment.

Production is the default: DEBUG is off, SECRET_KEY must be given, cookies are secure. The embedded default
(SQLite, tasks in-process) needs no server; `make demo` sets DEBUG and a local secret.
"""

import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent
PROJECT_DIR = BASE_DIR.parent.parent
VAR_DIR = Path(os.environ.get("TEACHNET_VAR_DIR", PROJECT_DIR / "var"))


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG", False)
TESTING = env_bool("TEACHNET_TESTING", False)
SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if DEBUG or TESTING:
        SECRET_KEY = "insecure-local-development-key-do-not-use-in-production"  # noqa: S105
    else:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off (see docs/deployment.md).")

# Keys protecting personal data (ID-card and phone numbers). Derived from SECRET_KEY unless given, so a
# deployment that rotates SECRET_KEY must pin FIELD_ENCRYPTION_KEY first (docs/deployment.md).
FIELD_ENCRYPTION_KEY = os.environ.get("FIELD_ENCRYPTION_KEY", "")
BLIND_INDEX_KEY = os.environ.get("BLIND_INDEX_KEY", "")

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost" if DEBUG or TESTING else "")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_filters",
    "axes",
    "teachnet.core",
    "teachnet.orgs",
    "teachnet.accounts",
    "teachnet.training",
    "teachnet.courses",
    "teachnet.learning",
    "teachnet.reporting",
    "teachnet.notifications",
    "teachnet.duty",
    "teachnet.discussions",
    "teachnet.briefings",
    "teachnet.qa",
    "teachnet.homework",
    "teachnet.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "teachnet.core.middleware.ChineseByDefaultMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "teachnet.urls"
WSGI_APPLICATION = "teachnet.wsgi.application"

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
                "teachnet.core.menu.context_processor",
                "teachnet.core.pagecache.context_processor",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------------------------
# SQLite is the embedded default; WAL lets readers and the writer work at once, the busy timeout makes a
# second writer wait instead of failing with "database is locked".
DEFAULT_SQLITE = f"sqlite:///{VAR_DIR / 'teachnet.sqlite3'}"
DATABASES = {
    "default": dj_database_url.parse(os.environ.get("DATABASE_URL", DEFAULT_SQLITE), conn_max_age=60)
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    VAR_DIR.mkdir(parents=True, exist_ok=True)  # SQLite creates the file, not its folder
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 20,
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=20000;",
    }
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / "test.sqlite3")}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache (login throttles, SMS code throttles) ---------------------------------------------------------
REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}
elif TESTING:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
else:
    # Shared by every gunicorn worker of one machine, unlike the per-process memory cache.
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(VAR_DIR / "cache"),
        }
    }

# Sessions: with Redis (as in production) a request reads its session from the cache and falls back to the
# database, where every session is still written (cached_db), so a restarted or flushed Redis logs nobody
# out. Measured with bench/pages.py (2 cores, gunicorn, 32 connections): a trivial view for a logged-in
# user served 645 requests a second against 474 with database sessions, the learner's workspace 10 % more.
if REDIS_URL:
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"

# --- Accounts ---------------------------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "teachnet.accounts.backends.UsernameOrPhoneBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "teachnet.accounts.validators.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
if TESTING:
    # Tests create many users with passwords; production keeps Django's default (PBKDF2).
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "core:home"
LOGOUT_REDIRECT_URL = "accounts:login"

# django-axes: lock an account after repeated failures, and an IP address likewise, each on its own.
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = float(os.environ.get("AXES_COOLOFF_HOURS", "0.5"))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_IP_FAILURE_LIMIT = int(os.environ.get("AXES_IP_FAILURE_LIMIT", "30"))
AXES_USERNAME_CALLABLE = "teachnet.accounts.backends.axes_username"
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_IPWARE_PROXY_COUNT = int(os.environ.get("PROXY_COUNT", "0"))
AXES_ENABLE_ACCESS_FAILURE_LOG = True
AXES_VERBOSE = False

ACTIVATION_CODE_TTL_DAYS = int(os.environ.get("ACTIVATION_CODE_TTL_DAYS", "30"))
SMS_CODE_TTL_SECONDS = 600
SMS_SENDER = os.environ.get("SMS_SENDER", "teachnet.accounts.sms.ConsoleSender")

# Email notices: printed to the console unless an SMTP server is named (EMAIL_HOST, EMAIL_PORT …).
EMAIL_HOST = os.environ.get("EMAIL_HOST", "")
EMAIL_BACKEND = "django.core.mail.backends.{}.EmailBackend".format("smtp" if EMAIL_HOST else "console")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = os.environ.get("EMAIL_USE_TLS", "") == "1"
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "teachnet <noreply@localhost>")
# The site's own address, for links in emails.
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000")

# --- I18n -----------------------------------------------------------------------------------------------
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("简体中文")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

# --- Static and media -----------------------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", VAR_DIR / "static"))
STATICFILES_DIRS = [BASE_DIR / "static"]
# Front-end packages come from the npm registry (package-lock.json) and are served by the app, never a CDN:
# `make assets` copies the files we use from node_modules into static/vendor/.
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG or TESTING
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = DEBUG or TESTING
# pdf.js ships ES modules (.mjs): browsers run them only when served as JavaScript.
WHITENOISE_MIMETYPES = {".mjs": "text/javascript", ".bcmap": "application/octet-stream"}
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", VAR_DIR / "media"))
# Files holding personal data (exports) live outside MEDIA_ROOT and are only served through a view that
# checks who asks.
PRIVATE_ROOT = Path(os.environ.get("PRIVATE_ROOT", VAR_DIR / "private"))
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
# Course media (core.media): the largest upload of each kind, checked as it arrives; nginx's
# client_max_body_size must allow the largest. ffprobe (Debian's ffmpeg) reads every uploaded video.
MEDIA_MAX_BYTES = {
    "video": int(os.environ.get("MEDIA_MAX_VIDEO_BYTES", str(2 * 1024**3))),
    "pdf": int(os.environ.get("MEDIA_MAX_PDF_BYTES", str(200 * 1024**2))),
    "office": int(os.environ.get("MEDIA_MAX_OFFICE_BYTES", str(50 * 1024**2))),
    "image": int(os.environ.get("MEDIA_MAX_IMAGE_BYTES", str(10 * 1024**2))),
}
MEDIA_MAX_IMAGE_PIXELS = 40_000_000  # 8000 × 5000: a photo; more is a decompression bomb
FFPROBE = os.environ.get("FFPROBE", "ffprobe")
# nginx's internal location for PRIVATE_ROOT (e.g. "/_private/"): when set, nginx sends private files (with
# ranges) once a view has checked who asks; when empty, Django streams them itself (core.http).
PRIVATE_ACCEL_REDIRECT = os.environ.get("PRIVATE_ACCEL_REDIRECT", "")
# `teachnet demo` makes its course's lecture videos this long with ffmpeg (0: no demo course).
DEMO_COURSE_VIDEO_SECONDS = int(os.environ.get("DEMO_COURSE_VIDEO_SECONDS", "0" if TESTING else str(45 * 60)))

# --- Security -------------------------------------------------------------------------------------------
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", not (DEBUG or TESTING))
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SESSION_COOKIE_AGE = 8 * 3600
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if env_bool("BEHIND_TLS_PROXY") else None
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
SECURE_REFERRER_POLICY = "same-origin"

# --- Background work ------------------------------------------------------------------------------------
CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = None
CELERY_TASK_IGNORE_RESULT = True
CELERY_TIMEZONE = TIME_ZONE
# Reminders (notifications.periodic): Celery beat runs them in production; the demo runs `teachnet reminders`.
REMINDER_INTERVAL = int(os.environ.get("REMINDER_INTERVAL", "300"))
CELERY_BEAT_SCHEDULE = {
    "reminders": {"task": "notifications.run_reminders", "schedule": REMINDER_INTERVAL},
}
# Without a broker, core.tasks.run_in_background runs the task in a thread of the web process; tests run it
# inline so they can assert on the result.
TASKS_IN_PROCESS = not REDIS_URL
TASKS_INLINE = TESTING
# Timed jobs for `celery beat`: each is safe to run often (it does its work once).
CELERY_BEAT_SCHEDULE = {
    "homework.notify_due": {"task": "homework.notify_due", "schedule": 3600.0},
}

# --- API ------------------------------------------------------------------------------------------------
REST_FRAMEWORK = {
    # The token first: a call without credentials is a 401 that says how to authenticate (WWW-Authenticate:
    # Token), as the schema documents, rather than the 403 session authentication would answer.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    # JSON bodies; the few endpoints that take a file say multipart/form-data themselves. A form encoding
    # cannot carry null or nested values, so the schema could not promise what a form body means.
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
    "EXCEPTION_HANDLER": "teachnet.core.rest_api.errors.api_exception_handler",
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_SCHEMA_CLASS": "teachnet.core.rest_api.schema.TeachnetAutoSchema",
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "teachnet.core.rest_api.pagination.BoundedLimitOffsetPagination",
    "PAGE_SIZE": 50,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "teachnet API",
    "DESCRIPTION": "The API of the teacher-education alliance platform. Every list is scoped to the caller.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    # The API's own path converters (core.rest_api.routers), as the schema's parameters.
    "PATH_CONVERTER_OVERRIDES": {
        "id": {"type": "integer", "format": "int64", "minimum": 1, "maximum": 2**63 - 1},
        "region": {"type": "string", "pattern": "^[0-9]{6}$"},
    },
    # Several models have a `kind` or `status`; each choice set gets its own name in the schema.
    "ENUM_NAME_OVERRIDES": {
        "CourseStatusEnum": "teachnet.courses.models.Course.Status",
        "ResourceKindEnum": "teachnet.courses.models.Resource.Kind",
        "VersionChangeKindEnum": ["added", "removed", "changed"],
        "SubmissionKindEnum": "teachnet.reporting.models.Kind",
        "NotificationKindEnum": "teachnet.notifications.kinds.Kind",
        "NotificationChannelEnum": "teachnet.notifications.kinds.Channel",
        "DutyQuestionStateEnum": "teachnet.duty.models.Question.State",
        "DutyQuestionEventKindEnum": "teachnet.duty.models.QuestionEvent.Kind",
        "DiscussionBoardKindEnum": "teachnet.discussions.models.Board.Kind",
        "BriefingKindEnum": "teachnet.briefings.models.Kind",
        "BriefingStateEnum": "teachnet.briefings.models.Briefing.State",
        "HomeworkSubmissionStateEnum": "teachnet.homework.models.Submission.State",
        "HomeworkLatePolicyEnum": "teachnet.homework.models.Assignment.LatePolicy",
        "HomeworkEventKindEnum": "teachnet.homework.models.GradingEvent.Kind",
    },
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {"axes": {"level": "WARNING"}},
}

# --- Q&A sessions (ACT-5) -----------------------------------------------------------------------------------
# The live room polls every QA_POLL_SECONDS; each worker looks at the database for a room's changes at most
# every QA_FEED_REFRESH_SECONDS (qa.live, docs/decisions/0009): a message reaches everyone within about 2.5 s.
QA_POLL_SECONDS = float(os.environ.get("QA_POLL_SECONDS", "2"))
QA_FEED_REFRESH_SECONDS = float(os.environ.get("QA_FEED_REFRESH_SECONDS", "0.5"))
QA_PASS_HOURS = 12  # how long a room pass (the feed's read-only credential) lasts
QA_ROOM_OPENS_MINUTES_BEFORE = int(
    os.environ.get("QA_ROOM_OPENS_MINUTES_BEFORE", "60")
)  # questions in advance
QA_NOTIFY_MINUTES_BEFORE = int(os.environ.get("QA_NOTIFY_MINUTES_BEFORE", "30"))
# Presence: the room pings every QA_PRESENCE_PING_SECONDS; pings further apart than the gap start a new
# stretch (a background tab's timers may be slowed to once a minute or a little more).
QA_PRESENCE_PING_SECONDS = 60
QA_PRESENCE_GAP_SECONDS = 150
# --- Homework (ACT-6) ----------------------------------------------------------------------------------
# Learners who have not submitted are told this many days before an assignment's deadline
# (homework.notify_due).
HOMEWORK_DUE_NOTICE_DAYS = int(os.environ.get("HOMEWORK_DUE_NOTICE_DAYS", "2"))

# --- Reporting (REP-3) ----------------------------------------------------------------------------------
ROSTER_MAX_BYTES = int(os.environ.get("ROSTER_MAX_BYTES", str(50 * 1024 * 1024)))
ROSTER_MAX_ROWS = int(os.environ.get("ROSTER_MAX_ROWS", "200000"))
# Approval on PostgreSQL runs this many batches at once, each on its own connection (decision 0006): about
# the database server's cores, up to four; 1 runs them one after another.
ENROLL_WORKERS = int(os.environ.get("ENROLL_WORKERS", str(max(1, min(4, os.cpu_count() or 1)))))

# --- Expert duty (ACT-3) ----------------------------------------------------------------------------------
# A forwarded question unanswered for longer than this is flagged on the provider's and the office's pages.
DUTY_WAIT_WARN_HOURS = int(os.environ.get("DUTY_WAIT_WARN_HOURS", "24"))
# Days short of experts (GP 四.2(2): at least 3 a day) are flagged from today this many days ahead.
DUTY_LOOKAHEAD_DAYS = int(os.environ.get("DUTY_LOOKAHEAD_DAYS", "14"))
# --- Briefings (ACT-4, ACT-7) ---------------------------------------------------------------------------
# Scopes short of their minimum number of briefings are warned this many days before the remote-training
# phase ends (and after it ended).
BRIEFING_WARN_DAYS = int(os.environ.get("BRIEFING_WARN_DAYS", "7"))
