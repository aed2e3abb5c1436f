"""Purging: mark the paths that show a changed page as out of date.

Which paths show a page is declared by providers: functions that take a page
and yield paths. Every app declares its own with `register_paths_provider`,
from its `AppConfig.ready()`: the news app (the article, its section, the
front page, its tag, author, corrections and archive pages), distribution
(feeds, sitemaps), the newsroom (the change log). This is the one registry;
`purge_paths` and `purge_site` are the one way to purge.
"""

import time

from django.core.exceptions import ObjectDoesNotExist

from dateline.operations import replicas

from . import broadcast, files, keys
from .middleware import cache_backend
from .policy import PageCachePolicy

_providers = []
_listeners = []


def register_paths_provider(provider):
    """Add a function `provider(page) -> iterable of paths` whose paths show `page`."""
    if provider not in _providers:
        _providers.append(provider)
    return provider


def register_purge_listener(listener):
    """Add `listener(paths)`, told after each purge what it marked (None: every path).
    Warming (warming.py) queues those paths for the worker to render."""
    if listener not in _listeners:
        _listeners.append(listener)
    return listener


def _tell_listeners(paths):
    for listener in _listeners:
        listener(paths)


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
    markers = {keys.path_marker(path): now for path in paths}
    lsn = replicas.primary_lsn()
    if lsn is not None:
        markers.update({keys.path_lsn(path): lsn for path in paths})
    backend.set_many(markers, policy.entry_lifetime)
    # After the markers: a page file written meanwhile checks them (files.py).
    files.remove(paths)
    broadcast.announce(paths)
    _tell_listeners(paths)
    return paths


def purge_page(page):
    try:
        paths = paths_showing(page)
    except ObjectDoesNotExist:
        # What showed the page went with it (a whole subtree deleted in one
        # go): nobody can say which paths showed it, so every page is purged.
        purge_site()
        return []
    return purge_paths(paths)


def purge_site():
    """Mark every page as changed: for changes every page shows (the section menu)."""
    policy = PageCachePolicy.from_settings()
    backend = cache_backend()
    markers = {keys.SITE_MARKER: time.time()}
    lsn = replicas.primary_lsn()
    if lsn is not None:
        markers[keys.SITE_LSN] = lsn
    backend.set_many(markers, policy.entry_lifetime)
    files.remove_all()
    broadcast.announce([broadcast.EVERY_PATH])
    _tell_listeners(None)
