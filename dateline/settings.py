"""Dateline settings, read from the environment, grouped by concern.

Every setting has a safe default for the embedded run (`make run`): SQLite and
media under `var/`, a secret key generated once and kept in `var/secret_key`,
DEBUG off. Production sets DATABASE_URL, REDIS_URL, SECRET_KEY, ALLOWED_HOSTS
and BASE_URL. Every environment variable read here is in README.md's table
(a test holds the two together).
"""

import ipaddress
import json
import os
import secrets
import zoneinfo
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

PROJECT_DIR = Path(__file__).resolve().parent
BASE_DIR = PROJECT_DIR.parent
VAR_DIR = Path(os.environ.get("DATELINE_VAR_DIR", BASE_DIR / "var"))


def env_bool(name, default=False):
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_int(name, default):
    return int(os.environ.get(name, str(default)))


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


# --- The site ----------------------------------------------------------------
DEBUG = env_bool("DEBUG")
SECRET_KEY = os.environ.get("SECRET_KEY") or _embedded_secret_key()
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])
# The public address of the site, used for canonical URLs, share links and
# feeds. Left empty in the embedded run, where the request's host is used.
BASE_URL = os.environ.get("BASE_URL", "").rstrip("/")
WAGTAILADMIN_BASE_URL = BASE_URL or "http://127.0.0.1:8000"
WAGTAIL_SITE_NAME = os.environ.get("SITE_NAME", "Dateline")
# Where editors sign in; configurable so the admin is not at a guessable path.
DATELINE_ADMIN_PATH = os.environ.get("ADMIN_PATH", "admin/").strip("/") + "/"
LANGUAGE_CODE = os.environ.get("LANGUAGE_CODE", "en-us")
TIME_ZONE = os.environ.get("TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True

# --- Applications: the core (news) first, then features, then what they stand on.
# docs/architecture.md has the layers; `make lint` enforces them.
INSTALLED_APPS = [
    "dateline.news",
    "dateline.comments",
    "dateline.distribution",
    "dateline.editorial_checks",
    "dateline.newsroom",
    "dateline.newsletters",
    "dateline.live",
    "dateline.importer",
    "dateline.demo",
    "dateline.caching",
    "dateline.operations",
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
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_tasks",
    "django_tasks_db",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.sitemaps",
]

# --- The request path --------------------------------------------------------
# Outermost first. Ours (dateline.*) each say why they exist.
MIDDLEWARE = [
    # First, so the request id and duration cover every other middleware.
    "dateline.operations.requestlog.RequestLogMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Which database this request reads (replicas for anonymous reads); outside the
    # page cache so its renders read where it says.
    "dateline.operations.replicas.ReplicaReadsMiddleware",
    # Before sessions and auth: a cached page is served without touching either.
    "dateline.caching.middleware.AnonymousPageCacheMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    # Which site a page request is for, from the per-process memo, not a query.
    "dateline.news.sites.RememberedSiteMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # A publication the editorial checks refuse inside Wagtail's own views, as a message.
    "dateline.editorial_checks.middleware.PublishingBlockedMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # The strict CSP and Permissions-Policy of every reader page.
    "dateline.news.middleware.ReaderSecurityHeadersMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
    # Innermost, so it sees a view's database error before Django's 500 handling.
    "dateline.operations.faults.DatabaseUnavailableMiddleware",
    # django-axes wants to be last: it turns a locked-out login into its 429 page.
    "axes.middleware.AxesMiddleware",
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
# Listing pages (front, sections, authors, tags, search).
DATELINE_PAGE_SIZE = env_int("DATELINE_PAGE_SIZE", 12)

# --- Database ----------------------------------------------------------------
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{VAR_DIR / 'dateline.sqlite3'}",
        conn_max_age=env_int("DB_CONN_MAX_AGE", 60),
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
else:
    # A database that does not answer fails fast (503 page) instead of hanging workers.
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault(
        "connect_timeout", env_int("DB_CONNECT_TIMEOUT", 3)
    )
# Streaming replicas (PostgreSQL only) for anonymous readers' pages; writes, editors
# and the request after a write read the primary (dateline/operations/replicas.py).
DATABASE_REPLICA_URLS = env_list("DATABASE_REPLICA_URLS", [])
if DATABASE_REPLICA_URLS and DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    raise ImproperlyConfigured("DATABASE_REPLICA_URLS needs a PostgreSQL DATABASE_URL")
for _number, _url in enumerate(DATABASE_REPLICA_URLS, start=1):
    _replica = dj_database_url.parse(
        _url, conn_max_age=env_int("DB_CONN_MAX_AGE", 60), conn_health_checks=True
    )
    # A replica that does not answer is passed over quickly for the primary.
    _replica.setdefault("OPTIONS", {})["connect_timeout"] = env_int("REPLICA_CONNECT_TIMEOUT", 1)
    # Tests read the one test database through the replica's alias.
    _replica["TEST"] = {"MIRROR": "default"}
    DATABASES[f"replica{_number}"] = _replica
DATELINE_REPLICAS = {
    "aliases": [f"replica{n}" for n in range(1, len(DATABASE_REPLICA_URLS) + 1)],
    # The requests after a write (a POST) from one browser read the primary this long.
    "pin_seconds": env_int("REPLICA_PIN_SECONDS", 15),
    # A replica that did not answer is left alone this long before it is tried again.
    "retry_seconds": env_int("REPLICA_RETRY_SECONDS", 5),
    # Purged pages render from a replica only once it has replayed the purge's WAL
    # position; 0 turns the check off (only to measure what it prevents).
    "lag_check": env_bool("REPLICA_LAG_CHECK", True),
}
if DATABASE_REPLICA_URLS:
    DATABASE_ROUTERS = ["dateline.operations.replicas.ReplicaRouter"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Shared cache, memos and notices (dateline/caching, dateline/operations/redis.py)
# Redis is a shared speed-up: short timeouts, and an outage means cache misses.
REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    _REDIS_OPTIONS = {
        "SOCKET_CONNECT_TIMEOUT": float(os.environ.get("REDIS_CONNECT_TIMEOUT", "0.5")),
        "SOCKET_TIMEOUT": float(os.environ.get("REDIS_TIMEOUT", "0.5")),
    }
    CACHES = {
        name: {
            "BACKEND": "dateline.operations.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": prefix,
            "OPTIONS": dict(_REDIS_OPTIONS),
        }
        for name, prefix in (
            ("default", "dateline"),
            ("renditions", "dateline-renditions"),
            # Rendered fragments of pages (caching/fragments.py), kept apart
            # from the pages and markers so they can be emptied on their own.
            ("fragments", "dateline-fragments"),
        )
    }
else:
    CACHES = {
        # The embedded run's server has several worker processes; a cache on
        # disk is shared by all of them, so a purge in one is seen by the others.
        # diskcache keeps it in SQLite files: a write costs a third of
        # Django's file cache's, and does not list the folder to count entries
        # (docs/caching.md, "The embedded run's shared cache").
        "default": {
            "BACKEND": "dateline.operations.disk_cache.DiskCache",
            "LOCATION": VAR_DIR / "shared-cache",
            "OPTIONS": {"size_limit": env_int("CACHE_SIZE_LIMIT_MB", 1024) * 2**20},
        },
        # Rendered fragments of pages (caching/fragments.py), shared the same way.
        "fragments": {
            "BACKEND": "dateline.operations.disk_cache.DiskCache",
            "LOCATION": VAR_DIR / "shared-fragments",
            "OPTIONS": {"size_limit": env_int("CACHE_SIZE_LIMIT_MB", 1024) * 2**20},
        },
        # Wagtail looks up image renditions on every render; they never change
        # once made, so each process may keep its own copy in memory.
        "renditions": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "TIMEOUT": 600,
            "OPTIONS": {"MAX_ENTRIES": 5000},
        },
    }
# How long a process may use a remembered value (the site, the section menu,
# comment policy overrides) when it cannot hear that one changed (no Redis
# notices); 0 looks them up every time (dateline/caching/memo.py).
DATELINE_MEMO_SECONDS = float(os.environ.get("MEMO_SECONDS", "10"))
DATELINE_HEALTH_CACHE_REQUIRED = env_bool("HEALTH_CACHE_REQUIRED")

# --- Page cache for anonymous readers (dateline/caching, docs/caching.md) -------
DATELINE_PAGE_CACHE = {
    "enabled": env_bool("PAGE_CACHE", True),
    "fresh_seconds": env_int("PAGE_CACHE_FRESH_SECONDS", 300),
    "stale_seconds": env_int("PAGE_CACHE_STALE_SECONDS", 3600),
    # Each process's in-memory copies of the hottest pages (caching/hot.py); 0 turns them off.
    "hot_seconds": env_int("PAGE_CACHE_HOT_SECONDS", 30),
    # Behind deploy/nginx.conf only: cold renders go to the render pool
    # (dateline/caching/render_pool.py); empty: every process renders.
    "render_pool": os.environ.get("PAGE_RENDER_POOL", ""),
    # A reader who finds an out-of-date copy gets it at once while this
    # process renders the new one beside the request (caching/middleware.py).
    "refresh_in_background": env_bool("PAGE_CACHE_REFRESH_IN_BACKGROUND", True),
    # The worker renders the pages a change purged, and after a deploy the
    # most read and most recent pages, before readers ask (caching/warming.py).
    "warm": env_bool("PAGE_CACHE_WARM", True),
    "warm_after_deploy": env_int("PAGE_CACHE_WARM_AFTER_DEPLOY", 500),
    # Rendered fragments kept by revision (caching/fragments.py); 0 turns them off.
    "fragments": env_bool("FRAGMENT_CACHE", True),
}
# The deployed code's name (a commit id); cached pages are keyed by it.
# Empty: a fingerprint of the code's files (caching/keys.py).
DATELINE_RELEASE = os.environ.get("RELEASE", "").strip()
# Fresh anonymous pages also written here for nginx to send as files
# (dateline/caching/files.py, deploy/nginx.conf); empty: off.
DATELINE_PAGE_FILES_DIR = os.environ.get("PAGE_FILES_DIR", "")

# --- Static files and media ----------------------------------------------------
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

# Several app machines share no disk: with S3_BUCKET set, uploads and renditions
# go to that bucket on any S3-compatible store (dateline/operations/objectstore.py,
# docs/media-storage.md) and readers fetch them from S3_MEDIA_URL, never from the app.
S3_BUCKET = os.environ.get("S3_BUCKET", "").strip()
if S3_BUCKET:
    from dateline.operations.objectstore import storage_options

    _s3 = storage_options(
        bucket=S3_BUCKET,
        endpoint_url=os.environ.get("S3_ENDPOINT_URL", "").strip(),
        access_key=os.environ.get("S3_ACCESS_KEY_ID", "").strip(),
        secret_key=os.environ.get("S3_SECRET_ACCESS_KEY", "").strip(),
        region=os.environ.get("S3_REGION", "").strip() or "us-east-1",
        media_url=os.environ.get("S3_MEDIA_URL", "").strip(),
    )
    STORAGES["default"] = {"BACKEND": "dateline.operations.objectstore.MediaStorage", **_s3}
    MEDIA_URL = _s3["OPTIONS"]["media_url"]
    SERVE_MEDIA = False  # the app has no media of its own to serve

# --- Wagtail: the editor, images, documents, search -----------------------------
# Wagtail's database backend, each index write one transaction (dateline/operations/search.py).
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "dateline.operations.search"}}
WAGTAILIMAGES_AVIF_QUALITY = 55
WAGTAILIMAGES_WEBP_QUALITY = 72
WAGTAILIMAGES_JPEG_QUALITY = 78
WAGTAILIMAGES_MAX_UPLOAD_SIZE = 20 * 1024 * 1024
WAGTAILIMAGES_MAX_IMAGE_PIXELS = 64_000_000
WAGTAILIMAGES_EXTENSIONS = ["avif", "gif", "jpg", "jpeg", "png", "webp"]
# Uploaded originals are stored without GPS/XMP/IPTC location metadata.
WAGTAILIMAGES_IMAGE_FORM_BASE = "dateline.operations.uploads.LocationSafeImageForm"
WAGTAILDOCS_EXTENSIONS = ["csv", "pdf", "txt"]
WAGTAIL_ENABLE_UPDATE_CHECK = False
WAGTAIL_ENABLE_WHATS_NEW_BANNER = False
# Wagtail shows editors' avatars from Gravatar by default, which sends a hash
# of each editor's email to a third party; Dateline shows initials instead.
WAGTAIL_GRAVATAR_PROVIDER_URL = None
# A changed slug or a move leaves a redirect from the old address.
WAGTAILREDIRECTS_AUTO_CREATE = True
# The time zones an editor may choose on their account page: every IANA zone.
# Debian's tzdata adds "localtime" (the machine's own zone), a name no browser
# knows: Wagtail's account page would fail on it. Publish times are always
# typed and shown in TIME_ZONE, the newsroom's zone (dateline/news/scheduling.py).
WAGTAIL_USER_TIME_ZONES = sorted(zoneinfo.available_timezones() - {"localtime"})

# --- Security: HTTPS, cookies, sign-in (dateline/operations) -------------------
# Cookies are HTTPS-only unless the embedded run says otherwise.
SECURE_HTTPS = env_bool("SECURE_HTTPS", False)
SESSION_COOKIE_SECURE = SECURE_HTTPS
CSRF_COOKIE_SECURE = SECURE_HTTPS
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
X_FRAME_OPTIONS = "DENY"
if SECURE_HTTPS:
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)
# Load balancers probe over plain HTTP from inside the network.
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]
# Sessions are rows in the database every machine shares (never files on one
# machine's disk): an editor signed in through one machine is signed in on all.
SESSION_ENGINE = "django.contrib.sessions.backends.db"
# Editors' sessions end after SESSION_COOKIE_AGE seconds (default 12 hours).
SESSION_COOKIE_AGE = env_int("SESSION_COOKIE_AGE", 12 * 60 * 60)
SESSION_EXPIRE_AT_BROWSER_CLOSE = env_bool("SESSION_EXPIRE_AT_BROWSER_CLOSE")
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Admin sign-in: after LOGIN_FAILURE_LIMIT wrong passwords for one user name
# from one address, that pair is locked out for LOGIN_LOCKOUT_MINUTES. Attempts
# live in the database, so a Redis outage does not lift the limit.
AUTHENTICATION_BACKENDS = [
    "dateline.operations.auth.WebLoginLockoutBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = env_int("LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("LOGIN_LOCKOUT_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "operations/locked_out.html"
AXES_CLIENT_IP_CALLABLE = "dateline.operations.clientip.client_ip"
# Proxies (addresses or networks) whose X-Forwarded-For is believed, e.g. nginx
# on the same host: TRUSTED_PROXIES=127.0.0.1. Empty: the socket's address is
# the reader's, whatever headers a client sends (dateline/operations/clientip.py).
DATELINE_TRUSTED_PROXIES = env_list("TRUSTED_PROXIES", [])
for _proxy in DATELINE_TRUSTED_PROXIES:
    try:
        ipaddress.ip_network(_proxy, strict=False)
    except ValueError:
        raise ImproperlyConfigured(
            f"TRUSTED_PROXIES: {_proxy!r} is not an IP address or network (e.g. 127.0.0.1)"
        ) from None
# Successful sign-ins are not logged with their address: failed attempts are
# kept only until their cool-off ends, which is the retention we need.
AXES_DISABLE_ACCESS_LOG = True
AXES_VERBOSE = False
# Optional two-factor sign-in: editors set up an authenticator app on their
# account page (Account → More actions → Two-factor sign-in), or an operator
# runs `dateline totp_enrol USERNAME`; from then on the admin asks for its code.
WAGTAILADMIN_USER_LOGIN_FORM = "dateline.operations.twofactor.TwoFactorLoginForm"
OTP_TOTP_ISSUER = WAGTAIL_SITE_NAME

# --- Email: the embedded run writes each message to a file under var/mail/ --------
EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.filebased.EmailBackend")
EMAIL_FILE_PATH = VAR_DIR / "mail"
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS")
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "Dateline <newsroom@localhost>")

# --- Logs: one JSON line per request (dateline.requests) and per record in
# production; LOG_FORMAT=text keeps the readable lines of the embedded run.
LOG_FORMAT = os.environ.get("LOG_FORMAT", "json" if SECURE_HTTPS else "text")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"json": {"()": "dateline.operations.requestlog.JsonFormatter"}},
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            **({"formatter": "json"} if LOG_FORMAT == "json" else {}),
        },
        "requests": {
            "class": "dateline.operations.requestlog.BackgroundStreamHandler",
            "formatter": "json",
        },
    },
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
    "loggers": {
        "dateline.requests": {
            "handlers": ["requests"],
            "level": "INFO" if LOG_FORMAT == "json" else "WARNING",
            "propagate": False,
        },
    },
}

# --- Background work: the worker `make run` starts beside the server -------------
# "database" queues tasks in the database for `dateline worker`; "immediate"
# runs them inside the request (the tests use it).
TASK_BACKENDS = {
    "database": "django_tasks_db.DatabaseBackend",
    "immediate": "django_tasks.backends.immediate.ImmediateBackend",
}
TASKS_BACKEND = os.environ.get("TASKS_BACKEND", "database").strip().lower()
if TASKS_BACKEND not in TASK_BACKENDS:
    raise ImproperlyConfigured(
        f"TASKS_BACKEND={TASKS_BACKEND!r}: choose one of {', '.join(TASK_BACKENDS)}"
    )
TASKS = {"default": {"BACKEND": TASK_BACKENDS[TASKS_BACKEND]}}
# How often the worker publishes due scheduled pages, in seconds.
DATELINE_WORKER_INTERVAL = env_int("WORKER_INTERVAL", 15)
# How much lower the worker's CPU priority is than the servers' (0-19): its
# renders ahead of readers (warming) and sends yield the cores to readers' requests.
DATELINE_WORKER_NICE = env_int("WORKER_NICE", 10)

# --- Newsroom: review workflow notifications (docs/newsroom.md) ------------------
WAGTAILADMIN_NOTIFICATION_FROM_EMAIL = DEFAULT_FROM_EMAIL
WAGTAILADMIN_NOTIFICATION_INCLUDE_SUPERUSERS = env_bool("NOTIFY_SUPERUSERS", False)

# --- Distribution: feeds, sitemaps, structured data (docs/distribution.md) -------
# "full" puts the whole story in feeds; "summary" only the deck and lead image.
DATELINE_FEED_CONTENT = os.environ.get("FEED_CONTENT", "full")
DATELINE_FEED_ITEMS = env_int("FEED_ITEMS", 50)
# Seconds feed readers and caches may reuse a feed or sitemap without asking again.
DATELINE_FEED_MAX_AGE = env_int("FEED_MAX_AGE", 300)
DATELINE_SITEMAP_MAX_AGE = env_int("SITEMAP_MAX_AGE", 900)
DATELINE_SITEMAP_PAGE_SIZE = env_int("SITEMAP_PAGE_SIZE", 2000)

# --- Live coverage (dateline/live, docs/live.md) ---------------------------------
DATELINE_LIVE = {
    # Updates per page of a live page's timeline (older ones are paged).
    "page_size": env_int("LIVE_PAGE_SIZE", 20),
    # Where readers' pages open their stream: `dateline live-stream` behind
    # nginx (deploy/nginx.conf). Empty: pages only poll.
    "stream_url": os.environ.get("LIVE_STREAM_URL", "/live/stream/"),
    # How often a page polls when it cannot stream (no stream process, no
    # Redis, a proxy that buffers), and while its tab is hidden (0: pause).
    "poll_seconds": env_int("LIVE_POLL_SECONDS", 2),
    "hidden_poll_seconds": env_int("LIVE_HIDDEN_POLL_SECONDS", 0),
    # A page with no update for this long ends itself (the worker); 0: never.
    "idle_end_minutes": env_int("LIVE_IDLE_END_MINUTES", 360),
}

# --- Reader comments (dateline/comments, docs/comments.md) -----------------------
COMMENTS_MIN_SECONDS_TO_SUBMIT = env_int("COMMENTS_MIN_SECONDS_TO_SUBMIT", 3)
COMMENTS_FORM_MAX_AGE = env_int("COMMENTS_FORM_MAX_AGE", 24 * 3600)
COMMENTS_LINK_MAX_AGE = env_int("COMMENTS_LINK_MAX_AGE", 3 * 24 * 3600)
COMMENTS_IP_RETENTION_DAYS = env_int("COMMENTS_IP_RETENTION_DAYS", 30)
COMMENTS_TRASH_RETENTION_DAYS = env_int("COMMENTS_TRASH_RETENTION_DAYS", 30)
# {"ip": [[count, seconds], ...], "email": [...]}; COMMENTS_RATE_LIMITS='{"ip": []}' lifts them.
COMMENTS_RATE_LIMITS = json.loads(
    os.environ.get("COMMENTS_RATE_LIMITS")
    or '{"ip": [[5, 60], [60, 3600]], "email": [[3, 60], [30, 86400]]}'
)
COMMENTS_POLICY = {
    "premoderate_all": env_bool("COMMENTS_PREMODERATE_ALL", False),
    "verify_first_time": env_bool("COMMENTS_VERIFY_FIRST_TIME", True),
    "hold_link_count": env_int("COMMENTS_HOLD_LINK_COUNT", 2),
    "close_after_days": int(os.environ["COMMENTS_CLOSE_AFTER_DAYS"])
    if os.environ.get("COMMENTS_CLOSE_AFTER_DAYS")
    else None,
    # None: the shipped list (dateline/comments/data/disallowed_words.txt);
    # COMMENTS_DISALLOWED_WORDS replaces it (set it empty for none).
    "disallowed_words": env_list("COMMENTS_DISALLOWED_WORDS", None),
    # None: the roles in CommentPolicy.reserved_names (admin, moderator, editor…);
    # COMMENTS_RESERVED_NAMES replaces them. Staff names and the site name always count.
    "reserved_names": env_list("COMMENTS_RESERVED_NAMES", None),
}
# "each": a mail per pending comment; "digest": `dateline send_comment_digest` (cron); "off".
COMMENTS_MODERATOR_MAIL = os.environ.get("COMMENTS_MODERATOR_MAIL", "each")

# --- Newsletters (dateline/newsletters, docs/newsletters.md) ---------------------
NEWSLETTERS_BASE_URL = os.environ.get("NEWSLETTERS_BASE_URL", BASE_URL).rstrip("/")
NEWSLETTERS_DOMAIN = os.environ.get("NEWSLETTERS_DOMAIN", "")
NEWSLETTERS_FROM_EMAIL = os.environ.get("NEWSLETTERS_FROM_EMAIL", DEFAULT_FROM_EMAIL)
NEWSLETTERS_RETURN_PATH = os.environ.get("NEWSLETTERS_RETURN_PATH", "")
NEWSLETTERS_UNSUBSCRIBE_MAILTO = os.environ.get("NEWSLETTERS_UNSUBSCRIBE_MAILTO", "")
NEWSLETTERS_BOUNCE_MAILDIR = os.environ.get("NEWSLETTERS_BOUNCE_MAILDIR", "")
# Through SMTP, issues use the same backend in its staged form (backends.py), which
# notes the moment each message is handed over; any other backend is used as it is.
NEWSLETTERS_EMAIL_BACKEND = os.environ.get("NEWSLETTERS_EMAIL_BACKEND") or (
    "dateline.newsletters.backends.StagedSMTPBackend"
    if EMAIL_BACKEND == "django.core.mail.backends.smtp.EmailBackend"
    else EMAIL_BACKEND
)
NEWSLETTERS_RATE = float(os.environ.get("NEWSLETTERS_RATE", "0"))
NEWSLETTERS_BATCH_SIZE = env_int("NEWSLETTERS_BATCH_SIZE", 200)
NEWSLETTERS_TURN_SECONDS = 5  # a worker turn's share for sending; publishing comes between
NEWSLETTERS_MAX_ATTEMPTS = env_int("NEWSLETTERS_MAX_ATTEMPTS", 5)
NEWSLETTERS_RETRY_DELAYS = [
    int(s) for s in env_list("NEWSLETTERS_RETRY_DELAYS", ["60", "300", "1800", "7200"])
]
NEWSLETTERS_BOUNCE_LIMIT = env_int("NEWSLETTERS_BOUNCE_LIMIT", 3)
NEWSLETTERS_CLAIM_TIMEOUT = env_int("NEWSLETTERS_CLAIM_TIMEOUT", 900)
NEWSLETTERS_JOURNAL_DIR = os.environ.get(
    "NEWSLETTERS_JOURNAL_DIR", str(VAR_DIR / "newsletters-journal")
)
NEWSLETTERS_JOURNAL_FSYNC = env_bool("NEWSLETTERS_JOURNAL_FSYNC")
NEWSLETTERS_CONFIRM_MAX_AGE = 7 * 24 * 3600
NEWSLETTERS_CONFIRM_RESEND_SECONDS = env_int("NEWSLETTERS_CONFIRM_RESEND_SECONDS", 3600)
NEWSLETTERS_RATE_LIMITS = json.loads(
    os.environ.get("NEWSLETTERS_RATE_LIMITS")
    or '{"newsletter_ip": [[10, 3600]], "newsletter_mailbox": [[5, 86400]]}'
)
NEWSLETTERS_DKIM = (
    {
        "domain": os.environ.get("NEWSLETTERS_DKIM_DOMAIN", ""),
        "selector": os.environ.get("NEWSLETTERS_DKIM_SELECTOR", "dateline"),
        "key_file": os.environ["NEWSLETTERS_DKIM_KEY_FILE"],
    }
    if os.environ.get("NEWSLETTERS_DKIM_KEY_FILE")
    else None
)
