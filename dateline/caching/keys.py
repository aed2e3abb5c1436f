"""Cache keys: one per page variant, and one purge marker per path."""

import hashlib

PREFIX = "pagecache"
SITE_MARKER = f"{PREFIX}:purged:*"


def _digest(text):
    return hashlib.blake2b(text.encode(), digest_size=16).hexdigest()


def path_marker(path):
    """When this path (all its query variants, on every host name) was last purged."""
    return f"{PREFIX}:purged:{_digest(path)}"


def entry_key(host, path, query):
    return f"{PREFIX}:entry:{_digest(host + path + '?' + query)}"


def lock_key(entry):
    return entry + ":lock"
