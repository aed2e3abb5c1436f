"""`make bench-live` (and part of `make bench`): live coverage under load, on loopback.

Starts the live stack (dateline.testing.live: PostgreSQL, a private Redis,
`dateline serve`, two `dateline live-stream` processes, nginx with
deploy/nginx.conf) and then:

1. **One reader** receives LIVE_BENCH_UPDATES/6 updates: the floor, measured
   in this run, that the loaded figures are compared with.
2. **LIVE_BENCH_READERS readers** (10,000) hold the page's stream open
   through nginx (two reader processes, bench/live_readers.py), while an
   editor posts one update a second through the live desk for
   LIVE_BENCH_UPDATES seconds (60). Halfway, one stream process is killed
   (SIGKILL): its readers reconnect through nginx to the other with their
   Last-Event-ID. For every reader and update: the time from the post to
   its receipt (the post's request starts just before the commit, so this
   is an upper bound of commit to receipt), updates lost and duplicated;
   memory per open stream; CPU of each part.
3. **The polling fallback**: wrk at 512 connections on the cached poll
   document through nginx, against nginx sending the same bytes from a
   plain file, in this run.

Results go to bench/results/live.json. Needs wrk and nginx (apt-get install
-y wrk nginx), redis-server, and PostgreSQL on 127.0.0.1:5432.
"""

import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.run import busy_fraction, parse_wrk, wait_until_quiet  # noqa: E402
from dateline.testing.live import EventStream, LiveStack  # noqa: E402
from dateline.testing.servers import Nginx, fetch  # noqa: E402

READERS = int(os.environ.get("LIVE_BENCH_READERS", "10000"))
UPDATES = int(os.environ.get("LIVE_BENCH_UPDATES", "60"))
READER_PROCESSES = int(os.environ.get("LIVE_BENCH_READER_PROCESSES", "2"))
# Which parts run (all by default): floor, stream, poll; and whether a stream process is killed.
PARTS = set(os.environ.get("LIVE_BENCH_PARTS", "floor,stream,poll").split(","))
KILL = os.environ.get("LIVE_BENCH_KILL", "1") == "1"
WRK_SECONDS = int(os.environ.get("BENCH_SECONDS", "15"))
POSTGRES = os.environ.get("BENCH_POSTGRES", "postgres://postgres@127.0.0.1:5432")
DATABASE = "dateline_bench_live"


def raise_file_limit():
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    return hard


def fresh_database():
    import psycopg

    with psycopg.connect(POSTGRES + "/postgres", autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{DATABASE}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{DATABASE}"')
    return f"{POSTGRES}/{DATABASE}"


def drop_database():
    import psycopg

    with psycopg.connect(POSTGRES + "/postgres", autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{DATABASE}" WITH (FORCE)')


# --- What each process costs ----------------------------------------------------------


def group_pids(leader):
    """The process and every process in its process group (Granian's and nginx's workers)."""
    pids = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[2]) == leader:  # the process group id
                pids.append(int(entry.name))
    return pids


def rss_bytes(pids):
    total = 0
    for pid in pids:
        try:
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1]) * 1024
        except OSError:
            pass
    return total


class CpuMeter:
    """CPU seconds of groups of processes, sampled as the run goes: a process that
    is killed (the stream process) keeps what it had used until then."""

    def __init__(self, groups):
        self.groups = groups
        self.ticks = os.sysconf("SC_CLK_TCK")
        self.last = {}
        self.sample()
        self.start = dict(self.last)

    def sample(self):
        for pids in self.groups.values():
            for pid in pids:
                try:
                    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
                except OSError:
                    continue
                self.last[pid] = (int(fields[11]) + int(fields[12])) / self.ticks

    def used(self):
        return {
            name: sum(self.last.get(pid, 0) - self.start.get(pid, 0) for pid in pids)
            for name, pids in self.groups.items()
        }


def percentile(values, share):
    if not values:
        return None
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


# --- The runs ----------------------------------------------------------------------------------


def current_seq(stack):
    _, _, body = fetch(
        stack.url + f"/live/{stack.page_id}/updates/?since=999999999",
        headers={"Cookie": "sessionid=none"},
    )
    return json.loads(body)["seq"]


def one_reader(stack, desk, count):
    stream = EventStream(stack.url, stack.page_id, since=current_seq(stack))
    latencies = []
    for n in range(count):
        sent = time.time()
        desk.post(f"Floor measurement {n}: one reader, nothing else running.")
        stream.events(1, timeout=5)
        latencies.append(time.time() - sent)
        time.sleep(0.3)
    stream.close()
    return {"p50_ms": percentile(latencies, 0.5) * 1000, "p99_ms": max(latencies) * 1000}


def many_readers(stack, desk, folder):
    since = current_seq(stack)
    stop_file = folder / "stop"
    parts = []
    for index in range(READER_PROCESSES):
        out = folder / f"readers-{index}.json"
        count = READERS // READER_PROCESSES + (index < READERS % READER_PROCESSES)
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "bench.live_readers",
                "127.0.0.1",
                str(stack.nginx.ports[0]),
                str(stack.page_id),
                str(since),
                str(count),
                str(out),
                str(stop_file),
            ],
            cwd=ROOT,
        )
        parts.append((process, out))
    streams = stack.streams
    stream_pids = [group_pids(s.process.pid) for s in streams]
    nginx_pids = group_pids(stack.nginx.process.pid)
    rss_before = [rss_bytes(pids) for pids in stream_pids]
    nginx_before = rss_bytes(nginx_pids)
    deadline = time.monotonic() + 120
    while sum(s.status()["readers"] for s in streams) < READERS:
        if time.monotonic() > deadline:
            raise RuntimeError(f"only {[s.status() for s in streams]} readers connected")
        time.sleep(0.5)
    time.sleep(2)
    held = [s.status()["readers"] for s in streams]
    rss_after = [rss_bytes(pids) for pids in stream_pids]
    nginx_after = rss_bytes(nginx_pids)

    watched = {
        "stream processes": [pid for pids in stream_pids for pid in pids],
        "nginx": nginx_pids,
        "app (dateline serve)": group_pids(stack.app.process.pid),
        "readers (load client)": [p.pid for p, _ in parts],
        "redis": [stack.redis.process.pid],
    }
    meter = CpuMeter(watched)
    run_started = time.monotonic()

    sent = {}
    killed_at = None
    for n in range(UPDATES):
        tick = run_started + n
        time.sleep(max(0.0, tick - time.monotonic()))
        meter.sample()
        if KILL and n == UPDATES // 2:
            streams[0].kill()
            killed_at = time.time()
        started = time.time()
        status, data = desk.post(f"Update {n + 1} of {UPDATES}: the summit, minute by minute.")
        if status != 200:
            raise RuntimeError(f"post {n} failed: {status} {data}")
        sent[data["item"]["seq"]] = started
    time.sleep(5)  # the last update, and any reconnect, arrive
    meter.sample()
    elapsed = time.monotonic() - run_started
    cpu = {name: seconds / elapsed for name, seconds in meter.used().items()}
    stop_file.touch()
    results = []
    for process, out in parts:
        process.wait(timeout=120)
        results.append(json.loads(out.read_text()))

    expected = set(sent)
    latencies, recovery = [], []
    lost = duplicated = reconnects = errors = 0
    for part in results:
        for reader in part["readers"]:
            seqs = reader["seqs"]
            got = set(seqs) & expected
            lost += len(expected - got)
            duplicated += len(seqs) - len(set(seqs))
            reconnects += reader["reconnects"]
            errors += reader["errors"]
            for seq, received in zip(seqs, reader["times"], strict=True):
                if seq in sent:
                    latency = received - sent[seq]
                    (
                        recovery
                        if killed_at
                        and sent[seq] >= killed_at - 0.01
                        and received - killed_at < 10
                        and sent[seq] - killed_at < 3
                        else latencies
                    ).append(latency)
    everything = latencies + recovery
    return {
        "readers": READERS,
        "updates": UPDATES,
        "held_per_process": held,
        "connect_seconds": max(part["connect_seconds"] for part in results),
        "deliveries": len(everything),
        "expected_deliveries": READERS * len(expected),
        "lost": lost,
        "duplicated": duplicated,
        "reconnects": reconnects,
        "reader_errors": errors,
        "p50_ms": percentile(everything, 0.5) * 1000,
        "p99_ms": percentile(everything, 0.99) * 1000,
        "max_ms": max(everything) * 1000,
        "p99_outside_kill_ms": percentile(latencies, 0.99) * 1000,
        "p99_around_kill_ms": percentile(recovery, 0.99) * 1000 if recovery else None,
        "stream_kb_per_connection": (sum(rss_after) - sum(rss_before)) / READERS / 1024,
        "nginx_kb_per_connection": (nginx_after - nginx_before) / READERS / 1024,
        "cpu_cores": cpu,
    }


def wrk(url, connections=512, seconds=WRK_SECONDS):
    output = subprocess.run(
        ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--latency", url],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return parse_wrk(output)


def polling(stack, folder):
    url = stack.url + f"/live/{stack.page_id}/updates/"
    fetch(url)
    _, headers, body = fetch(url, decode=False)
    assert headers["X-Front-Cache"] == "FILE", headers
    static = folder / "static-reference"
    static.mkdir()
    (static / "updates.json").write_bytes(body)
    reference = Nginx(
        folder / "nginx-reference",
        lambda port: (
            f"server {{ listen 127.0.0.1:{port} reuseport backlog=4096; sendfile on; "
            f"tcp_nopush on; location / {{ root {static}; }} }}"
        ),
        worker_connections=4096,
    ).start()
    polls, ceilings = [], []
    try:
        # Alternated, the best of two each: the machine is shared, and one busy
        # moment should not decide the ratio.
        for _round in range(2):
            wait_until_quiet()
            polls.append(wrk(url))
            wait_until_quiet()
            ceilings.append(wrk(reference.url + "/updates.json"))
    finally:
        reference.process.stop()
    poll = max(polls, key=lambda run: run["rps"])
    ceiling = max(ceilings, key=lambda run: run["rps"])
    return {
        "document_bytes": len(body),
        "poll": poll,
        "static_file": ceiling,
        "ratio": poll["rps"] / ceiling["rps"],
        "rounds_rps": {"poll": [r["rps"] for r in polls], "static": [r["rps"] for r in ceilings]},
    }


def main():
    limit = raise_file_limit()
    folder = Path(tempfile.mkdtemp(prefix="dateline-bench-live-"))
    print(f"live benchmark in {folder} (file limit {limit}); starting the stack…", flush=True)
    database = fresh_database()
    started = time.monotonic()
    stack = LiveStack(
        folder,
        database_url=database,
        streams=2,
        app_workers=2,
        worker_connections=min(16384, limit - 1000),
        extra_env={"LOG_LEVEL": "ERROR"},
    )
    try:
        print(f"stack ready in {time.monotonic() - started:.0f} s", flush=True)
        desk = stack.desk()
        floor = load = polled = None
        if "floor" in PARTS:
            floor = one_reader(stack, desk, max(3, UPDATES // 6))
            print(f"one reader: p50 {floor['p50_ms']:.0f} ms, max {floor['p99_ms']:.0f} ms")
        if "stream" in PARTS:
            wait_until_quiet()
            killed = ", a stream process killed halfway" if KILL else ""
            print(f"{READERS} readers, {UPDATES} updates at one a second{killed}…", flush=True)
            load = many_readers(stack, desk, folder)
        if "poll" in PARTS:
            polled = polling(stack, folder)
    finally:
        stack.stop()
        drop_database()
    results = {
        "floor_one_reader": floor,
        "stream": load,
        "polling": polled,
        "machine_busy_at_end": busy_fraction(),
    }
    out = ROOT / "bench" / "results"
    out.mkdir(parents=True, exist_ok=True)
    (out / "live.json").write_text(json.dumps(results, indent=2))
    report(results)


def report(results):
    floor, load, polled = results["floor_one_reader"], results["stream"], results["polling"]
    print()
    if None in (floor, load, polled):
        print(json.dumps(results, indent=2))  # a partial run (LIVE_BENCH_PARTS)
        return
    print(
        f"Live coverage: {load['readers']} readers of one page, {load['updates']} updates, "
        "one a second, one of two stream processes killed halfway"
    )
    print(f"  delivered             {load['deliveries']} of {load['expected_deliveries']}")
    print(
        f"  lost / duplicated     {load['lost']} / {load['duplicated']} "
        f"(reconnects {load['reconnects']})"
    )
    print(
        f"  latency p50           {load['p50_ms']:7.0f} ms   "
        f"{load['p50_ms'] / floor['p50_ms']:5.1f}x one reader's ({floor['p50_ms']:.0f} ms)"
    )
    print(
        f"  latency p99           {load['p99_ms']:7.0f} ms   "
        f"{load['p99_ms'] / 1000:5.2f}x the 1 s target"
    )
    print(f"    outside the kill    {load['p99_outside_kill_ms']:7.0f} ms")
    if load["p99_around_kill_ms"] is not None:
        print(f"    around the kill     {load['p99_around_kill_ms']:7.0f} ms (reconnected readers)")
    print(
        f"  memory per stream     {load['stream_kb_per_connection']:7.1f} KB in the stream "
        f"processes, {load['nginx_kb_per_connection']:.1f} KB in nginx"
    )
    print(
        "  CPU (cores, of 2)     "
        + ", ".join(f"{name} {share:.2f}" for name, share in load["cpu_cores"].items())
    )
    print(
        f"Polling fallback: the cached poll document ({polled['document_bytes']} bytes) through "
        "nginx at 512 connections"
    )
    print(
        f"  poll document         {polled['poll']['rps']:9.0f} req/s  "
        f"p99 {polled['poll']['p99_ms']:.1f} ms  errors {polled['poll']['errors']}"
    )
    print(
        f"  static file (nginx)   {polled['static_file']['rps']:9.0f} req/s  "
        f"p99 {polled['static_file']['p99_ms']:.1f} ms"
    )
    print(f"  ratio                 {polled['ratio']:9.2f}   (target 0.8)")
    print(f"results written to {ROOT / 'bench' / 'results' / 'live.json'}")


if __name__ == "__main__":
    main()
