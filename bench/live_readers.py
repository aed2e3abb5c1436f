"""Readers for `bench/live.py`: thousands of open event streams in one asyncio process.

    python -m bench.live_readers HOST PORT PAGE SINCE COUNT OUT STOP_FILE

Each reader asks nginx for /live/stream/PAGE/?since=SINCE as a browser's
EventSource does (HTTP/1.0 here, so the body is the raw event stream, without
chunking), keeps every event id it receives, in order, with the time it was
read, and when its stream drops reconnects at once with Last-Event-ID, as a
browser does. Once STOP_FILE exists, every reader closes and the results go
to OUT as JSON: each reader's ids in order, the receipt time of every event,
reconnects and errors. The file descriptor limit is raised in-process.
"""

import asyncio
import json
import os
import resource
import sys
import time


class Reader:
    __slots__ = ("seqs", "times", "last", "reconnects", "errors")

    def __init__(self, since):
        self.seqs = []
        self.times = []
        self.last = since
        self.reconnects = 0
        self.errors = 0


async def read(reader, host, port, page, stopping):
    first = True
    while not stopping.is_set():
        writer = None
        try:
            stream, writer = await asyncio.open_connection(host, port)
            header = f"Last-Event-ID: {reader.last}\r\n" if not first else ""
            query = f"?since={reader.last}" if first else ""
            writer.write(
                f"GET /live/stream/{page}/{query} HTTP/1.0\r\nHost: {host}\r\n"
                f"Accept: text/event-stream\r\n{header}\r\n".encode()
            )
            first = False
            head = await stream.readuntil(b"\r\n\r\n")
            if b" 200 " not in head.split(b"\r\n", 1)[0]:
                reader.errors += 1
                await asyncio.sleep(0.5)
                continue
            buffer = b""
            while True:
                chunk = await stream.read(65536)
                if not chunk:
                    break
                now = time.time()
                buffer += chunk
                while b"\n\n" in buffer:
                    block, buffer = buffer.split(b"\n\n", 1)
                    if block.startswith(b"id: "):
                        seq = int(block[4 : block.index(b"\n")])
                        reader.seqs.append(seq)
                        reader.times.append(now)
                        reader.last = seq
        except (OSError, asyncio.IncompleteReadError, ValueError):
            reader.errors += 1
            await asyncio.sleep(0.2)
        finally:
            if writer is not None:
                writer.close()
        if not stopping.is_set():
            reader.reconnects += 1


async def main(host, port, page, since, count, out, stop_file):
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    stopping = asyncio.Event()
    readers = [Reader(since) for _ in range(count)]
    tasks = []
    started = time.time()
    for index, reader in enumerate(readers):
        tasks.append(asyncio.create_task(read(reader, host, port, page, stopping)))
        if index % 250 == 249:
            await asyncio.sleep(0.05)  # a little at a time: the listen queues are finite
    connected = time.time() - started
    while not os.path.exists(stop_file):
        await asyncio.sleep(0.2)
    stopping.set()
    for task in tasks:
        task.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)
    with open(out, "w") as sink:
        json.dump(
            {
                "connect_seconds": connected,
                "readers": [
                    {
                        "seqs": r.seqs,
                        "times": r.times,
                        "reconnects": r.reconnects,
                        "errors": r.errors,
                    }
                    for r in readers
                ],
            },
            sink,
        )


if __name__ == "__main__":
    host, port, page, since, count, out, stop_file = sys.argv[1:8]
    try:
        import uvloop  # the cheaper event loop, where installed (the stream processes use it too)

        run = uvloop.run
    except ImportError:
        run = asyncio.run
    run(main(host, int(port), int(page), int(since), int(count), out, stop_file))
