"""What warming keeps in Redis: the paths waiting to be rendered, who reads, and releases.

- **The queue** (a sorted set, so a path waits once however often it is
  purged): paths a change purged, scored by when they were queued; after a
  deploy, the pages to re-warm, scored after every change's paths.
- **Reads**: each path's last render for a reader (a page read since its copy
  went out of date), the traffic signal warming orders by. Hits cost nothing
  here: only renders are noted, and a page that is read is rendered again at
  least every `fresh_seconds`.
- **Origins**: the scheme and host readers use (`https://news.example.org`,
  or a bench's `http://127.0.0.1:port`), as cached copies are kept per host.
- **Releases**: the current and previous release, so a new release's
  processes can stand in the previous release's copies while theirs render.

Warming is a speed-up: without Redis (the embedded run) or while it is down,
every function here does nothing and returns nothing.
"""

import logging
import time

import redis
from django.core.cache import caches

from dateline.operations.redis import client_for

logger = logging.getLogger("dateline.caching")

QUEUE = "pagecache:warm:queue"
READS = "pagecache:warm:reads"
ORIGINS = "pagecache:warm:origins"
RELEASES = "pagecache:releases"
WARMED_RELEASE = "pagecache:warm:release:"
# A deploy's pages come after every change's paths (scores are times).
AFTER_CHANGES = 1e12
READS_KEPT = 10_000


def _key(name):
    # The cache's own prefix, so test runs and sites sharing a Redis stay apart.
    return caches["default"].make_key(name)


def _client():
    return client_for()


def _quietly(default):
    def decorate(func):
        def run(*args, **kwargs):
            client = _client()
            if client is None:
                return default
            try:
                return func(client, *args, **kwargs)
            except redis.RedisError as error:
                logger.warning("page warming: Redis unavailable (%s)", error)
                return default

        run.__name__ = func.__name__
        run.__doc__ = func.__doc__
        return run

    return decorate


@_quietly(None)
def enqueue(client, paths, after_changes=False):
    """Queue `paths`, in their order, ahead of anything queued later. A path already
    waiting keeps its place, or moves up when it is queued again for a change."""
    paths = list(dict.fromkeys(paths))
    if not paths:
        return
    start = AFTER_CHANGES if after_changes else time.time()
    scores = {path: start + rank * 1e-6 for rank, path in enumerate(paths)}
    client.zadd(_key(QUEUE), scores, lt=True)


@_quietly([])
def pop(client, count=1):
    """The next `count` queued paths, taken off the queue (each by one worker only)."""
    return [_text(path) for path, _score in client.zpopmin(_key(QUEUE), count)]


@_quietly(0)
def waiting(client):
    return client.zcard(_key(QUEUE))


@_quietly(None)
def note_read(client, scheme, host, path):
    """A reader's request rendered `path` (or had it rendered beside it)."""
    now = time.time()
    pipe = client.pipeline(transaction=False)
    pipe.zadd(_key(READS), {path: now})
    pipe.zremrangebyrank(_key(READS), 0, -READS_KEPT - 1)
    pipe.hset(_key(ORIGINS), f"{scheme}://{host}", now)
    pipe.execute()


@_quietly([])
def recently_read(client, limit):
    """Paths readers had rendered, the most recent first."""
    return [_text(path) for path in client.zrevrange(_key(READS), 0, limit - 1)]


@_quietly({})
def last_reads(client, paths):
    """{path: time of its last read render} for those of `paths` that have one."""
    scores = client.zmscore(_key(READS), paths) if paths else []
    return {path: score for path, score in zip(paths, scores, strict=True) if score is not None}


@_quietly([])
def origins(client, since):
    """The scheme://host origins readers have used since `since` (a time)."""
    found = client.hgetall(_key(ORIGINS))
    return sorted(_text(origin) for origin, seen in found.items() if float(seen) >= since)


@_quietly((None, True))
def note_release(client, release):
    """Record that a process of `release` started: (the release before it, or None;
    whether `release` has just become the current one). Without Redis every
    process is told its release is new."""
    key = _key(RELEASES)
    current, previous = (
        _text(v) or None if v else None for v in client.hmget(key, "current", "previous")
    )
    if current == release:
        return previous, False
    if previous == release:
        # A process of the release being replaced restarted mid-deploy: it does
        # not turn the clock back, and has no older copies to stand in.
        return None, False
    client.hset(key, mapping={"current": release, "previous": current or ""})
    return current, True


@_quietly(False)
def claim_release_warm(client, release):
    """True for the one caller that is to warm `release` (the first to ask)."""
    return bool(client.set(_key(WARMED_RELEASE + release), 1, nx=True, ex=30 * 86400))


def _text(value):
    return value.decode() if isinstance(value, bytes) else value
