"""Cache keys: one per page variant, and one purge marker per path."""

import hashlib
from functools import lru_cache
from pathlib import Path

import dateline

PREFIX = "pagecache"
SITE_MARKER = f"{PREFIX}:purged:*"
# Where the middleware leaves the entry it served, (CachedPage, outcome), in
# the WSGI environ, for the in-memory tier in front of Django (hot.py).
SERVED_ENTRY = "dateline.page_cache.served"


def _digest(text):
    return hashlib.blake2b(text.encode(), digest_size=16).hexdigest()


def path_marker(path):
    """When this path (all its query variants, on every host name) was last purged."""
    return f"{PREFIX}:purged:{_digest(path)}"


@lru_cache(maxsize=1)
def release():
    """A fingerprint of the code and templates this process runs.

    Stored pages are keyed by it, so after a deploy readers get pages made by
    the new templates at once, not copies made by the old ones.
    """
    root = Path(dateline.__file__).parent
    digest = hashlib.blake2b(digest_size=8)
    for path in sorted(root.rglob("*")):
        if path.suffix in {".py", ".html", ".css", ".js"} and "tests" not in path.parts:
            stat = path.stat()
            digest.update(f"{path.relative_to(root)}:{stat.st_mtime_ns}:{stat.st_size}".encode())
    return digest.hexdigest()


def entry_key(scheme, host, path, query):
    # The scheme counts: absolute links (canonical, OpenGraph) carry it.
    return f"{PREFIX}:entry:{release()}:{_digest(scheme + '://' + host + path + '?' + query)}"


def lock_key(entry):
    return entry + ":lock"
