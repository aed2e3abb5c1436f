"""How long reader pages are cached, and which requests may be served from the cache.

One declarative object, configured from settings (DATELINE_PAGE_CACHE), so
views never decide about caching themselves: a view that must not be cached
says so with Django's `never_cache` or `Cache-Control: private`.
"""

from dataclasses import dataclass, field, fields

from django.conf import settings

_private_query_params = set()


def register_private_query_param(name):
    """A query parameter whose pages belong to one reader (see `private_query_params`)."""
    _private_query_params.add(name)


@dataclass(frozen=True)
class PageCachePolicy:
    enabled: bool = True
    # An entry younger than this is served as it is.
    fresh_seconds: int = 300
    # After that, or after a purge, it is still served for this long while a
    # single request renders the new copy (no stampede).
    stale_seconds: int = 3600
    # What downstream shared caches (nginx, a CDN) are told; browsers always revalidate.
    shared_max_age: int = 1
    statuses: frozenset = frozenset({200, 301, 404, 410})
    # Query parameters that never change a page (campaign and click tracking):
    # left out of the key, so shared links with them still hit the cache.
    # Names ending in "*" are prefixes.
    ignored_query_params: tuple = ("utm_*", "fbclid", "gclid", "mc_cid", "mc_eid", "_ga")
    # How long other requests wait for the first render of a page nobody has cached yet.
    cold_wait_seconds: float = 5.0
    render_lock_seconds: int = 30
    # Each app process also keeps the hottest fresh pages in its own memory
    # and serves them before Django runs (hot.py), for at most this long;
    # purge notices over Redis pub/sub drop them at once. 0 turns this off.
    hot_seconds: int = 30
    hot_entries: int = 256
    hot_bytes: int = 32 * 1024 * 1024
    # Behind deploy/nginx.conf: the internal location that sends a page's
    # first render to the render pool (render_pool.py); empty: render here.
    render_pool: str = ""
    # A reader who finds a copy past its freshness gets it at once while the
    # new one renders beside the requests (refresh.py), instead of rendering
    # it in the reader's request; a new release's pages stand in its previous
    # release's copies meanwhile. Purged copies are not served so (a purge
    # may be a removal). Production turns it on (settings.py).
    refresh_in_background: bool = False
    # The worker renders the paths a change purged before readers ask for
    # them, and after a deploy this many of the most read and most recent
    # pages (warming.py). Production turns it on.
    warm: bool = False
    warm_after_deploy: int = 500
    # Rendered fragments of pages (an article, its metadata, its comments),
    # kept by revision, release and the versions they show (fragments.py);
    # used by the renders this cache misses, and by editors' never.
    fragments: bool = True
    bypass_path_prefixes: tuple = field(default_factory=tuple)
    # Query parameters that make a page one reader's own (the comment they
    # just posted, still held for moderation): such a page is never stored
    # and is marked private. Features add theirs (register_private_query_param).
    private_query_params: tuple = field(default_factory=tuple)

    @classmethod
    def from_settings(cls):
        options = dict(getattr(settings, "DATELINE_PAGE_CACHE", {}))
        known = {f.name for f in fields(cls)}
        unknown = set(options) - known
        if unknown:
            raise ValueError(
                f"Unknown DATELINE_PAGE_CACHE options {sorted(unknown)}; known: {sorted(known)}"
            )
        options["private_query_params"] = tuple(
            sorted(_private_query_params | set(options.get("private_query_params", ())))
        )
        options.setdefault(
            "bypass_path_prefixes",
            ("/" + settings.DATELINE_ADMIN_PATH, settings.STATIC_URL, settings.MEDIA_URL),
        )
        return cls(**options)

    def is_private(self, request):
        return any(name in request.GET for name in self.private_query_params)

    def is_ignored_param(self, name):
        return any(
            name.startswith(rule[:-1]) if rule.endswith("*") else name == rule
            for rule in self.ignored_query_params
        )

    @property
    def entry_lifetime(self):
        return self.fresh_seconds + self.stale_seconds

    def cache_control(self):
        return (
            f"public, max-age=0, s-maxage={self.shared_max_age}, "
            f"stale-while-revalidate={self.stale_seconds}"
        )
