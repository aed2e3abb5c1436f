"""How long reader pages are cached, and which requests may be served from the cache.

One declarative object, configured from settings (DATELINE_PAGE_CACHE), so
views never decide about caching themselves: a view that must not be cached
says so with Django's `never_cache` or `Cache-Control: private`.
"""

from dataclasses import dataclass, field, fields

from django.conf import settings


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
    bypass_path_prefixes: tuple = field(default_factory=tuple)

    @classmethod
    def from_settings(cls):
        options = dict(getattr(settings, "DATELINE_PAGE_CACHE", {}))
        known = {f.name for f in fields(cls)}
        unknown = set(options) - known
        if unknown:
            raise ValueError(
                f"Unknown DATELINE_PAGE_CACHE options {sorted(unknown)}; known: {sorted(known)}"
            )
        options.setdefault(
            "bypass_path_prefixes",
            ("/" + settings.DATELINE_ADMIN_PATH, settings.STATIC_URL, settings.MEDIA_URL),
        )
        return cls(**options)

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
