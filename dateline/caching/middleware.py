"""Full-page caching for anonymous readers.

Placed before the session and authentication middleware, so a cached page is
served without touching sessions or the database. Entries are never deleted
by a purge: a purge marks their path as changed, the next request re-renders
it while everyone else keeps getting the previous copy, so a hot page that
changes under load is rendered once, not once per waiting reader.
"""

import hashlib
import logging
import time

from django.conf import settings
from django.core.cache import caches
from django.http import HttpResponse
from django.utils.cache import get_conditional_response, patch_cache_control, patch_vary_headers
from django.utils.http import http_date, parse_http_date_safe

from . import files, keys
from .policy import PageCachePolicy

logger = logging.getLogger("dateline.caching")

# Headers that belong to one response only, never to a stored copy.
UNSHARED_HEADERS = {"set-cookie", "vary", "date", "age", "x-cache", "x-accel-expires"}


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
    return caches[getattr(settings, "DATELINE_PAGE_CACHE_ALIAS", "default")]


class AnonymousPageCacheMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self.policy = PageCachePolicy.from_settings()
        self.session_cookie = settings.SESSION_COOKIE_NAME
        self.page_files = self.policy.enabled and files.root() is not None
        if self.page_files:
            # Files written by the previous release's templates must not be
            # sent by nginx after a deploy (the cache keys change the same way).
            files.remove_all()

    def __call__(self, request):
        if not (self.policy.enabled and self._is_anonymous_read(request)):
            response = self.get_response(request)
            if self.session_cookie in request.COOKIES:
                # A signed-in editor's view of a page must never be kept by
                # nginx or a CDN and shown to someone else.
                patch_cache_control(response, private=True, no_cache=True)
            return response

        if self.page_files:
            files.sweeper.ensure_started(self.policy.fresh_seconds)
        cache = cache_backend()
        host = request.get_host()
        entry_key = keys.entry_key(request.scheme, host, request.path, self._query(request))
        marker_key = keys.path_marker(request.path)
        found = cache.get_many([entry_key, marker_key, keys.SITE_MARKER])
        entry = found.get(entry_key)
        now = time.time()

        if entry is not None:
            if self._is_fresh(entry, found, marker_key, now):
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
            return self._render(request, cache, entry_key, locked=True)

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
        try:
            response = self.get_response(request)
            if self._is_storable(request, response):
                entry = CachedPage(response, started)
                cache.set(entry_key, entry, self.policy.entry_lifetime)
                logger.info("rendered %s", request.path)
                if self.page_files and files.is_storable(request, response):
                    files.write(
                        cache, request.scheme, request.get_host(), request.path, entry.body, started
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
        # nginx's own instruction (deploy/nginx.conf); it never reaches readers.
        response.headers["X-Accel-Expires"] = str(self.policy.shared_max_age)
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
