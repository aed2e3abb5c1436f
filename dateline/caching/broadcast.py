"""Purge notices over Redis pub/sub, for the copies each process keeps in memory.

A purge is first written to the shared cache as markers (purge.py), which is
what makes it durable. It is then announced on a channel, so every app
process drops its in-memory copies of those paths at once instead of serving
them until they expire. Pub/sub delivers at most once: a process that is not
subscribed (Redis down, connection lost) stops using its in-memory copies
until it is subscribed again, and no copy is kept longer than the policy's
`hot_seconds` whatever happens.
"""

import json
import logging
import os
import threading
import time

from django.core.cache.backends.redis import RedisCache
from redis.exceptions import RedisError

from . import keys

logger = logging.getLogger("dateline.caching")

CHANNEL = f"{keys.PREFIX}:purges"
EVERY_PATH = "*"


def redis_client(backend):
    """The redis-py client behind a Django Redis cache, or None for other backends."""
    if not isinstance(backend, RedisCache):
        return None
    return backend._cache.get_client(None, write=True)


def announce(backend, paths):
    """Tell every subscribed process that these paths (or EVERY_PATH) changed."""
    client = redis_client(backend)
    if client is None:
        return 0
    try:
        return client.publish(CHANNEL, json.dumps(list(paths)))
    except RedisError as error:
        # The markers are already written; a process that misses this notice
        # keeps its copy for at most hot_seconds.
        logger.warning("purge notice not sent: %s", type(error).__name__)
        return 0


class PurgeListener:
    """Subscribes to purge notices in a background thread of this process.

    `on_purge(paths)` is called for each notice and `on_reset()` whenever the
    subscription is (re)established or lost, since notices may have been
    missed in between. `is_listening` says whether notices are arriving now:
    the subscription is checked with a ping every `ping_seconds`.
    """

    def __init__(self, client_factory, on_purge, on_reset, ping_seconds=2.0):
        self.client_factory = client_factory
        self.on_purge = on_purge
        self.on_reset = on_reset
        self.ping_seconds = ping_seconds
        self._heard_at = 0.0  # monotonic time of the last message or pong
        self._pid = None
        self._start_lock = threading.Lock()
        self._stopped = threading.Event()

    @property
    def is_listening(self):
        return time.monotonic() - self._heard_at < 2 * self.ping_seconds + 1

    def ensure_started(self):
        """Start the thread once per process (the server forks its workers)."""
        if self._pid == os.getpid():
            return
        with self._start_lock:
            if self._pid == os.getpid():
                return
            self._heard_at = 0.0
            self._stopped.clear()
            thread = threading.Thread(target=self._run, name="dateline-purge-listener", daemon=True)
            thread.start()
            self._pid = os.getpid()

    def stop(self):
        self._stopped.set()
        self._pid = None

    def _run(self):
        backoff = 0.5
        while not self._stopped.is_set():
            try:
                self._listen()
                backoff = 0.5
            except (RedisError, OSError) as error:
                logger.warning("purge notices unavailable: %s", type(error).__name__)
            self._heard_at = 0.0
            self.on_reset()
            self._stopped.wait(backoff)
            backoff = min(backoff * 2, 5.0)

    def _listen(self):
        pubsub = self.client_factory().pubsub()
        try:
            pubsub.subscribe(CHANNEL)
            started = pinged_at = time.monotonic()
            pubsub.ping()
            while not self._stopped.is_set():
                now = time.monotonic()
                if now - max(self._heard_at, started) > 2 * self.ping_seconds + 1:
                    # Pongs are overdue: the connection is gone without an error.
                    raise ConnectionError("no answer from Redis on the purge channel")
                if now - pinged_at >= self.ping_seconds:
                    pubsub.ping()
                    pinged_at = now
                message = pubsub.get_message(timeout=0.5)
                if message is None:
                    continue
                kind = message["type"]
                if kind == "subscribe":
                    # Whatever was kept before this point may have missed a notice.
                    self.on_reset()
                    self._heard_at = time.monotonic()
                elif kind == "pong":
                    self._heard_at = time.monotonic()
                elif kind == "message":
                    self._heard_at = time.monotonic()
                    self.on_purge(_paths_in(message["data"]))
        finally:
            pubsub.close()


def _paths_in(data):
    try:
        paths = json.loads(data)
    except ValueError:
        return [EVERY_PATH]
    if not isinstance(paths, list):
        return [EVERY_PATH]
    return [path for path in paths if isinstance(path, str)]
