"""Dateline settings, read from the environment.

Every setting has a safe default for the embedded run (`make run`): SQLite and
media under `var/`, a secret key generated once and kept in `var/secret_key`,
DEBUG off. Production sets DATABASE_URL, REDIS_URL, SECRET_KEY, ALLOWED_HOSTS
and BASE_URL; see README.md.
"""

import os
import secrets
from pathlib import Path

import dj_database_url

PROJECT_DIR = Path(__file__).resolve().parent
BASE_DIR = PROJECT_DIR.parent
VAR_DIR = Path(os.environ.get("DATELINE_VAR_DIR", BASE_DIR / "var"))


def env_bool(name, default=False):
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name, default):
    value = os.environ.get(name)
    if value is None:
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


def _embedded_secret_key():
    """A key generated on first run and kept beside the embedded database.

    It is never committed, and survives restarts so sessions stay valid.
    """
    key_file = VAR_DIR / "secret_key"
    if key_file.exists():
        return key_file.read_text().strip()
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(50)
    key_file.write_text(key)
    key_file.chmod(0o600)
    return key


DEBUG = env_bool("DEBUG")
SECRET_KEY = os.environ.get("SECRET_KEY") or _embedded_secret_key()
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

# The public address of the site, used for canonical URLs, share links and
# feeds. Left empty in the embedded run, where the request's host is used.
BASE_URL = os.environ.get("BASE_URL", "").rstrip("/")
WAGTAILADMIN_BASE_URL = BASE_URL or "http://127.0.0.1:8000"
WAGTAIL_SITE_NAME = os.environ.get("SITE_NAME", "Dateline")
# How long another process may keep answering with a site an administrator
# has since edited (dateline/news/sites.py); 0 looks the site up every time.
DATELINE_SITE_MEMO_SECONDS = float(os.environ.get("SITE_MEMO_SECONDS", "10"))

INSTALLED_APPS = [
    "dateline.news",
    "dateline.caching",
    "dateline.comments",
    "dateline.demo",
    "dateline.checks",
    "dateline.importer",
    "wagtail.contrib.redirects",
    "wagtail.contrib.routable_page",
    "wagtail.contrib.settings",
    "wagtail.embeds",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    "django_filters",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Before sessions and auth: a cached page is served without touching either.
    "dateline.caching.middleware.AnonymousPageCacheMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    # Which site a page request is for, without a query each time (news/sites.py).
    "dateline.news.sites.RememberedSiteMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # A publication the editorial checks refuse, as a message (dateline/checks).
    "dateline.checks.middleware.PublishingBlockedMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "dateline.news.middleware.ReaderSecurityHeadersMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
]

ROOT_URLCONF = "dateline.urls"
WSGI_APPLICATION = "dateline.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PROJECT_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "dateline.news.context_processors.site_chrome",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{VAR_DIR / 'dateline.sqlite3'}",
        conn_max_age=int(os.environ.get("DB_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers keep reading while an editor publishes; the busy
    # timeout makes a second writer wait instead of failing at once.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "timeout": 20,
        "transaction_mode": "IMMEDIATE",
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "dateline.caching.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "dateline",
        },
        "renditions": {
            "BACKEND": "dateline.caching.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "dateline-renditions",
        },
    }
else:
    CACHES = {
        # The embedded run's server has several worker processes; a cache on
        # disk is shared by all of them, so a purge in one is seen by the others.
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": VAR_DIR / "cache",
            "OPTIONS": {"MAX_ENTRIES": 20000},
        },
        # Wagtail looks up image renditions on every render; they never change
        # once made, so each process may keep its own copy in memory.
        "renditions": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "TIMEOUT": 600,
            "OPTIONS": {"MAX_ENTRIES": 5000},
        },
    }

# Full-page caching for anonymous readers (dateline/caching/policy.py).
# Fresh anonymous pages also written here for nginx to send as files
# (dateline/caching/files.py, deploy/nginx.conf); empty: off.
DATELINE_PAGE_FILES_DIR = os.environ.get("PAGE_FILES_DIR", "")
DATELINE_PAGE_CACHE = {
    "enabled": env_bool("PAGE_CACHE", True),
    "fresh_seconds": int(os.environ.get("PAGE_CACHE_FRESH_SECONDS", "300")),
    "stale_seconds": int(os.environ.get("PAGE_CACHE_STALE_SECONDS", "3600")),
}

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = os.environ.get("LANGUAGE_CODE", "en-us")
TIME_ZONE = os.environ.get("TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [PROJECT_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", VAR_DIR / "media"))
# The embedded run serves uploaded media itself; behind nginx set SERVE_MEDIA=0
# and let nginx serve MEDIA_ROOT (deploy/nginx.conf).
SERVE_MEDIA = env_bool("SERVE_MEDIA", True)

STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    # Hashed names (cache-busting) plus gzip and brotli copies, served by WhiteNoise.
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
WHITENOISE_MAX_AGE = 31536000

# Wagtail
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}
WAGTAILIMAGES_AVIF_QUALITY = 55
WAGTAILIMAGES_WEBP_QUALITY = 72
WAGTAILIMAGES_JPEG_QUALITY = 78
WAGTAILIMAGES_MAX_UPLOAD_SIZE = 20 * 1024 * 1024
WAGTAILIMAGES_MAX_IMAGE_PIXELS = 64_000_000
WAGTAILIMAGES_EXTENSIONS = ["avif", "gif", "jpg", "jpeg", "png", "webp"]
WAGTAILDOCS_EXTENSIONS = ["csv", "pdf", "txt"]
WAGTAIL_ENABLE_UPDATE_CHECK = False
WAGTAIL_ENABLE_WHATS_NEW_BANNER = False

# Security. Cookies are HTTPS-only unless the embedded run says otherwise.
SECURE_HTTPS = env_bool("SECURE_HTTPS", False)
SESSION_COOKIE_SECURE = SECURE_HTTPS
CSRF_COOKIE_SECURE = SECURE_HTTPS
SESSION_COOKIE_HTTPONLY = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
X_FRAME_OPTIONS = "DENY"
if SECURE_HTTPS:
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "31536000"))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)

# Email: the embedded run writes each message to a file under var/mail/.
EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.filebased.EmailBackend")
EMAIL_FILE_PATH = VAR_DIR / "mail"
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS")
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "Dateline <newsroom@localhost>")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}

# Listing pages
DATELINE_PAGE_SIZE = int(os.environ.get("DATELINE_PAGE_SIZE", "12"))

# Where editors sign in; configurable so the admin is not at a guessable path.
DATELINE_ADMIN_PATH = os.environ.get("ADMIN_PATH", "admin/").strip("/") + "/"

# Distribution: feeds, sitemaps, structured data and oEmbed (docs/distribution.md).
INSTALLED_APPS += ["django.contrib.sitemaps", "dateline.distribution"]
# "full" puts the whole story in feeds; "summary" only the deck and lead image.
DATELINE_FEED_CONTENT = os.environ.get("FEED_CONTENT", "full")
DATELINE_FEED_ITEMS = int(os.environ.get("FEED_ITEMS", "50"))
# Seconds feed readers and caches may reuse a feed or sitemap without asking again.
DATELINE_FEED_MAX_AGE = int(os.environ.get("FEED_MAX_AGE", "300"))
DATELINE_SITEMAP_MAX_AGE = int(os.environ.get("SITEMAP_MAX_AGE", "900"))
DATELINE_SITEMAP_PAGE_SIZE = int(os.environ.get("SITEMAP_PAGE_SIZE", "2000"))

# Wagtail shows editors' avatars from Gravatar by default, which sends a hash
# of each editor's email to a third party; Dateline shows initials instead.
WAGTAIL_GRAVATAR_PROVIDER_URL = None

# ---------------------------------------------------------------------------
# Reliability and security (issue 8): dateline/operations and
# docs/reliability-and-security.md. Kept in one block so it merges cleanly.
# ---------------------------------------------------------------------------
from datetime import timedelta  # noqa: E402

INSTALLED_APPS += ["dateline.operations", "axes"]
# First, so the request id and duration cover every other middleware.
MIDDLEWARE.insert(0, "dateline.operations.requestlog.RequestLogMiddleware")
MIDDLEWARE += [
    # Innermost, so it sees a view's database error before Django's 500 handling.
    "dateline.operations.faults.DatabaseUnavailableMiddleware",
    # django-axes wants to be last: it turns a locked-out login into its 429 page.
    "axes.middleware.AxesMiddleware",
]

# Admin sign-in: after AXES_FAILURE_LIMIT wrong passwords for one user name
# from one address, that pair is locked out for LOGIN_LOCKOUT_MINUTES. Attempts
# live in the database, so a Redis outage does not lift the limit.
AUTHENTICATION_BACKENDS = [
    "dateline.operations.auth.WebLoginLockoutBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = int(os.environ.get("LOGIN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = timedelta(minutes=int(os.environ.get("LOGIN_LOCKOUT_MINUTES", "15")))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "operations/locked_out.html"
AXES_CLIENT_IP_CALLABLE = "dateline.operations.clientip.client_ip"
# Successful sign-ins are not logged with their address: failed attempts are
# kept only until their cool-off ends, which is the retention we need.
AXES_DISABLE_ACCESS_LOG = True
AXES_VERBOSE = False

# Optional two-factor sign-in: editors set up an authenticator app on their
# account page (Account → More actions → Two-factor sign-in), or an operator
# runs `dateline totp_enrol USERNAME`; from then on the admin asks for its code.
INSTALLED_APPS += ["django_otp", "django_otp.plugins.otp_totp"]
WAGTAILADMIN_USER_LOGIN_FORM = "dateline.operations.twofactor.TwoFactorLoginForm"
OTP_TOTP_ISSUER = WAGTAIL_SITE_NAME

# Editors' sessions end after SESSION_COOKIE_AGE seconds (default 12 hours).
SESSION_COOKIE_AGE = int(os.environ.get("SESSION_COOKIE_AGE", str(12 * 60 * 60)))
SESSION_EXPIRE_AT_BROWSER_CLOSE = env_bool("SESSION_EXPIRE_AT_BROWSER_CLOSE")
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
# Load balancers probe over plain HTTP from inside the network.
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]

# Uploaded originals are stored without GPS/XMP/IPTC location metadata.
WAGTAILIMAGES_IMAGE_FORM_BASE = "dateline.operations.uploads.LocationSafeImageForm"

# A database that does not answer fails fast (503 page) instead of hanging workers.
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault(
        "connect_timeout", int(os.environ.get("DB_CONNECT_TIMEOUT", "3"))
    )

# Redis is a shared speed-up: short timeouts, and an outage means cache misses.
for _cache in CACHES.values():
    if _cache["BACKEND"] in {
        "django.core.cache.backends.redis.RedisCache",
        "dateline.caching.redis.RedisCache",
    }:
        _cache["BACKEND"] = "dateline.operations.cache.FaultTolerantRedisCache"
        _cache.setdefault("OPTIONS", {}).update(
            socket_connect_timeout=float(os.environ.get("REDIS_CONNECT_TIMEOUT", "0.5")),
            socket_timeout=float(os.environ.get("REDIS_TIMEOUT", "0.5")),
        )
DATELINE_HEALTH_CACHE_REQUIRED = env_bool("HEALTH_CACHE_REQUIRED")

# One JSON line per request (dateline.requests) and per log record in
# production; LOG_FORMAT=text keeps the readable lines of the embedded run.
LOG_FORMAT = os.environ.get("LOG_FORMAT", "json" if SECURE_HTTPS else "text")
LOGGING.setdefault("formatters", {})["json"] = {
    "()": "dateline.operations.requestlog.JsonFormatter"
}
LOGGING["handlers"]["requests"] = {
    "class": "dateline.operations.requestlog.BackgroundStreamHandler",
    "formatter": "json",
}
LOGGING.setdefault("loggers", {})["dateline.requests"] = {
    "handlers": ["requests"],
    "level": "INFO" if LOG_FORMAT == "json" else "WARNING",
    "propagate": False,
}
if LOG_FORMAT == "json":
    LOGGING["handlers"]["console"]["formatter"] = "json"
# Newsroom (issue 4): roles, review workflow, the worker, corrections, change
# log and reader search live in dateline.newsroom (docs/newsroom.md).
INSTALLED_APPS += ["dateline.newsroom", "django_tasks", "django_tasks_db"]

# Background tasks (django_tasks). "database" queues them in the database for
# `dateline worker`, which `make run` starts beside the server; "immediate"
# runs them inside the request (the tests use it).
TASK_BACKENDS = {
    "database": "django_tasks_db.DatabaseBackend",
    "immediate": "django_tasks.backends.immediate.ImmediateBackend",
}
TASKS_BACKEND = os.environ.get("TASKS_BACKEND", "database").strip().lower()
if TASKS_BACKEND not in TASK_BACKENDS:
    from django.core.exceptions import ImproperlyConfigured

    raise ImproperlyConfigured(
        f"TASKS_BACKEND={TASKS_BACKEND!r}: choose one of {', '.join(TASK_BACKENDS)}"
    )
TASKS = {"default": {"BACKEND": TASK_BACKENDS[TASKS_BACKEND]}}
# How often the worker publishes due scheduled pages, in seconds.
DATELINE_WORKER_INTERVAL = int(os.environ.get("WORKER_INTERVAL", "15"))

# Review workflow notifications (submitted, approved, changes requested).
WAGTAILADMIN_NOTIFICATION_FROM_EMAIL = DEFAULT_FROM_EMAIL
WAGTAILADMIN_NOTIFICATION_INCLUDE_SUPERUSERS = env_bool("NOTIFY_SUPERUSERS", False)
# A changed slug or a move leaves a redirect from the old address.
WAGTAILREDIRECTS_AUTO_CREATE = True
# Reader comments (dateline/comments, docs/comments.md).
import json  # noqa: E402 - kept with the comment settings, the only user

COMMENTS_MIN_SECONDS_TO_SUBMIT = int(os.environ.get("COMMENTS_MIN_SECONDS_TO_SUBMIT", "3"))
COMMENTS_FORM_MAX_AGE = int(os.environ.get("COMMENTS_FORM_MAX_AGE", str(24 * 3600)))
COMMENTS_LINK_MAX_AGE = int(os.environ.get("COMMENTS_LINK_MAX_AGE", str(3 * 24 * 3600)))
COMMENTS_IP_RETENTION_DAYS = int(os.environ.get("COMMENTS_IP_RETENTION_DAYS", "30"))
COMMENTS_TRASH_RETENTION_DAYS = int(os.environ.get("COMMENTS_TRASH_RETENTION_DAYS", "30"))
# {"ip": [[count, seconds], ...], "email": [...]}; COMMENTS_RATE_LIMITS='{"ip": []}' lifts them.
COMMENTS_RATE_LIMITS = json.loads(
    os.environ.get("COMMENTS_RATE_LIMITS")
    or '{"ip": [[5, 60], [60, 3600]], "email": [[3, 60], [30, 86400]]}'
)
COMMENTS_POLICY = {
    "premoderate_all": env_bool("COMMENTS_PREMODERATE_ALL", False),
    "verify_first_time": env_bool("COMMENTS_VERIFY_FIRST_TIME", True),
    "hold_link_count": int(os.environ.get("COMMENTS_HOLD_LINK_COUNT", "2")),
    "close_after_days": int(os.environ["COMMENTS_CLOSE_AFTER_DAYS"])
    if os.environ.get("COMMENTS_CLOSE_AFTER_DAYS")
    else None,
    "disallowed_words": env_list("COMMENTS_DISALLOWED_WORDS", []),
}
# "each": a mail per pending comment; "digest": `dateline send_comment_digest` (cron); "off".
COMMENTS_MODERATOR_MAIL = os.environ.get("COMMENTS_MODERATOR_MAIL", "each")
MIDDLEWARE += ["dateline.comments.middleware.PrivateCommentViewMiddleware"]

# WordPress short links (/?p=123) to imported articles (docs/wordpress-import.md).
MIDDLEWARE += ["dateline.importer.middleware.WordPressShortLinkMiddleware"]
