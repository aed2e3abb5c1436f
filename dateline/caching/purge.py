"""Purging: mark the paths that show a changed page as out of date.

Which paths show a page is declared by providers: functions that take a page
and yield paths. The news app declares its own (the article, its section, the
front page, its tag and author pages); other apps (feeds, sitemaps) add theirs
with `register_paths_provider`.
"""

import time

from . import broadcast, files, keys
from .middleware import cache_backend
from .policy import PageCachePolicy

_providers = []


def register_paths_provider(provider):
    """Add a function `provider(page) -> iterable of paths` whose paths show `page`."""
    if provider not in _providers:
        _providers.append(provider)
    return provider


def paths_showing(page):
    paths = set()
    for provider in _providers:
        paths.update(path for path in provider(page) if path)
    return sorted(paths)


def purge_paths(paths):
    """Mark these paths (every query variant of each) as changed as of now."""
    paths = list(paths)
    if not paths:
        return []
    policy = PageCachePolicy.from_settings()
    now = time.time()
    backend = cache_backend()
    backend.set_many({keys.path_marker(path): now for path in paths}, policy.entry_lifetime)
    # After the markers: a page file written meanwhile checks them (files.py).
    files.remove(paths)
    broadcast.announce(backend, paths)
    return paths


def purge_page(page):
    return purge_paths(paths_showing(page))


def purge_site():
    """Mark every page as changed: for changes every page shows (the section menu)."""
    policy = PageCachePolicy.from_settings()
    backend = cache_backend()
    backend.set(keys.SITE_MARKER, time.time(), policy.entry_lifetime)
    files.remove_all()
    broadcast.announce(backend, [broadcast.EVERY_PATH])
