"""Notices over Redis pub/sub, for what each process keeps in its own memory.

Two kinds travel, each on its channel:
- **purges** (`announce`): these paths changed. A purge is first written to
  the shared cache as markers (purge.py), which is what makes it durable;
  the notice makes every process drop its in-memory copies of those pages
  (hot.py) at once instead of serving them until they expire.
- **memo changes** (`announce_memo_change`): a per-process memo (memo.py)
  must be loaded again.

Features with notices of their own publish them on their own channel with
`publish` (live coverage's changes, heard by its stream processes).

Pub/sub delivers at most once. A process that is not subscribed (Redis down,
connection lost) does not trust what it keeps: each subscriber's reset
handler runs whenever the subscription is established or lost, and
`is_listening` says whether notices are arriving now (the subscription is
checked with a ping every `ping_seconds`).

One listener per process (`process_listener()`), in a background thread.
"""

import json
import logging
import threading
import time

from redis.exceptions import RedisError

from dateline.operations.background import PerProcess, start_daemon
from dateline.operations.redis import client_for

from . import keys

logger = logging.getLogger("dateline.caching")

PURGES = f"{keys.PREFIX}:purges"
MEMOS = "dateline:memos"
EVERY_PATH = "*"


def _publish(channel, message, alias):
    client = client_for(alias)
    if client is None:
        return 0
    try:
        return client.publish(channel, message)
    except RedisError as error:
        # What the notice would have dropped expires on its own (hot_seconds,
        # the memo's max age) while processes are not listening.
        logger.warning("notice on %s not sent: %s", channel, type(error).__name__)
        return 0


def publish(channel, message, alias="default"):
    """Send `message` on `channel`; how many subscribers heard it (0 without Redis)."""
    return _publish(channel, message, alias)


def announce(paths, alias="default"):
    """Tell every subscribed process that these paths (or EVERY_PATH) changed."""
    return _publish(PURGES, json.dumps(list(paths)), alias)


def announce_memo_change(name, alias="default"):
    return _publish(MEMOS, name, alias)


class Listener:
    """A subscription to every channel above, in a background thread of this process.

    `on(channel, handler)` calls `handler(data)` for each message on that
    channel; `on_reset(handler)` calls `handler()` whenever the subscription
    is (re)established or lost, since notices may have been missed in between.
    """

    def __init__(self, alias="default", ping_seconds=2.0):
        self.alias = alias
        self.ping_seconds = ping_seconds
        self._handlers = {PURGES: [], MEMOS: []}
        self._reset_handlers = []
        self._heard_at = 0.0  # monotonic time of the last message or pong
        self._stopped = threading.Event()
        self._thread = PerProcess(self._start)

    def on(self, channel, handler):
        if handler not in self._handlers[channel]:
            self._handlers[channel].append(handler)

    def on_reset(self, handler):
        if handler not in self._reset_handlers:
            self._reset_handlers.append(handler)

    @property
    def is_listening(self):
        return time.monotonic() - self._heard_at < 2 * self.ping_seconds + 1

    def ensure_started(self):
        """Start the thread once per process (the server forks its workers)."""
        self._thread.ensure_started()

    def _start(self):
        self._heard_at = 0.0
        self._stopped.clear()
        start_daemon("dateline-notices", self._run)

    def stop(self):
        self._stopped.set()
        self._thread.forget()

    def _reset(self):
        for handler in list(self._reset_handlers):
            handler()

    def _run(self):
        backoff = 0.5
        while not self._stopped.is_set():
            try:
                self._listen()
                backoff = 0.5
            except _NotRedis:
                # The cache is not Redis (any more): nothing to hear. The next
                # `ensure_started()` starts again, should that change.
                self._heard_at = 0.0
                self._reset()
                self._thread.forget()
                return
            except (RedisError, OSError) as error:
                logger.warning("notices unavailable: %s", type(error).__name__)
            self._heard_at = 0.0
            self._reset()
            self._stopped.wait(backoff)
            backoff = min(backoff * 2, 5.0)

    def _listen(self):
        client = client_for(self.alias)
        if client is None:
            raise _NotRedis
        pubsub = client.pubsub()
        try:
            pubsub.subscribe(*self._handlers)
            started = pinged_at = time.monotonic()
            pubsub.ping()
            while not self._stopped.is_set():
                now = time.monotonic()
                if now - max(self._heard_at, started) > 2 * self.ping_seconds + 1:
                    # Pongs are overdue: the connection is gone without an error.
                    raise ConnectionError("no answer from Redis on the notice channels")
                if now - pinged_at >= self.ping_seconds:
                    pubsub.ping()
                    pinged_at = now
                message = pubsub.get_message(timeout=0.5)
                if message is None:
                    continue
                self._heard_at = time.monotonic()
                if message["type"] == "subscribe":
                    # Whatever was kept before this point may have missed a notice.
                    self._reset()
                elif message["type"] == "message":
                    channel = _text(message["channel"])
                    for handler in list(self._handlers.get(channel, ())):
                        handler(_text(message["data"]))
        finally:
            pubsub.close()


class _NotRedis(Exception):
    pass


def _text(value):
    return value.decode("utf-8", "replace") if isinstance(value, bytes) else str(value)


def paths_in(data):
    """The paths a purge notice names; anything unreadable means every path."""
    try:
        paths = json.loads(data)
    except ValueError:
        return [EVERY_PATH]
    if not isinstance(paths, list):
        return [EVERY_PATH]
    return [path for path in paths if isinstance(path, str)]


_process_listener = None
_process_listener_lock = threading.Lock()


def process_listener():
    """This process's one listener (created on first use; started by its users)."""
    global _process_listener
    if _process_listener is None:
        with _process_listener_lock:
            if _process_listener is None:
                _process_listener = Listener()
    return _process_listener
