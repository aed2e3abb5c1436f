"""One hub per live page in a stream process: its readers, and its changes in order.

Changes arrive over Redis pub/sub (at most once, and from several posting
processes, so not always in order) and, to fill a gap, from the database.
A hub delivers each change once and in sequence order: a change whose number
is not the next one waits (a change published a moment later by another
process usually arrives within milliseconds), and after `GAP_WAIT` seconds
the hub asks the database for every change after the last it delivered.
So a reader's stream is gap-free and in order, and its last event id is a
cursor that resumes it anywhere: here from the hub's recent frames, or from
the database when the cursor is older than they go back.

Nothing here knows about Django or HTTP: `load` and `catch_up` are given.
"""

import asyncio
import collections
import json
import logging
import time

logger = logging.getLogger("dateline.live.stream")

GAP_WAIT = 0.3  # seconds a change waits for the one before it
RECENT_FRAMES = 512  # frames each hub keeps for readers who reconnect
MAX_QUEUED = 256  # frames a slow reader may fall behind before it is dropped
HEARTBEAT_SECONDS = 20.0  # a comment line, so proxies and readers see the stream alive
CLOSE = None  # what a reader's queue receives when its stream must end


def frame(event):
    """One Server-Sent Event for a change: its number is the event id."""
    kind = "state" if event.get("kind") == "state" else "change"
    data = json.dumps(event, separators=(",", ":"))
    return event["seq"], f"id: {event['seq']}\nevent: {kind}\ndata: {data}\n\n".encode()


HEARTBEAT = (0, b": keep-alive\n\n")


class Reader:
    """One open stream: the frames waiting to be written, and the last number written."""

    __slots__ = ("frames", "waiter", "last_seq", "closed")

    def __init__(self, last_seq):
        self.frames = collections.deque()
        self.waiter = None
        self.last_seq = last_seq
        self.closed = False

    def push(self, item):
        if self.closed:
            return
        if item is not CLOSE and len(self.frames) >= MAX_QUEUED:
            # Too slow to keep up: end its stream; it reconnects with its cursor.
            item = CLOSE
        if item is CLOSE:
            self.closed = True
        self.frames.append(item)
        waiter = self.waiter
        if waiter is not None and not waiter.done():
            waiter.set_result(None)

    async def next_frames(self):
        """The frames to write now (bytes), or None once the stream must end."""
        while not self.frames:
            self.waiter = asyncio.get_running_loop().create_future()
            await self.waiter
            self.waiter = None
        chunks = []
        while self.frames:
            item = self.frames.popleft()
            if item is CLOSE:
                if chunks:
                    self.frames.appendleft(CLOSE)
                    break
                return None
            seq, data = item
            if seq and seq <= self.last_seq:
                continue  # already written (catch-up and live frames overlap)
            if seq:
                self.last_seq = seq
            chunks.append(data)
        return b"".join(chunks)


class PageHub:
    def __init__(self, page_id, sequence, state, catch_up):
        self.page_id = page_id
        self.seq = sequence
        self.state = state
        self.readers = set()
        self.recent = collections.deque()
        # Every change after `floor` is reflected in `recent`.
        self.floor = sequence
        self.pending = {}
        self._catch_up = catch_up  # async (page_id, since) -> poll document or None
        self._filling = None
        self.readable = True
        self.idle_since = time.monotonic()

    # -- readers -------------------------------------------------------------------

    def add(self, reader):
        self.readers.add(reader)

    def remove(self, reader):
        self.readers.discard(reader)
        if not self.readers:
            self.idle_since = time.monotonic()

    def close_all(self):
        for reader in list(self.readers):
            reader.push(CLOSE)

    def broadcast(self, item):
        for reader in list(self.readers):
            reader.push(item)

    async def frames_after(self, since):
        """The frames a reader at `since` has missed, in order (from memory, else the database)."""
        if since is None or since >= self.seq:
            return []
        if since >= self.floor:
            return [item for item in self.recent if item[0] > since]
        frames = []
        while True:
            document = await self._catch_up(self.page_id, since)
            if document is None:
                return frames
            frames += [frame(event) for event in document["changes"]]
            if not document["more"]:
                # Moves the reader's cursor to where the database stands, and
                # tells it the state (a reader reconnecting to ended coverage).
                state = {"kind": "state", "seq": document["seq"], "state": document["state"]}
                return [*frames, frame(state)]
            since = document["changes"][-1]["seq"]

    # -- changes ----------------------------------------------------------------------

    def receive(self, event):
        """A change from pub/sub: delivered now if it is the next one, else held briefly."""
        seq = event["seq"]
        if seq <= self.seq:
            return
        if seq == self.seq + 1:
            self._deliver(event)
            self._release_pending()
            return
        self.pending[seq] = event
        if self._filling is None:
            self._filling = asyncio.get_running_loop().create_task(self._fill_gap(GAP_WAIT))

    def _release_pending(self):
        while self.seq + 1 in self.pending:
            self._deliver(self.pending.pop(self.seq + 1))
        for seq in [s for s in self.pending if s <= self.seq]:
            del self.pending[seq]

    def _deliver(self, event):
        item = frame(event)
        self.seq = event["seq"]
        if event.get("kind") == "state":
            self.state = event["state"]
        self.recent.append(item)
        while len(self.recent) > RECENT_FRAMES:
            self.floor = self.recent.popleft()[0]
        self.broadcast(item)
        if self.state == "ended":
            # Readers have the ended state: their streams end, and their
            # pages stop (a reconnect gets a 204).
            self.close_all()

    def behind(self, sequence, state=None):
        """The database says the page is at `sequence`: catch up if this hub is not."""
        if (sequence > self.seq or (state and state != self.state)) and self._filling is None:
            self._filling = asyncio.get_running_loop().create_task(self._fill_gap(0))

    async def _fill_gap(self, wait):
        try:
            if wait:
                await asyncio.sleep(wait)
                if not self.pending:
                    return
            while True:
                document = await self._catch_up(self.page_id, self.seq)
                if document is None:
                    # No longer readable (unpublished, made private, deleted).
                    self.readable = False
                    self.close_all()
                    return
                for event in document["changes"]:
                    if event["seq"] > self.seq:
                        self._deliver(event)
                if not document["more"]:
                    self._state_from(document)
                    break
            self._release_pending()
        except Exception:
            logger.exception("live page %s: catching up from the database failed", self.page_id)
        finally:
            self._filling = None
            if self.pending and self.readable:
                self._filling = asyncio.get_running_loop().create_task(self._fill_gap(GAP_WAIT))

    def _state_from(self, document):
        if document["seq"] > self.seq:
            self._deliver({"kind": "state", "seq": document["seq"], "state": document["state"]})
        elif document["state"] != self.state:
            self.state = document["state"]
            if self.state == "ended":
                self.close_all()
