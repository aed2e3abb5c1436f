"""The one Redis cache backend: django-redis, which a Redis outage cannot take the site down with.

Redis is a shared speed-up, not a source of truth. django-redis's
IGNORE_EXCEPTIONS turns a failed call into a miss (reads) or a no-op
(writes), so pages are rendered without the shared cache instead of failing.
What it does not have is a circuit breaker: a Redis host that has gone silent
(a dead VM, a dropped route) costs a full connect timeout on every call,
several per page. The connection class below adds one: after a failure, this
process stops dialling Redis for `RETRY_AFTER` seconds, so a silent host
costs one short timeout, not one per cache call.

`is_available` tells callers that keep their own fallback (rate limits,
comments/ratelimit.py) whether the last calls reached Redis. The raw redis-py
client, for pub/sub, comes from django-redis's public `get_redis_connection`.
"""

import logging
import threading
import time

import redis
from django.core.cache import caches
from django_redis import get_redis_connection
from django_redis.cache import RedisCache as DjangoRedisCache

logger = logging.getLogger(__name__)

BACKEND = "dateline.operations.redis.RedisCache"
RETRY_AFTER = 5.0  # seconds without dialling Redis after it failed


class _Breaker:
    """One per process: every connection to Redis shares what the last one learned."""

    def __init__(self):
        self.open_until = 0.0
        self._lock = threading.Lock()

    @property
    def is_closed(self):
        return time.monotonic() >= self.open_until

    def trip(self, error):
        with self._lock:
            was_closed = self.is_closed
            self.open_until = time.monotonic() + RETRY_AFTER
        if was_closed:
            logger.warning(
                "cache unavailable, serving without it for %ss: %s",
                RETRY_AFTER,
                type(error).__name__,
            )

    def reset(self):
        self.open_until = 0.0


breaker = _Breaker()
_FAILURES = (redis.ConnectionError, redis.TimeoutError, OSError)


class CircuitBreakingConnection(redis.Connection):
    """A redis-py connection that refuses at once while the breaker is open."""

    def connect(self, *args, **kwargs):
        if not breaker.is_closed:
            raise redis.ConnectionError("Redis is being left alone after a failure")
        try:
            return super().connect(*args, **kwargs)
        except _FAILURES as error:
            breaker.trip(error)
            raise

    def send_packed_command(self, *args, **kwargs):
        try:
            return super().send_packed_command(*args, **kwargs)
        except _FAILURES as error:
            breaker.trip(error)
            raise

    def read_response(self, *args, **kwargs):
        try:
            return super().read_response(*args, **kwargs)
        except _FAILURES as error:
            breaker.trip(error)
            raise


class RedisCache(DjangoRedisCache):
    """django-redis with failures ignored and the breaker on every connection."""

    def __init__(self, server, params):
        options = dict(params.get("OPTIONS", {}))
        options.setdefault("IGNORE_EXCEPTIONS", True)
        pool_kwargs = dict(options.get("CONNECTION_POOL_KWARGS", {}))
        pool_kwargs.setdefault("connection_class", CircuitBreakingConnection)
        options["CONNECTION_POOL_KWARGS"] = pool_kwargs
        super().__init__(server, {**params, "OPTIONS": options})

    @property
    def is_available(self):
        return breaker.is_closed

    def ping(self):
        """Ask Redis directly; raises when it is down (the readiness probe)."""
        self.client.get_client(write=True).ping()

    def incr(self, key, delta=1, version=None):
        result = super().incr(key, delta, version)
        if result is None:
            # What Django raises for a missing key; counters built on the
            # cache (rate limits) start again from zero, failing open.
            raise ValueError(f"Key '{key}' not found (cache unavailable)")
        return result


def client_for(alias="default"):
    """The redis-py client behind a cache alias, or None when that cache is not Redis."""
    if not isinstance(caches[alias], DjangoRedisCache):
        return None
    return get_redis_connection(alias)
