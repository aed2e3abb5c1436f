"""Full-page caching for anonymous readers.

Placed before the session and authentication middleware, so a cached page is
served without touching sessions or the database. Entries are never deleted
by a purge: a purge marks their path as changed, the next request re-renders
it while everyone else keeps getting the previous copy, so a hot page that
changes under load is rendered once, not once per waiting reader.

With `refresh_in_background`, when the copy is only past its freshness or
made by the previous release, not even that one reader waits: it gets the
copy too, and the render runs beside the requests (refresh.py). A purged
page is still rendered by the request that takes the lock (a purge may be a
removal), and the worker renders purged pages before readers ask
(warming.py); its requests carry WARM_REQUEST and always render in the request.
"""

import hashlib
import io
import logging
import time

from django.conf import settings
from django.core.cache import caches
from django.core.handlers.wsgi import WSGIRequest
from django.http import HttpResponse
from django.utils.cache import (
    add_never_cache_headers,
    get_conditional_response,
    patch_cache_control,
    patch_vary_headers,
)
from django.utils.http import http_date, parse_http_date_safe

from dateline.operations import replicas

from . import files, fragments, keys, memo, render_pool, warm_queue
from .policy import PageCachePolicy
from .refresh import refresher

logger = logging.getLogger("dateline.caching")

# Headers that belong to one response only, never to a stored copy.
UNSHARED_HEADERS = {"set-cookie", "vary", "date", "age", "x-cache", "x-accel-expires"}
# The WSGI environ key (never an HTTP header) that marks the worker's warming
# requests (warming.py).
WARM_REQUEST = "dateline.page_cache.warm"
# And the one that marks a process priming itself (warming.prime_process): its
# render is neither served from the cache nor stored.
PRIME_REQUEST = "dateline.page_cache.prime"


class CachedPage:
    """A stored response. The view's own ETag, Last-Modified and Cache-Control
    are kept (feeds and sitemaps set them); pages without them get a body
    hash, the render time and the policy's Cache-Control."""

    __slots__ = ("status", "headers", "body", "rendered_at", "etag", "last_modified")

    def __init__(self, response, rendered_at):
        self.status = response.status_code
        self.headers = [
            (name, value)
            for name, value in response.headers.items()
            if name.lower() not in UNSHARED_HEADERS
        ]
        self.body = response.content
        self.rendered_at = rendered_at
        self.etag = response.get("ETag") or (
            '"' + hashlib.blake2b(self.body, digest_size=12).hexdigest() + '"'
        )
        self.last_modified = parse_http_date_safe(response.get("Last-Modified", "")) or int(
            rendered_at
        )


def cache_backend():
    """The shared cache the pages live in: Redis in production."""
    return caches["default"]


class AnonymousPageCacheMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self.policy = PageCachePolicy.from_settings()
        self.session_cookie = settings.SESSION_COOKIE_NAME
        self.page_files = self.policy.enabled and files.root() is not None
        self.previous_release = None
        if self.policy.enabled:
            self.previous_release, _new = warm_queue.note_release(keys.release())
        if self.page_files:
            # Files written by the previous release's templates go once the
            # release has had its grace to write them again (files.sweep).
            files.note_release()
        if not self.policy.refresh_in_background:
            self.previous_release = None

    def __call__(self, request):
        if request.META.get(PRIME_REQUEST):
            return self.get_response(request)
        if self.policy.is_private(request):
            # One reader's own view of a page: never stored, here or downstream.
            response = self.get_response(request)
            add_never_cache_headers(response)
            patch_cache_control(response, private=True)
            return response
        if not (self.policy.enabled and self._is_anonymous_read(request)):
            response = self.get_response(request)
            if self.session_cookie in request.COOKIES:
                # A signed-in editor's view of a page must never be kept by
                # nginx or a CDN and shown to someone else.
                patch_cache_control(response, private=True, no_cache=True)
            return response

        if self.page_files:
            files.sweeper.ensure_started(self.policy.fresh_seconds)
            files.notices.ensure_started()
        cache = cache_backend()
        host = request.get_host()
        entry_key = keys.entry_key(request.scheme, host, request.path, self._query(request))
        marker_key = keys.path_marker(request.path)
        found = cache.get_many([entry_key, marker_key, keys.SITE_MARKER])
        entry = found.get(entry_key)
        now = time.time()

        warming = request.META.get(WARM_REQUEST, False)
        fresh = entry is not None and self._is_fresh(entry, found, marker_key, now)
        if entry is None and not warming:
            # A new release's copy not made yet: the previous release's will
            # do while it renders (never as fresh), if no change has reached
            # its page since.
            entry = self._previous_release_entry(request, cache, found, marker_key)
        if entry is not None:
            if fresh:
                return self._respond(request, entry, "HIT")
            if not cache.add(keys.lock_key(entry_key), 1, self.policy.render_lock_seconds):
                return self._respond(request, entry, "STALE")
            # The lock is free, but another request may have rendered the page
            # and released it since this one looked: check once more, so a
            # purge under load costs exactly one render.
            found = cache.get_many([entry_key, marker_key, keys.SITE_MARKER])
            latest = found.get(entry_key)
            if latest is not None and self._is_fresh(latest, found, marker_key, time.time()):
                cache.delete(keys.lock_key(entry_key))
                return self._respond(request, latest, "HIT")
            # A purge may be a removal (unpublished, made private, taken down):
            # its page is rendered in this request, never left showing the old
            # copy to a reader who asked after it. A copy past its freshness, or
            # the previous release's, has nothing readers must stop seeing.
            purged = (latest or entry).rendered_at <= max(
                found.get(marker_key, 0), found.get(keys.SITE_MARKER, 0)
            )
            if not (warming or purged) and self._render_in_background(request, cache, entry_key):
                return self._respond(request, latest or entry, "STALE")
            return self._render(request, cache, entry_key, locked=True)

        if (
            not warming  # the worker renders its own: no nginx stands in front of it
            and self._hands_cold_renders_over(request)
            and not cache.get(keys.lock_key(entry_key))
        ):
            # Nobody is rendering it yet: the render pool will (render_pool.py).
            return render_pool.hand_over(self.policy.render_pool)
        if cache.add(keys.lock_key(entry_key), 1, self.policy.render_lock_seconds):
            return self._render(request, cache, entry_key, locked=True)
        # Someone else is rendering this page for the first time: wait for it,
        # as long as their lock stands. No lock either means the cache itself
        # is unavailable (Redis down), and then every request renders for itself.
        lock_key = keys.lock_key(entry_key)
        deadline = now + self.policy.cold_wait_seconds
        while time.time() < deadline:
            found = cache.get_many([entry_key, lock_key])
            if entry_key in found:
                return self._respond(request, found[entry_key], "HIT")
            if lock_key not in found:
                break
            time.sleep(0.05)
        return self._render(request, cache, entry_key, locked=False)

    def _hands_cold_renders_over(self, request):
        return bool(self.policy.render_pool) and not render_pool.is_from_pool(request)

    def _previous_release_entry(self, request, cache, found, marker_key):
        if self.previous_release is None:
            return None
        key = keys.entry_key(
            request.scheme,
            request.get_host(),
            request.path,
            self._query(request),
            release_name=self.previous_release,
        )
        entry = cache.get(key)
        purged_at = max(found.get(marker_key, 0), found.get(keys.SITE_MARKER, 0))
        if entry is None or entry.rendered_at <= purged_at:
            return None
        return entry

    def _render_in_background(self, request, cache, entry_key):
        """Hand this page's render (its lock held) to the refresher; False if it cannot."""
        if not self.policy.refresh_in_background:
            return False
        environ = dict(request.environ)
        environ["wsgi.input"] = io.BytesIO()
        copy = WSGIRequest(environ)
        return refresher.submit(lambda: self._render(copy, cache, entry_key, locked=True))

    def _is_fresh(self, entry, found, marker_key, now):
        purged_at = max(found.get(marker_key, 0), found.get(keys.SITE_MARKER, 0))
        return entry.rendered_at > purged_at and now - entry.rendered_at < self.policy.fresh_seconds

    def _is_anonymous_read(self, request):
        return (
            request.method in ("GET", "HEAD")
            and self.session_cookie not in request.COOKIES
            and "HTTP_AUTHORIZATION" not in request.META
            and not request.path.startswith(self.policy.bypass_path_prefixes)
        )

    def _query(self, request):
        return "&".join(
            f"{name}={value}"
            for name, values in sorted(request.GET.lists())
            if not self.policy.is_ignored_param(name)
            for value in values
        )

    def _render(self, request, cache, entry_key, locked):
        # The render's start time is what counts: a purge that lands while
        # this render runs must still mark its result as out of date.
        started = time.time()
        memo_changes = memo.changes_seen()
        if replicas.enabled():
            # A replica that has not replayed this path's last purge renders it as
            # it was before: such a render reads the primary (operations/replicas.py).
            purged = cache.get_many([keys.path_lsn(request.path), keys.SITE_LSN])
            replicas.require_lsn(max(purged.values(), default=None))
        try:
            response = self.get_response(request)
            # A page made of stored fragments is as old as its oldest one
            # (fragments.py): dated so, it is never kept past `fresh_seconds`
            # of its content's age, nor across a purge since then.
            started = min(started, getattr(request, fragments.CONTENT_SINCE, None) or started)
            # A memo this render read may have changed before its notice
            # arrived here (memo.py): such a render is served, not stored.
            if self._is_storable(request, response) and memo.changes_seen() == memo_changes:
                entry = CachedPage(response, started)
                cache.set(entry_key, entry, self.policy.entry_lifetime)
                logger.info("rendered %s", request.path)
                if not request.META.get(WARM_REQUEST):
                    warm_queue.note_read(request.scheme, request.get_host(), request.path)
                if self.page_files and files.is_storable(request, response):
                    files.write(
                        cache,
                        request.scheme,
                        request.get_host(),
                        request.path,
                        entry.body,
                        started,
                        files.file_name_for(response),
                    )
                self._decorate(response, entry, "MISS")
            return response
        finally:
            if locked:
                cache.delete(keys.lock_key(entry_key))

    def _is_storable(self, request, response):
        if response.status_code not in self.policy.statuses or response.streaming:
            return False
        if response.cookies or response.has_header("Set-Cookie"):
            return False
        cache_control = response.get("Cache-Control", "").lower()
        if any(word in cache_control for word in ("private", "no-store", "no-cache")):
            return False
        user = getattr(request, "user", None)
        return not (user is not None and user.is_authenticated)

    def _respond(self, request, entry, outcome):
        request.META[keys.SERVED_ENTRY] = (entry, outcome)
        response = HttpResponse(entry.body, status=entry.status)
        for name, value in entry.headers:
            response.headers[name] = value
        self._decorate(response, entry, outcome)
        if outcome == "HIT" and self.page_files and files.is_storable(request, response):
            # Rendered on another machine (or before this machine's files were
            # purged): this machine's nginx sends it as a file from now on.
            files.restore(
                cache_backend(),
                request.scheme,
                request.get_host(),
                request.path,
                entry.body,
                entry.rendered_at,
                files.file_name_for(response),
            )
        if entry.status == 200:
            conditional = get_conditional_response(
                request,
                etag=entry.etag,
                last_modified=int(entry.rendered_at),
                response=response,
            )
            if conditional is not response:
                self._decorate(conditional, entry, outcome)
            return conditional
        return response

    def _decorate(self, response, entry, outcome):
        if not response.has_header("Cache-Control"):
            response.headers["Cache-Control"] = self.policy.cache_control()
        response.headers["X-Cache"] = outcome
        response.headers["Age"] = str(max(0, int(time.time() - entry.rendered_at)))
        if entry.status == 200:
            response.headers["ETag"] = entry.etag
            response.headers["Last-Modified"] = http_date(entry.last_modified)
        # The copy is the same for every anonymous reader; signed-in editors
        # carry a session cookie and never reach it.
        if response.has_header("Vary"):
            vary = [v.strip() for v in response["Vary"].split(",") if v.strip().lower() != "cookie"]
            del response.headers["Vary"]
            if vary:
                patch_vary_headers(response, vary)
