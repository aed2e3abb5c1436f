"""Per-IP and per-email posting limits, counted in Django's cache.

In production the cache is Redis (REDIS_URL), shared by every server process;
the embedded run uses the local-memory cache. Limits are data:
COMMENTS_RATE_LIMITS = {"ip": [(count, seconds), ...], "email": [...]}.
"""

import hashlib
import time

from django.conf import settings
from django.core.cache import cache


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
            key = _bucket_key(kind, identity.lower(), seconds, now)
            cache.add(key, 0, timeout=seconds + 1)
            try:
                used = cache.incr(key)
            except ValueError:  # the key expired between add and incr
                cache.set(key, 1, timeout=seconds + 1)
                used = 1
            if used > count:
                window = f"{seconds // 60} minutes" if seconds >= 120 else f"{seconds} seconds"
                return (
                    f"You have posted {count} comments in the last {window}, the most we "
                    "accept. Your comment is below; please post it again a little later."
                )
    return ""
