"""A Redis cache that a Redis outage cannot take the site down with.

Redis is a shared speed-up, not a source of truth: when it is down or
unreachable every read is a miss and every write is dropped, so pages are
rendered without the shared cache instead of failing. After one failure the
backend stops asking Redis for a few seconds (a small circuit breaker), so a
host that does not answer costs one short timeout, not one per cache call.
"""

import logging
import time

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from redis.exceptions import RedisError

from dateline.caching.redis import RedisCache

logger = logging.getLogger(__name__)

# The fallback each operation gives while Redis is unavailable, chosen to
# match what Django's cache API returns for a key that is not there.
_MISSING_KEY = object()


class FaultTolerantRedisCache(RedisCache):
    def __init__(self, server, params):
        options = dict(params.get("OPTIONS", {}))
        self.retry_after = float(options.pop("RETRY_AFTER", 5))
        super().__init__(server, {**params, "OPTIONS": options})
        self._down_until = 0.0

    # -- health --------------------------------------------------------------

    @property
    def is_available(self):
        return time.monotonic() >= self._down_until

    def ping(self):
        """Ask Redis directly, bypassing the breaker; raises when it is down."""
        self._cache.get_client(None, write=True).ping()

    def _call(self, operation, fallback, *args, always_try=False, **kwargs):
        if not (always_try or self.is_available):
            return fallback()
        try:
            return getattr(super(), operation)(*args, **kwargs)
        except RedisError as error:
            self._down_until = time.monotonic() + self.retry_after
            logger.warning(
                "cache unavailable, serving without it for %ss: %s",
                self.retry_after,
                type(error).__name__,
            )
            return fallback()

    # -- Django's cache API --------------------------------------------------

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call("add", lambda: False, key, value, timeout, version)

    def get(self, key, default=None, version=None):
        return self._call("get", lambda: default, key, default, version)

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call("set", lambda: None, key, value, timeout, version)

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call("touch", lambda: False, key, timeout, version)

    def delete(self, key, version=None):
        return self._call("delete", lambda: False, key, version)

    def get_many(self, keys, version=None):
        return self._call("get_many", dict, keys, version)

    def has_key(self, key, version=None):
        return self._call("has_key", lambda: False, key, version)

    def incr(self, key, delta=1, version=None):
        result = self._call("incr", lambda: _MISSING_KEY, key, delta, version)
        if result is _MISSING_KEY:
            # What Django raises for a missing key; counters built on the
            # cache (rate limits) start again from zero, failing open.
            raise ValueError(f"Key '{key}' not found (cache unavailable)")
        return result

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        # Page-cache purges are written with set_many: rare, and a purge lost
        # to the breaker would leave readers a stale page, so always try it.
        return self._call("set_many", lambda: list(data), data, timeout, version, always_try=True)

    def delete_many(self, keys, version=None):
        return self._call("delete_many", lambda: None, keys, version)

    def clear(self):
        return self._call("clear", lambda: False)
