"""Cache keys: one per page variant, and one purge marker per path."""

import hashlib
from functools import lru_cache
from pathlib import Path

from django.conf import settings

import dateline

PREFIX = "pagecache"
SITE_MARKER = f"{PREFIX}:purged:*"
# The primary's WAL position at the last purge of every page (with read replicas).
SITE_LSN = f"{PREFIX}:purged-lsn:*"
# Where the middleware leaves the entry it served, (CachedPage, outcome), in
# the WSGI environ, for the in-memory tier in front of Django (hot.py).
SERVED_ENTRY = "dateline.page_cache.served"


def _digest(text):
    return hashlib.blake2b(text.encode(), digest_size=16).hexdigest()


def path_marker(path):
    """When this path (all its query variants, on every host name) was last purged."""
    return f"{PREFIX}:purged:{_digest(path)}"


def path_lsn(path):
    """The primary's WAL position when this path was last purged: a replica that has
    not replayed that far would render it as it was before (operations/replicas.py)."""
    return f"{PREFIX}:purged-lsn:{_digest(path)}"


@lru_cache(maxsize=1)
def release():
    """A fingerprint of the code and templates this process runs.

    Stored pages are keyed by it, so after a deploy readers get pages made by
    the new templates at once, not copies made by the old ones. A deploy may
    name its release itself (RELEASE, a commit id): every process of it then
    agrees, whatever the files' times on each machine.
    """
    named = getattr(settings, "DATELINE_RELEASE", "")
    if named:
        return named
    root = Path(dateline.__file__).parent
    digest = hashlib.blake2b(digest_size=8)
    for path in sorted(root.rglob("*")):
        if path.suffix in {".py", ".html", ".css", ".js"} and "tests" not in path.parts:
            stat = path.stat()
            digest.update(f"{path.relative_to(root)}:{stat.st_mtime_ns}:{stat.st_size}".encode())
    return digest.hexdigest()


def entry_key(scheme, host, path, query, release_name=None):
    # The scheme counts: absolute links (canonical, OpenGraph) carry it.
    address = _digest(scheme + "://" + host + path + "?" + query)
    return f"{PREFIX}:entry:{release_name or release()}:{address}"


def lock_key(entry):
    return entry + ":lock"
