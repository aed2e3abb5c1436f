"""Per-IP and per-email posting limits, counted in Django's cache.

In production the cache is Redis (REDIS_URL), shared by every server process;
the embedded run uses the local-memory cache. Limits are data:
COMMENTS_RATE_LIMITS = {"ip": [(count, seconds), ...], "email": [...]}.

While Redis is down (the fault-tolerant cache answers every call as a miss)
each server process counts attempts in its own memory instead. A limit then
holds once per process: a flood from one address gets a few times the usual
allowance across the site, not an unlimited one, and no reader is refused
because a shared speed-up is missing.
"""

import hashlib
import time

from django.conf import settings
from django.core.cache import cache
from django.core.cache.backends.locmem import LocMemCache

# Shared by the threads of one process; used only while the shared cache is down.
_process_counts = LocMemCache("dateline-rate-limits", {"OPTIONS": {"MAX_ENTRIES": 50000}})


def _bucket_key(kind, identity, seconds, now):
    digest = hashlib.sha256(identity.encode()).hexdigest()[:32]
    return f"comments:rate:{kind}:{digest}:{seconds}:{int(now // seconds)}"


def over_limit(identities, now=None, limits=None):
    """Count one attempt for each (kind, identity); return a reader-facing message
    naming the first limit exceeded, or "" when the post may go ahead."""
    now = now or time.time()
    limits = settings.COMMENTS_RATE_LIMITS if limits is None else limits
    for kind, identity in identities:
        if not identity:
            continue
        for count, seconds in limits.get(kind, ()):
            used = _count_attempt(_bucket_key(kind, identity.lower(), seconds, now), seconds)
            if used > count:
                window = f"{seconds // 60} minutes" if seconds >= 120 else f"{seconds} seconds"
                return (
                    f"You have posted {count} comments in the last {window}, the most we "
                    "accept. Your comment is below; please post it again a little later."
                )
    return ""


def _count_attempt(key, seconds):
    """Attempts in this key's window so far, this one included."""
    used = _increment(cache, key, seconds)
    # The fault-tolerant Redis cache says whether it failed during this call (or
    # is known to be down); a cache without that flag never fails this way.
    if getattr(cache, "is_available", True):
        return used
    return _increment(_process_counts, key, seconds)


def _increment(counts, key, seconds):
    counts.add(key, 0, timeout=seconds + 1)
    try:
        return counts.incr(key)
    except ValueError:  # the key expired between add and incr, or the cache is down
        counts.set(key, 1, timeout=seconds + 1)
        return 1
