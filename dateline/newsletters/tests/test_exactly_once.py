"""Exactly once, counted at the receiving SMTP server: workers killed with SIGKILL
again and again in the middle of a send, restarted, and (on PostgreSQL) two at once."""

import os
import random
import signal
import time

import pytest

from dateline.testing.newsletters import NewsletterRun
from dateline.testing.smtp import SMTPSink

READERS = 2000
KILLS = 20


def kill_and_restart(run, sink, kills, workers=1, rng=None):
    """Start `workers` workers; `kills` times, once mail is flowing, SIGKILL one at a
    random moment and start it again. Returns the number of kills that landed mid-send."""
    rng = rng or random.Random(21)  # noqa: S311 - kill times, not secrets
    live = [run.start_worker(f"w{n}") for n in range(workers)]
    landed = 0
    for _ in range(kills):
        before = sink.inbox.count
        deadline = time.monotonic() + 60
        while sink.inbox.count <= before + 5 and time.monotonic() < deadline:
            time.sleep(0.01)
        time.sleep(rng.uniform(0, 0.25))
        victim = live.pop(rng.randrange(len(live)))
        os.killpg(victim.pid, signal.SIGKILL)
        victim.popen.wait(timeout=10)
        if run.send_state() == "sending":
            landed += 1
        live.append(run.start_worker("restarted"))
    return landed


def outcome(sink, run):
    received = sink.inbox.per_recipient
    expected = {f"reader{n}@example.com" for n in range(READERS)}
    lost = sorted(expected - set(received))
    duplicated = {address: n for address, n in received.items() if n > 1}
    uncertain = [
        address
        for (address,) in run.query(
            "SELECT s.email FROM newsletters_delivery d"
            " JOIN newsletters_subscriber s ON s.id = d.subscriber_id WHERE d.uncertain"
        )
    ]
    return lost, duplicated, uncertain


@pytest.mark.parametrize("database", ["sqlite", "postgres"])
def test_killed_workers_lose_nothing_and_repeat_nothing(database, tmp_path):
    database_url = None
    if database == "postgres":
        database_url = _private_database()
    with SMTPSink(keep_content=False) as sink:
        run = NewsletterRun(
            sink,
            readers=READERS,
            database_url=database_url,
            # Slow enough that 20 kills land mid-send; batches small enough that
            # kills land at every point of one.
            extra_env={"NEWSLETTERS_RATE": "150", "NEWSLETTERS_BATCH_SIZE": "40"},
        )
        try:
            landed = kill_and_restart(run, sink, KILLS, workers=2 if database == "postgres" else 1)
            assert run.wait_until_finished(), run.delivery_states()
        finally:
            run.stop()
        lost, duplicated, uncertain = outcome(sink, run)
        report = (
            f"{database}: {READERS} readers, {KILLS} SIGKILLs ({landed} mid-send), "
            f"received {sink.inbox.count}, lost {len(lost)}, duplicated {len(duplicated)}, "
            f"unconfirmed hand-overs {len(uncertain)}"
        )
        print(report)
        (tmp_path / "report.txt").write_text(report)
        assert landed == KILLS
        assert not duplicated, report
        # SMTP cannot be exactly-once (docs/newsletters.md, "The ambiguous window"): a
        # kill between the journal's `T` and the final "." reaching the server loses that
        # one message, and it is reported as unconfirmed. Nothing else may be missing.
        assert set(lost) <= set(uncertain), report
        assert len(uncertain) <= 3, report
        assert sink.inbox.count == READERS - len(lost)
        assert run.delivery_states() == {2: READERS}


def _private_database():
    """A fresh database on the shared PostgreSQL, dropped at exit, or a skip."""
    import atexit
    import uuid

    psycopg = pytest.importorskip("psycopg")
    from dateline.testing.requirements import POSTGRES

    name = f"dateline_nl_{uuid.uuid4().hex[:10]}"
    try:
        admin = psycopg.connect(POSTGRES + "/postgres", autocommit=True, connect_timeout=3)
    except psycopg.OperationalError as error:
        pytest.skip(f"PostgreSQL not reachable at {POSTGRES}: {error}")
    admin.execute(f'CREATE DATABASE "{name}"')

    def drop():
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()

    atexit.register(drop)
    return f"{POSTGRES}/{name}"
