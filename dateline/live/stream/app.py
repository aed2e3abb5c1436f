"""The stream process: Server-Sent Events for live pages, as an ASGI application.

`dateline live-stream` serves this with Granian's ASGI interface, behind
nginx (deploy/nginx.conf, buffering off). An open stream costs a coroutine
and a small queue, not a thread, so one process holds thousands of idle
readers; any number of these processes, on any number of machines, hear
every change over Redis pub/sub (changes.CHANNEL), so a reader may be on any
of them and may move to another when one goes away.

    GET /live/stream/<page id>/?since=<n>   (or a Last-Event-ID header)

answers with every change after <n> (from this process's recent frames, or
the database), then each change as it is committed, in order, until the
reader leaves or the coverage ends. A page readers may not see is a 404; a
reader whose cursor is already at the end of ended coverage gets a 204, which
stops a browser's EventSource from retrying. `GET /live/stream/status` says
how many readers this process holds.

While Redis is unreachable, the process reads the numbers of its pages from
the database every second instead, so its readers go on receiving changes,
a second later at worst.
"""

import asyncio
import contextlib
import json
import logging
import os
import re
import time

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dateline.settings")
django.setup()

from asgiref.sync import sync_to_async  # noqa: E402
from django.conf import settings  # noqa: E402
from django.db import close_old_connections  # noqa: E402

from .. import changes  # noqa: E402
from ..models import Coverage  # noqa: E402
from .hub import CLOSE, HEARTBEAT, HEARTBEAT_SECONDS, PageHub, Reader  # noqa: E402

logger = logging.getLogger("dateline.live.stream")

PATH = re.compile(r"^/live/stream/(\d{1,18})/$")
SWEEP_SECONDS = 5.0  # how often the database is asked where active pages stand
SWEEP_SECONDS_WITHOUT_REDIS = 1.0
IDLE_HUB_SECONDS = 300.0  # a page nobody reads is forgotten after this
NOT_FOUND_SECONDS = 5.0  # a page id that is not readable is not looked up again for this long

HEADERS = [
    (b"content-type", b"text/event-stream; charset=utf-8"),
    (b"cache-control", b"no-store"),
    # nginx passes each event on at once (deploy/nginx.conf also turns buffering off).
    (b"x-accel-buffering", b"no"),
    (b"x-content-type-options", b"nosniff"),
]


# --- The database, from a thread --------------------------------------------------------


def _in_thread(function):
    def run(*args):
        close_old_connections()
        try:
            return function(*args)
        finally:
            close_old_connections()

    return sync_to_async(run, thread_sensitive=False)


@_in_thread
def load_page(page_id):
    page = changes.readable_page(page_id)
    if page is None:
        return None
    coverage = Coverage.objects.filter(page=page).first() or Coverage(page=page)
    return coverage.sequence, coverage.state


catch_up = _in_thread(changes.changes_since)


@_in_thread
def where_pages_stand(page_ids):
    rows = Coverage.objects.filter(page_id__in=page_ids).values_list("page_id", "sequence", "state")
    return {page_id: (sequence, state) for page_id, sequence, state in rows}


# --- Pages and their readers -----------------------------------------------------------------


class Hubs:
    def __init__(self):
        self.hubs = {}
        self._loading = {}
        self._missing = {}

    async def get(self, page_id):
        hub = self.hubs.get(page_id)
        if hub is not None:
            return hub
        if self._missing.get(page_id, 0) > time.monotonic():
            return None
        loading = self._loading.get(page_id)
        if loading is None:
            # One database read for a page, however many readers arrive at once.
            loading = self._loading[page_id] = asyncio.ensure_future(load_page(page_id))
        try:
            found = await asyncio.shield(loading)
        finally:
            self._loading.pop(page_id, None)
        if found is None:
            self._missing[page_id] = time.monotonic() + NOT_FOUND_SECONDS
            return None
        hub = self.hubs.get(page_id)
        if hub is None:
            hub = self.hubs[page_id] = PageHub(page_id, *found, catch_up=catch_up)
        return hub

    def receive(self, message):
        try:
            data = json.loads(message)
            hub = self.hubs.get(int(data["page"]))
            event = data["event"]
            int(event["seq"])
        except (ValueError, KeyError, TypeError):
            logger.warning("unreadable live change: %.200r", message)
            return
        if hub is not None:
            hub.receive(event)

    @property
    def readers(self):
        return sum(len(hub.readers) for hub in self.hubs.values())

    def heartbeat(self):
        for hub in self.hubs.values():
            hub.broadcast(HEARTBEAT)

    async def sweep(self):
        """Catch up any page the database is ahead on; forget pages nobody reads."""
        now = time.monotonic()
        for page_id, hub in list(self.hubs.items()):
            if not hub.readers and now - hub.idle_since > IDLE_HUB_SECONDS:
                del self.hubs[page_id]
        active = [page_id for page_id, hub in self.hubs.items() if hub.readers]
        if not active:
            return
        for page_id, (sequence, state) in (await where_pages_stand(active)).items():
            hub = self.hubs.get(page_id)
            if hub is not None:
                hub.behind(sequence, state)


class Listener:
    """This process's subscription to the changes channel (redis.asyncio)."""

    def __init__(self, hubs, url):
        self.hubs = hubs
        self.url = url
        self.listening = False

    async def run(self):
        import redis.asyncio as aioredis
        from redis.exceptions import RedisError

        backoff = 0.5
        while True:
            client = aioredis.from_url(self.url, socket_connect_timeout=2, socket_timeout=10)
            try:
                pubsub = client.pubsub(ignore_subscribe_messages=True)
                await pubsub.subscribe(changes.CHANNEL)
                self.listening, backoff = True, 0.5
                logger.info("listening for live changes")
                heard = pinged = time.monotonic()
                while True:
                    message = await pubsub.get_message(timeout=1.0)
                    now = time.monotonic()
                    if message is not None:
                        heard = now
                        if message["type"] == "message":
                            self.hubs.receive(message["data"])
                    if now - pinged >= 2.0:
                        await pubsub.ping()
                        pinged = now
                    if now - heard > 6.0:
                        raise ConnectionError("no answer from Redis on the live channel")
            except asyncio.CancelledError:
                raise
            except (RedisError, OSError, ConnectionError) as error:
                if self.listening:
                    logger.warning("live changes unavailable (%s): reading the database", error)
                self.listening = False
            finally:
                self.listening = False
                with contextlib.suppress(Exception):  # the connection is gone either way
                    await client.aclose()
            # Whatever was published meanwhile is missed: the sweep catches up.
            for hub in self.hubs.hubs.values():
                hub.behind(hub.seq + 1)
            await asyncio.sleep(backoff)
            backoff = min(backoff * 2, 5.0)


# --- The ASGI application ----------------------------------------------------------------------


class StreamApplication:
    def __init__(self):
        self.hubs = Hubs()
        self.listener = None
        self.tasks = []

    async def __call__(self, scope, receive, send):
        if scope["type"] == "lifespan":
            await self.lifespan(receive, send)
        elif scope["type"] == "http":
            await self.http(scope, receive, send)

    # -- lifespan: the listener and the sweeper, once per process ----------------------

    async def lifespan(self, receive, send):
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                self.start()
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                for task in self.tasks:
                    task.cancel()
                for hub in self.hubs.hubs.values():
                    hub.close_all()
                await send({"type": "lifespan.shutdown.complete"})
                return

    def start(self):
        if self.tasks:
            return
        loop = asyncio.get_running_loop()
        if settings.REDIS_URL:
            self.listener = Listener(self.hubs, settings.REDIS_URL)
            self.tasks.append(loop.create_task(self.listener.run()))
        self.tasks.append(loop.create_task(self._sweeper()))
        self.tasks.append(loop.create_task(self._heartbeats()))

    @property
    def listening(self):
        return self.listener is not None and self.listener.listening

    async def _sweeper(self):
        while True:
            await asyncio.sleep(SWEEP_SECONDS if self.listening else SWEEP_SECONDS_WITHOUT_REDIS)
            try:
                await self.hubs.sweep()
            except Exception:
                logger.exception("live sweep failed")

    async def _heartbeats(self):
        while True:
            await asyncio.sleep(HEARTBEAT_SECONDS)
            self.hubs.heartbeat()

    # -- requests ---------------------------------------------------------------------------

    async def http(self, scope, receive, send):
        if not self.tasks:
            self.start()  # a server without lifespan support
        path = scope["path"]
        if path == "/live/stream/status":
            body = json.dumps(
                {
                    "readers": self.hubs.readers,
                    "pages": len(self.hubs.hubs),
                    "listening": self.listening,
                    "pid": os.getpid(),
                }
            ).encode()
            return await self._respond(send, 200, body, b"application/json")
        match = PATH.match(path)
        if match is None or scope["method"] not in ("GET", "HEAD"):
            return await self._respond(send, 404, b"Not found\n")
        hub = await self.hubs.get(int(match.group(1)))
        if hub is None:
            return await self._respond(send, 404, b"No such live page\n")
        since = _cursor(scope)
        if hub.state == "ended" and (since is None or since >= hub.seq):
            return await self._respond(send, 204, b"")
        await self._stream(hub, since, receive, send)

    async def _stream(self, hub, since, receive, send):
        reader = Reader(since or 0)
        hub.add(reader)  # first, so nothing committed from now on is missed
        watcher = asyncio.ensure_future(_wait_for_disconnect(receive, reader))
        try:
            missed = await hub.frames_after(since)
            await send({"type": "http.response.start", "status": 200, "headers": HEADERS})
            # How long a browser waits before reconnecting; then what it missed.
            await send(
                {"type": "http.response.body", "body": b"retry: 2000\n\n", "more_body": True}
            )
            for item in missed:
                reader.push(item)
            if hub.state == "ended":
                reader.push(CLOSE)  # it has the ended state now: nothing more will come
            while True:
                data = await reader.next_frames()
                if data is None:
                    break
                if data:
                    await send({"type": "http.response.body", "body": data, "more_body": True})
            await send({"type": "http.response.body", "body": b"", "more_body": False})
        except OSError:
            pass  # the reader went away mid-write
        except Exception as error:  # Granian raises its own error type for a closed client
            if "closed" not in str(error).lower() and "disconnect" not in str(error).lower():
                logger.exception("live stream for page %s failed", hub.page_id)
        finally:
            hub.remove(reader)
            watcher.cancel()

    async def _respond(self, send, status, body, content_type=b"text/plain; charset=utf-8"):
        headers = [(b"content-type", content_type), (b"cache-control", b"no-store")]
        await send({"type": "http.response.start", "status": status, "headers": headers})
        await send({"type": "http.response.body", "body": body})


async def _wait_for_disconnect(receive, reader):
    try:
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                break
    finally:
        reader.push(CLOSE)


def _cursor(scope):
    """The reader's cursor: Last-Event-ID (a browser reconnecting) before ?since=."""
    for name, value in scope["headers"]:
        if name == b"last-event-id" and value.isdigit() and len(value) <= 18:
            return int(value)
    query = scope.get("query_string", b"")
    match = re.search(rb"(?:^|&)since=(\d{1,18})(?:&|$)", query)
    return int(match.group(1)) if match else None


application = StreamApplication()
