"""The stream process's per-page hub: every change once, in order, whatever the channel does."""

import asyncio
import json
from concurrent.futures import ThreadPoolExecutor

from dateline.live.stream.hub import CLOSE, MAX_QUEUED, PageHub, Reader


def change(seq, update_id=None, **extra):
    return {"kind": "update", "id": update_id or seq, "seq": seq, "deleted": False, **extra}


class Database:
    """Stands in for the database: the page's changes, as the poll document gives them."""

    def __init__(self, events=(), state="live"):
        self.events = {event["id"]: event for event in events}
        self.state = state
        self.asked = []

    @property
    def seq(self):
        return max([e["seq"] for e in self.events.values()], default=0)

    def add(self, event):
        self.events[event["id"]] = event

    async def catch_up(self, page_id, since):
        self.asked.append(since)
        changes = sorted(
            (e for e in self.events.values() if e["seq"] > since), key=lambda e: e["seq"]
        )
        return {"seq": self.seq, "state": self.state, "more": False, "changes": changes}


def run(coroutine):
    # In a thread of its own: the browser tests' Playwright keeps an event loop
    # running in the main thread for the whole session.
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, coroutine).result()


def test_changes_in_order_are_delivered_at_once_and_duplicates_dropped():
    async def scenario():
        hub = PageHub(1, 0, "live", Database().catch_up)
        reader = Reader(0)
        hub.add(reader)
        for seq in (1, 2, 2, 1, 3):
            hub.receive(change(seq))
        data = await reader.next_frames()
        return [
            json.loads(line[6:])["seq"]
            for line in data.decode().splitlines()
            if line.startswith("data: ")
        ]

    assert run(scenario()) == [1, 2, 3]


def test_a_change_out_of_order_waits_for_the_one_before_it():
    async def scenario():
        database = Database()
        hub = PageHub(1, 0, "live", database.catch_up)
        reader = Reader(0)
        hub.add(reader)
        hub.receive(change(2))
        assert not reader.frames  # held: 1 has not arrived
        hub.receive(change(1))
        return [f[0] for f in reader.frames], database.asked

    delivered, asked = run(scenario())
    assert delivered == [1, 2] and asked == []


def test_a_change_lost_on_the_channel_is_read_from_the_database():
    async def scenario():
        database = Database([change(1), change(2), change(3)])
        hub = PageHub(1, 0, "live", database.catch_up)
        reader = Reader(0)
        hub.add(reader)
        hub.receive(change(1))
        hub.receive(change(3))  # 2 never arrives on the channel
        await asyncio.sleep(0.5)
        return [f[0] for f in reader.frames], database.asked, hub.seq

    delivered, asked, seq = run(scenario())
    assert delivered == [1, 2, 3] and asked == [1] and seq == 3


def test_a_reconnecting_reader_gets_what_it_missed_from_memory_or_the_database():
    async def scenario():
        database = Database([change(n) for n in range(1, 4)])
        hub = PageHub(1, 3, "live", database.catch_up)  # loaded at 3: nothing in memory
        for n in range(4, 7):
            database.add(change(n))
            hub.receive(change(n))
        from_memory = [seq for seq, _ in await hub.frames_after(4)]
        asked_before = list(database.asked)
        from_database = [seq for seq, _ in await hub.frames_after(1)]
        return from_memory, asked_before, from_database, database.asked

    from_memory, asked_before, from_database, asked = run(scenario())
    assert from_memory == [5, 6] and asked_before == []
    assert from_database == [2, 3, 4, 5, 6, 6]  # the last is the state, at 6
    assert asked == [1]


def test_a_reader_is_written_each_frame_once_however_catch_up_and_live_frames_overlap():
    async def scenario():
        hub = PageHub(1, 0, "live", Database().catch_up)
        reader = Reader(2)
        hub.add(reader)
        for seq in (1, 2, 3):
            hub.receive(change(seq))
        for item in await hub.frames_after(2):
            reader.push(item)
        data = await reader.next_frames()
        return [
            json.loads(line[6:])["seq"]
            for line in data.decode().splitlines()
            if line.startswith("data: ")
        ]

    assert run(scenario()) == [3]


def test_ending_the_coverage_ends_every_stream_after_telling_it():
    async def scenario():
        hub = PageHub(1, 0, "live", Database().catch_up)
        reader = Reader(0)
        hub.add(reader)
        hub.receive({"kind": "state", "seq": 1, "state": "ended"})
        first = await reader.next_frames()
        second = await reader.next_frames()
        return first, second

    first, second = run(scenario())
    assert b"event: state" in first and b'"ended"' in first
    assert second is None


def test_a_reader_too_slow_to_keep_up_is_dropped_to_reconnect():
    reader = Reader(0)
    for seq in range(1, MAX_QUEUED + 5):
        reader.push((seq, b"x"))
    assert reader.closed and reader.frames[-1] is CLOSE
