"""Live coverage for real: posted through the desk, read through nginx from two stream processes.

Each reader here is a raw event stream read as a browser's EventSource reads
it (dateline.testing.live.EventStream), so the tests see exactly what travels:
event ids, order, duplicates, the end of a stream. The stack (`live_stack`,
the root conftest) is shared by the whole run; tests leave the coverage live.
"""

import json
import time

import pytest

from dateline.testing.live import REPORTERS, EventStream, LiveStreamServer
from dateline.testing.servers import fetch


def document(stack, since=None, fresh=False):
    url = stack.url + f"/live/{stack.page_id}/updates/" + (f"?since={since}" if since else "")
    # A session cookie goes past nginx's one-second cache and the app's page cache.
    status, headers, body = fetch(url, headers={"Cookie": "sessionid=none"} if fresh else None)
    assert status == 200, (status, body[:300])
    return headers, json.loads(body)


def current_seq(stack):
    return document(stack, since=10**12, fresh=True)[1]["seq"]


@pytest.fixture
def desk(live_stack):
    return live_stack.desk()


def post(desk, text, **fields):
    status, data = desk.post(text, **fields)
    assert status == 200, data
    return data["item"]


def test_each_change_reaches_an_open_stream_within_a_second(live_stack, desk):
    stream = EventStream(live_stack.url, live_stack.page_id, since=current_seq(live_stack))
    assert stream.status == 200
    posted_at = time.monotonic()
    item = post(desk, "The delegations are back in the hall.")
    [created] = stream.events(1, timeout=2)
    assert time.monotonic() - posted_at < 1.0
    assert created["event"] == "change" and created["data"]["id"] == item["id"]
    assert "back in the hall" in created["data"]["html"]
    assert desk.edit(item["id"], "The delegations are back in the main hall.")[0] == 200
    [edited] = stream.events(1, timeout=2)
    assert edited["data"]["id"] == item["id"] and "Edited" in edited["data"]["html"]
    assert desk.delete(item["id"])[0] == 200
    [deleted] = stream.events(1, timeout=2)
    assert deleted["data"] == {
        "kind": "update",
        "id": item["id"],
        "seq": deleted["data"]["seq"],
        "deleted": True,
    }
    assert int(created["id"]) < int(edited["id"]) < int(deleted["id"])
    stream.close()


def test_a_dropped_stream_resumes_from_its_last_event_without_gaps_or_duplicates(live_stack, desk):
    start = current_seq(live_stack)
    stream = EventStream(live_stack.url, live_stack.page_id, since=start)
    first = post(desk, "First of five.")
    post(desk, "Second of five.")
    received = stream.events(2)
    stream.close()  # the connection drops
    for text in ("Third of five.", "Fourth of five.", "Fifth of five."):
        post(desk, text)
    assert desk.edit(first["id"], "First of five, corrected.")[0] == 200
    resumed = EventStream(live_stack.url, live_stack.page_id, last_event_id=stream.last_id)
    received += resumed.events(4)
    numbers = [int(event["id"]) for event in received]
    assert numbers == list(range(start + 1, start + 7))  # every change once, in order
    # The same changes a poller gets from the document.
    _, missed = document(live_stack, since=start, fresh=True)
    assert {c["seq"] for c in missed["changes"]} <= set(numbers)
    resumed.close()


def test_two_reporters_post_at_once_and_every_reader_gets_both(live_stack):
    start = current_seq(live_stack)
    streams = [EventStream(live_stack.url, live_stack.page_id, since=start) for _ in range(4)]
    a, b = (live_stack.desk(credentials) for credentials in REPORTERS)
    post(a, "From the press room.")
    post(b, "From the summit hall.")
    for stream in streams:
        texts = {event["data"]["label"] for event in stream.events(2)}
        assert texts == {"From the press room.", "From the summit hall."}
        stream.close()


def test_the_poll_document_is_a_file_nginx_sends_and_a_post_replaces_it(live_stack, desk):
    url = live_stack.url + f"/live/{live_stack.page_id}/updates/"
    fetch(url)
    headers, _ = document(live_stack)
    assert headers["X-Front-Cache"] == "FILE"
    assert headers["Content-Type"].startswith("application/json")
    item = post(desk, "A change for the pollers.")
    deadline = time.monotonic() + 2
    while True:
        headers, doc = document(live_stack)
        if doc["changes"] and doc["changes"][-1]["id"] == item["id"]:
            break
        assert time.monotonic() < deadline, "the poll document still shows the old changes"
        time.sleep(0.05)


def test_readers_of_a_killed_stream_process_reconnect_to_the_other_and_miss_nothing(
    live_stack, desk
):
    start = current_seq(live_stack)
    readers = [EventStream(live_stack.url, live_stack.page_id, since=start) for _ in range(12)]
    time.sleep(0.3)
    counts = [stream.status()["readers"] for stream in live_stack.streams]
    assert all(counts), f"nginx should spread readers over both processes: {counts}"
    victim = live_stack.streams[0]
    post(desk, "Before the crash.")
    for reader in readers:
        reader.events(1)
    victim.kill()
    for n in range(3):
        post(desk, f"After the crash, number {n}.")
    try:
        for reader in readers:
            got = []
            try:
                got = reader.events(3, timeout=3)
            except (EOFError, OSError, TimeoutError):
                # Its process died: reconnect as a browser does, with Last-Event-ID.
                reader.close()
                reader = EventStream(
                    live_stack.url, live_stack.page_id, last_event_id=reader.last_id
                )
                got = reader.events(3, timeout=5)
            assert [int(event["id"]) for event in got] == [start + 2, start + 3, start + 4]
            reader.close()
    finally:
        # The next tests get both processes again, on the port nginx knows.
        live_stack.streams[0] = LiveStreamServer(live_stack.env, port=victim.port)


def test_ending_the_coverage_ends_every_stream_and_stops_readers_reconnecting(live_stack, desk):
    stream = EventStream(live_stack.url, live_stack.page_id, since=current_seq(live_stack))
    try:
        assert desk.set_state("ended")[0] == 200
        [ended] = stream.events(1, timeout=2)
        assert ended["event"] == "state" and ended["data"]["state"] == "ended"
        assert stream.ended()
        again = EventStream(live_stack.url, live_stack.page_id, last_event_id=ended["id"])
        assert again.status == 204  # an EventSource stops retrying
        assert desk.post("After the end.")[0] == 409
    finally:
        assert desk.set_state("live")[0] == 200


def test_with_redis_down_streams_go_on_from_the_database(live_stack, desk):
    stream = EventStream(live_stack.url, live_stack.page_id, since=current_seq(live_stack))
    live_stack.redis.stop()
    try:
        deadline = time.monotonic() + 15
        while any(s.status()["listening"] for s in live_stack.streams):
            assert time.monotonic() < deadline, "the stream processes did not notice"
            time.sleep(0.2)
        posted_at = time.monotonic()
        item = post(desk, "Posted while Redis is down.")
        [event] = stream.events(1, timeout=5)
        assert event["data"]["id"] == item["id"]
        assert time.monotonic() - posted_at < 2.5
        # Nothing posted is lost for pollers either.
        _, doc = document(live_stack, since=int(event["id"]) - 1, fresh=True)
        assert doc["changes"][0]["id"] == item["id"]
    finally:
        live_stack.redis.start()
        stream.close()
    deadline = time.monotonic() + 20
    while not all(s.status()["listening"] for s in live_stack.streams):
        assert time.monotonic() < deadline, "the stream processes did not hear Redis again"
        time.sleep(0.2)
