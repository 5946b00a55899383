"""Settings shared by every environment, read from environment variables with django-environ.

Defaults are embedded so that a fresh clone runs on SQLite and a filesystem Celery broker;
``DATABASE_URL`` and ``CELERY_BROKER_URL`` switch to PostgreSQL and Redis.
"""

import ipaddress
from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = BASE_DIR / "var"

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

SECRET_KEY = env("SECRET_KEY", default="dev-only-insecure-key-change-me")
DEBUG = env.bool("DEBUG", default=False)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]", "testserver"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "salesite.admin_site.SalesiteAdminConfig",  # django.contrib.admin, grouped home
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_filters",
    "django_htmx",
    "django_celery_beat",
    "auditlog",
    "axes",
    "csp",
    "salesite",
    "operations",
    "communication",
    "handover",
    "renovation",
    "feedback",
    "owners",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    # Before anything reads the body: an oversized request is answered 413 unread.
    "salesite.middleware.RequestSizeLimitMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "salesite.middleware.PreferredLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "salesite.middleware.RefuseNulCharactersMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "auditlog.middleware.AuditlogMiddleware",
    # Last, so that a locked-out login is answered before the view runs.
    "axes.middleware.AxesMiddleware",
    # After CSRF and authentication: runs a create form's POST with its one-time token claim.
    "salesite.middleware.OneTimeFormMiddleware",
]

ROOT_URLCONF = "salesite.urls"
WSGI_APPLICATION = "salesite.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "salesite.context_processors.shell",
            ],
        },
    },
]

DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("CONN_MAX_AGE", default=0))
# A persistent connection (CONN_MAX_AGE > 0, or None: unlimited) may have been closed by the
# server or a failover since the last request: check it before reuse instead of answering 500.
DATABASES["default"]["CONN_HEALTH_CHECKS"] = DATABASES["default"]["CONN_MAX_AGE"] != 0
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL and a busy timeout let the web server, worker and beat share the file.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "timeout": 20,
            "init_command": "PRAGMA journal_mode=WAL;",
            # Take the write lock when a transaction starts, so the busy timeout applies;
            # a deferred transaction that later writes fails at once with "database is locked".
            "transaction_mode": "IMMEDIATE",
        }
    )

if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # PostgreSQL's JIT compiles the dashboards' aggregates on every request and costs more
    # than it saves on these short queries (bench/bench_scale.py: 1.36 s -> 0.78 s at HQ scope).
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault("options", "-c jit=off")

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "salesite.User"

AUTHENTICATION_BACKENDS = [
    # django-axes first: it refuses a locked-out login before any other backend is asked.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
    "salesite.access.ProjectRoleBackend",
]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
PASSWORD_RESET_TIMEOUT = 60 * 60 * 24  # seconds a reset link stays valid

# Sessions: front-desk computers are shared, so a login ends with the browser and after a
# working day at most. With SESSION_SAVE_EVERY_REQUEST the age counts from the last request
# (an idle timeout) instead of from the login, at the cost of a session write per request.
SESSION_COOKIE_AGE = env.int("SESSION_COOKIE_AGE", default=8 * 60 * 60)
SESSION_EXPIRE_AT_BROWSER_CLOSE = env.bool("SESSION_EXPIRE_AT_BROWSER_CLOSE", default=True)
SESSION_SAVE_EVERY_REQUEST = env.bool("SESSION_SAVE_EVERY_REQUEST", default=False)
# Sessions live in the database, which every web node shares (a login made on one node is
# valid on the others behind the load balancer).
SESSION_ENGINE = "django.contrib.sessions.backends.db"

# Cache: throttling counters (password reset, public survey pages) live here. Several web
# nodes must share it, e.g. CACHE_URL=redis://redis-host:6379/1 (Django's own Redis backend);
# the default is per process. Login lockouts (django-axes' database handler), owner login codes
# and sessions are in the database, shared already.
CACHES = {"default": env.cache("CACHE_URL", default="locmemcache://salesite")}
if CACHES["default"]["BACKEND"] == "django.core.cache.backends.redis.RedisCache":
    # A Redis that is away must not hang a request: fail in seconds (the throttles then raise
    # and the request is answered 500 rather than held).
    CACHES["default"].setdefault("OPTIONS", {}).setdefault("socket_timeout", 2)
    CACHES["default"]["OPTIONS"].setdefault("socket_connect_timeout", 2)
    CACHES["default"].setdefault("KEY_PREFIX", "salesite")

# A computed dashboard is shown again while no row it counts has changed, for at most this
# many seconds (figures such as "review overdue" move with the clock); 0: always computed
# (salesite.dashboard.snapshots).
DASHBOARD_SNAPSHOT_SECONDS = env.int("DASHBOARD_SNAPSHOT_SECONDS", default=60)

# Language and time (R-X-3)
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = env.path("STATIC_ROOT", default=str(BASE_DIR / "staticfiles"))
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

# Private media (R-X-4): never served by the web server directly, only through
# salesite.attachment_views.attachment_download, which checks that the user may see the owner.
MEDIA_ROOT = env.path("MEDIA_ROOT", default=str(VAR_DIR / "private-media"))
MEDIA_URL = "/private-media/"  # not routed; downloads go through the checking view

# Several web nodes and workers share uploads on S3-compatible object storage (Aliyun OSS,
# Tencent COS, MinIO, AWS S3) once AWS_STORAGE_BUCKET_NAME is set; empty: the local disk
# (MEDIA_ROOT). Objects are private and are streamed to the user by the checking view; no
# signed URL is handed out (salesite.storage.PrivateS3Storage). `manage.py
# move_files_to_storage` copies the files already on the disk into the bucket.
AWS_STORAGE_BUCKET_NAME = env("AWS_STORAGE_BUCKET_NAME", default="")
if AWS_STORAGE_BUCKET_NAME:
    STORAGES["default"] = {
        "BACKEND": "salesite.storage.PrivateS3Storage",
        "OPTIONS": {
            "bucket_name": AWS_STORAGE_BUCKET_NAME,
            # e.g. https://oss-cn-hangzhou.aliyuncs.com, https://cos.ap-shanghai.myqcloud.com,
            # http://minio:9000; empty: AWS S3 itself.
            "endpoint_url": env("AWS_S3_ENDPOINT_URL", default="") or None,
            "region_name": env("AWS_S3_REGION_NAME", default="") or None,
            # Keys from the environment (AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY); empty: boto3
            # looks further (instance role, ~/.aws).
            "access_key": env("AWS_ACCESS_KEY_ID", default="") or None,
            "secret_key": env("AWS_SECRET_ACCESS_KEY", default="") or None,
            # "virtual" (bucket in the host name: Aliyun OSS needs it) or "path" (MinIO).
            "addressing_style": env("AWS_S3_ADDRESSING_STYLE", default="") or None,
            "signature_version": "s3v4",
            "location": env("AWS_LOCATION", default=""),  # a key prefix inside the bucket
            # Private objects; an empty AWS_DEFAULT_ACL sends no ACL (for buckets whose owner
            # enforces ownership and refuses ACL headers; keep such a bucket private).
            "default_acl": env("AWS_DEFAULT_ACL", default="private") or None,
            "file_overwrite": False,
            "querystring_auth": True,
            "querystring_expire": 60,
            # A download is buffered in memory up to this size, on the disk beyond it.
            "max_memory_size": 2 * 1024 * 1024,
        },
    }
ATTACHMENT_MAX_BYTES = env.int("ATTACHMENT_MAX_BYTES", default=10 * 1024 * 1024)
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# Owner-register import (salesite/imports.py): limits that keep a hostile or oversized file
# from holding a worker. The upload form refuses a file over IMPORT_MAX_BYTES; the worker
# refuses more than IMPORT_MAX_ROWS data rows or IMPORT_MAX_COLUMNS header columns, and an
# .xlsx whose zip members unpack to more than IMPORT_MAX_UNCOMPRESSED_BYTES (a zip bomb).
IMPORT_MAX_BYTES = env.int("IMPORT_MAX_BYTES", default=20 * 1024 * 1024)
IMPORT_MAX_ROWS = env.int("IMPORT_MAX_ROWS", default=100_000)
IMPORT_MAX_COLUMNS = env.int("IMPORT_MAX_COLUMNS", default=100)
IMPORT_MAX_UNCOMPRESSED_BYTES = env.int("IMPORT_MAX_UNCOMPRESSED_BYTES", default=300 * 1024 * 1024)
DATA_UPLOAD_MAX_MEMORY_SIZE = 20 * 1024 * 1024
# Largest request body at all, refused with 413 before it is read (RequestSizeLimitMiddleware);
# keep it above the attachment and import limits (IMPORT_MAX_BYTES). The reverse proxy should refuse it first
# (nginx: client_max_body_size).
MAX_REQUEST_BYTES = env.int("MAX_REQUEST_BYTES", default=25 * 1024 * 1024)

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

MESSAGE_TAGS = {40: "danger"}

# Email (notifications go to the in-app inbox and to email)
EMAIL_CONFIG = env.email("EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="Salesite <noreply@salesite.local>")

# SMS gateway: the default backend records each message in the database (the local settings
# also print it to the worker's log: ConsoleSMSBackend).
SMS_BACKEND = env("SMS_BACKEND", default="salesite.notifications.sms.DatabaseSMSBackend")

# Outbox (salesite/outbox.py): attempts per email or SMS before it is marked failed.
OUTBOX_MAX_ATTEMPTS = env.int("OUTBOX_MAX_ATTEMPTS", default=8)

# Celery
# Redis transport options (kept by name so that tests can point a broker at a dead Redis).
REDIS_BROKER_TRANSPORT_OPTIONS = {
    # A message taken by a worker that dies (SIGKILL, OOM, power) is given to another
    # worker after this many seconds. It must exceed the longest task (the owner-register
    # import: up to ~60 s), else a running task is delivered a second time: 300 s gives a
    # 5x margin and re-runs a crashed task within 5 minutes instead of an hour. No task
    # is scheduled with an ETA/countdown beyond it (retries go through the outbox sweep).
    "visibility_timeout": env.int("CELERY_VISIBILITY_TIMEOUT", default=300),
    # How often a worker looks for such messages (kombu's default: every ~100 s).
    "unacked_restore_interval": env.int("CELERY_UNACKED_RESTORE_INTERVAL", default=10),
    "unacked_restore_throttle": 1,
    # Redis socket timeouts: a frozen Redis makes a publish fail in seconds, not hang.
    "socket_timeout": env.float("CELERY_BROKER_SOCKET_TIMEOUT", default=2.0),
    "socket_connect_timeout": env.float("CELERY_BROKER_SOCKET_TIMEOUT", default=2.0),
}
CELERY_BROKER_URL = env(
    "CELERY_BROKER_URL", default=f"filesystem://localhost//{VAR_DIR / 'broker'}"
)
_fs_broker = CELERY_BROKER_URL.startswith("filesystem://")
if _fs_broker:
    _broker_dir = VAR_DIR / "broker"
    # kombu's filesystem transport needs its folders before the first message is sent.
    for _sub in ("out", "processed", "control"):
        (_broker_dir / _sub).mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_broker_dir / "out"),
        "data_folder_out": str(_broker_dir / "out"),
        "processed_folder": str(_broker_dir / "processed"),
        # kombu's default is a "control" folder relative to the working directory.
        "control_folder": str(_broker_dir / "control"),
        "store_processed": False,
        # kombu polls the folder once a second by default and takes one message per poll,
        # so a background import queued behind the demo's mail waited minutes in `make run`.
        "polling_interval": 0.1,
    }
    CELERY_BROKER_URL = "filesystem://"
else:
    CELERY_BROKER_TRANSPORT_OPTIONS = REDIS_BROKER_TRANSPORT_OPTIONS
CELERY_RESULT_BACKEND = env("CELERY_RESULT_BACKEND", default=None)
CELERY_TIMEZONE = TIME_ZONE
CELERY_ENABLE_UTC = True
# At-least-once execution: a message is acknowledged after its task returns, and a task whose
# worker process is killed is put back on the queue (not acknowledged as failed). Every task
# is therefore safe to run twice (ids in, claim or dedupe before acting, see salesite/jobs.py
# and salesite/outbox.py).
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=False)
# django-celery-beat's DatabaseScheduler that sends only while it holds the beat lease in the
# database: a second beat started by mistake (or on a second node) stands by (salesite/beat.py).
CELERY_BEAT_SCHEDULER = "salesite.beat:SingleBeatScheduler"
# Seconds after which a beat that died without releasing the lease is replaced by a standby.
BEAT_LOCK_SECONDS = env.int("BEAT_LOCK_SECONDS", default=30)
# Queues by kind (salesite/task_routes.py): notifications, imports, scheduled, and the default
# "celery" queue, so that a long import or a daily job never delays an SMS.
CELERY_TASK_ROUTES = ("salesite.task_routes.route_task",)
CELERY_TASK_DEFAULT_QUEUE = "celery"
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# Publishing from a web request must fail fast when the broker is down or frozen: the outbox
# and the sweeps deliver later (salesite/queue.py logs the error, never raises it).
CELERY_BROKER_CONNECTION_TIMEOUT = env.float("CELERY_BROKER_SOCKET_TIMEOUT", default=2.0)
# (broker_connection_retry stays on: it governs the worker's reconnection after a Redis
# restart, not publishing; publishing is bounded by the policy below and the socket timeouts,
# measured: a closed port fails in 0.2 s, a frozen Redis in 2.1 s instead of hanging.)
CELERY_TASK_PUBLISH_RETRY = True
CELERY_TASK_PUBLISH_RETRY_POLICY = {
    "max_retries": 1,
    "interval_start": 0,
    "interval_step": 0.2,
    "interval_max": 0.2,
}

# Login throttling (R-X-1): lock a username+IP pair after 5 failures, for 15 minutes.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = 0.25  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
# Failures and lockouts are rows in the database, so every web node sees the same counts.
AXES_HANDLER = "axes.handlers.database.AxesDatabaseHandler"
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"

# The client address (lockouts, reset throttling) is REMOTE_ADDR unless the request comes from
# one of TRUSTED_PROXIES (IPs or networks, comma-separated): only then is X-Forwarded-For read,
# and the client is the address TRUSTED_PROXY_COUNT hops before the proxy's own. Empty: no
# header is trusted, so a client cannot pick its address by sending one.
# salesite.client_ip.client_ip resolves it with django-ipware under these settings.
TRUSTED_PROXIES = [p.strip() for p in env.list("TRUSTED_PROXIES", default=[]) if p.strip()]
for _proxy in TRUSTED_PROXIES:
    try:
        ipaddress.ip_network(_proxy, strict=False)
    except ValueError as exc:  # fail at start, not with a 500 on every login
        raise ImproperlyConfigured(f"TRUSTED_PROXIES: {_proxy!r} is not an IP or network") from exc
AXES_CLIENT_IP_CALLABLE = "salesite.client_ip.client_ip"
AXES_IPWARE_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=1) if TRUSTED_PROXIES else None
AXES_IPWARE_META_PRECEDENCE_ORDER = (
    ("HTTP_X_FORWARDED_FOR", "REMOTE_ADDR") if TRUSTED_PROXIES else ("REMOTE_ADDR",)
)
# ipware's trusted-IP list matches hops inside the header, not the connecting peer, so it cannot
# tell the proxy from a client that forges the header; salesite.client_ip checks the peer.
AXES_IPWARE_PROXY_TRUSTED_IPS = None

# Password reset requests (a mail each): at most this many per hour per address and per client IP.
PASSWORD_RESET_LIMIT_PER_EMAIL = env.int("PASSWORD_RESET_LIMIT_PER_EMAIL", default=3)
PASSWORD_RESET_LIMIT_PER_IP = env.int("PASSWORD_RESET_LIMIT_PER_IP", default=10)

# The site's public address, for links sent outside the site (callback surveys by SMS).
SITE_URL = env("SITE_URL", default="http://127.0.0.1:8000")
# Public survey pages (/s/<token>/, no login): at most this many requests per hour per client IP.
SURVEY_LIMIT_PER_IP = env.int("SURVEY_LIMIT_PER_IP", default=60)

# Content-Security-Policy (django-csp): no inline script or style, no plugins, no framing.
# Pages' scripts are static files (static/js/); data for them comes in json_script blocks.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    },
}

# Audit (R-X-2)
AUDITLOG_INCLUDE_ALL_MODELS = False

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        # A refused request (4xx) on one line, without the traceback of the refusal.
        "refusal_without_traceback": {"()": "salesite.log_filters.RefusalWithoutTraceback"},
    },
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
    "loggers": {
        "axes": {"level": "WARNING"},
        "django.request": {"filters": ["refusal_without_traceback"]},
    },
}

SALESITE_BRAND = _("Salesite 案场物业服务")
