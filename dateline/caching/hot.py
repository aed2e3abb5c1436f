"""Hot pages: fresh cached pages served from each app process's memory, before Django.

Serving a page from the shared cache through Django costs a Redis round
trip plus Django's request, middleware and response objects: a few hundred
microseconds. When a story goes viral almost every request is for a handful
of pages, so each process keeps the pages the middleware has just served as
fresh, ready to send as they are, and answers repeat requests for them in a
few microseconds of Python.

What keeps this correct:
- Only what the middleware served as a fresh hit is kept, with every header
  the whole middleware stack gave it; the request id and Age are made anew.
- Only plain anonymous GETs are answered here (no session cookie, no
  Authorization, no conditional headers); everything else goes to Django.
- A copy is dropped at once by a purge notice (broadcast.py), and is only
  used while this process is subscribed to them; otherwise it expires with
  the shared entry's freshness or after `hot_seconds`, whichever is first.
- Without a Redis cache (the embedded run) there are no notices, so this
  tier is off and every request goes to Django.
"""

import threading
import time
from dataclasses import dataclass

from django.conf import settings

from dateline.operations.redis import client_for
from dateline.operations.requestlog import REQUEST_ID_HEADER, log_request, request_id_for

from . import broadcast, keys
from .policy import PageCachePolicy

# Headers made for one response only; the rest are the same for every reader.
_PER_RESPONSE_HEADERS = {"age", "x-request-id", "date", "server"}
# A response carrying these is never kept: it is not the same for everyone.
_UNSHAREABLE_HEADERS = {"set-cookie", "vary"}
# Requests that Django must answer itself.
_DJANGO_ONLY_HEADERS = ("HTTP_AUTHORIZATION", "HTTP_IF_NONE_MATCH", "HTTP_IF_MODIFIED_SINCE")


@dataclass(frozen=True, slots=True)
class HotCopy:
    status: str
    headers: list
    body: bytes
    path: str
    rendered_at: float  # wall-clock time the page was rendered (for Age)
    expires_at: float  # time.monotonic() after which it is not served


class HotPages:
    """The copies one process keeps: at most `max_entries` and `max_bytes`,
    oldest dropped first. Reads take no lock; writes replace the dict whole."""

    def __init__(self, max_entries, max_bytes):
        self.max_entries = max_entries
        self.max_bytes = max_bytes
        self._copies = {}
        self._lock = threading.Lock()
        self._noticed_at = {}  # path (or EVERY_PATH) -> monotonic time of its last purge notice
        self._reset_at = 0.0

    def __len__(self):
        return len(self._copies)

    def get(self, key):
        copy = self._copies.get(key)
        if copy is not None and copy.expires_at > time.monotonic():
            return copy
        return None

    def keep(self, key, copy, looked_up_at):
        """Keep `copy`, unless a purge notice or a reset came after `looked_up_at`,
        the moment the shared cache was asked: then it may already be out of date."""
        if len(copy.body) > self.max_bytes // 16:
            return False
        with self._lock:
            newest_notice = max(
                self._reset_at,
                self._noticed_at.get(copy.path, 0.0),
                self._noticed_at.get(broadcast.EVERY_PATH, 0.0),
            )
            if looked_up_at <= newest_notice:
                return False
            copies = {k: c for k, c in self._copies.items() if k != key}
            size = sum(len(c.body) for c in copies.values()) + len(copy.body)
            for old_key in list(copies):
                if len(copies) < self.max_entries and size <= self.max_bytes:
                    break
                size -= len(copies.pop(old_key).body)
            copies[key] = copy
            self._copies = copies
        return True

    def purge(self, paths):
        now = time.monotonic()
        paths = set(paths)
        with self._lock:
            noticed = {p: t for p, t in self._noticed_at.items() if now - t < 60}
            noticed.update(dict.fromkeys(paths, now))
            self._noticed_at = noticed
            if broadcast.EVERY_PATH in paths:
                self._copies = {}
            else:
                self._copies = {k: c for k, c in self._copies.items() if c.path not in paths}

    def reset(self):
        with self._lock:
            self._reset_at = time.monotonic()
            self._copies = {}


_UNCONFIGURED = object()


class HotPageApplication:
    """WSGI middleware in front of Django's handler (see dateline/wsgi.py).

    It hears purge notices through `listener`: this process's one notice
    listener unless another is given (tests stand in for several processes).
    """

    def __init__(self, application, listener=None):
        self.application = application
        self.listener = listener
        self._configured_for = _UNCONFIGURED
        self._configure_lock = threading.Lock()

    def _configure(self):
        # Settings are read on the first request (Django is set up by then)
        # and again if a test replaces them.
        with self._configure_lock:
            if self._configured_for is getattr(settings, "DATELINE_PAGE_CACHE", None):
                return
            self._configure_from_settings()

    def _configure_from_settings(self):
        policy = PageCachePolicy.from_settings()
        self.enabled = policy.enabled and policy.hot_seconds > 0 and client_for() is not None
        self.policy = policy
        self.session_cookie = settings.SESSION_COOKIE_NAME + "="
        self.pages = HotPages(policy.hot_entries, policy.hot_bytes)
        if self.listener is None:
            self.listener = broadcast.process_listener()
        self.listener.on(broadcast.PURGES, self._purge)
        self.listener.on_reset(self._reset)
        self._configured_for = getattr(settings, "DATELINE_PAGE_CACHE", None)

    def _purge(self, data):
        self.pages.purge(broadcast.paths_in(data))

    def _reset(self):
        self.pages.reset()

    def __call__(self, environ, start_response):
        if self._configured_for is not getattr(settings, "DATELINE_PAGE_CACHE", None):
            self._configure()
        if not self.enabled:
            return self.application(environ, start_response)
        key = self._key(environ)
        if key is None:
            return self.application(environ, start_response)
        self.listener.ensure_started()
        if self.listener.is_listening:
            copy = self.pages.get(key)
            if copy is not None:
                return self._serve(copy, environ, start_response)
        return self._pass_to_django(key, environ, start_response)

    def _key(self, environ):
        """The copy's key, or None when this request is not for the hot tier."""
        if environ["REQUEST_METHOD"] != "GET" or any(h in environ for h in _DJANGO_ONLY_HEADERS):
            return None
        # A substring test can only err towards Django, which parses cookies properly.
        if self.session_cookie in environ.get("HTTP_COOKIE", ""):
            return None
        path = environ.get("SCRIPT_NAME", "") + environ.get("PATH_INFO", "")
        if path.startswith(self.policy.bypass_path_prefixes):
            return None
        return (
            environ.get("HTTP_HOST") or f"{environ['SERVER_NAME']}:{environ['SERVER_PORT']}",
            environ.get("HTTP_X_FORWARDED_HOST", ""),
            environ.get("wsgi.url_scheme", ""),
            environ.get("HTTP_X_FORWARDED_PROTO", ""),
            path,
            environ.get("QUERY_STRING", ""),
        )

    def _serve(self, copy, environ, start_response):
        started = time.monotonic()
        request_id = request_id_for(environ.get("HTTP_X_REQUEST_ID", ""))
        start_response(
            copy.status,
            [
                *copy.headers,
                ("Age", str(max(0, int(time.time() - copy.rendered_at)))),
                (REQUEST_ID_HEADER, request_id),
            ],
        )
        log_request(request_id, "GET", copy.path, None, int(copy.status[:3]), started)
        return [copy.body]

    def _pass_to_django(self, key, environ, start_response):
        looked_up_at = time.monotonic()
        sent = []

        def capture(status, headers, exc_info=None):
            sent[:] = [status, headers]
            return start_response(status, headers, exc_info)

        response = self.application(environ, capture)
        served = environ.get(keys.SERVED_ENTRY)
        if served is not None and served[1] == "HIT" and sent and self.listener.is_listening:
            copy = self._copy_of(served[0], key[4], *sent)
            if copy is not None:
                self.pages.keep(key, copy, looked_up_at)
        return response

    def _copy_of(self, entry, path, status, headers):
        if int(status[:3]) != entry.status:
            return None
        names = {name.lower() for name, _ in headers}
        if names & _UNSHAREABLE_HEADERS:
            return None
        fresh_for = entry.rendered_at + self.policy.fresh_seconds - time.time()
        lifetime = min(fresh_for, self.policy.hot_seconds)
        if lifetime <= 0:
            return None
        return HotCopy(
            status=status,
            headers=[(n, v) for n, v in headers if n.lower() not in _PER_RESPONSE_HEADERS],
            body=entry.body,
            path=_readable(path),
            rendered_at=entry.rendered_at,
            expires_at=time.monotonic() + lifetime,
        )


def _readable(path):
    # WSGI gives the path as bytes decoded as latin-1; Django's request.path is UTF-8.
    return path.encode("latin-1").decode("utf-8", "replace")
