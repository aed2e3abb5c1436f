"""A PostgreSQL streaming replica of a `servers.PrivatePostgres`, on loopback.

    primary = PrivatePostgres()
    replica = PrivateReplica(primary)       # pg_basebackup -R, started on a free port
    replica.pause_replay(); ...; replica.resume_replay()
    replica.stop(); replica.start()         # losing it, and getting it back

The primary is an initdb cluster with `wal_level=replica` (PostgreSQL's default)
and initdb's trust lines for replication from 127.0.0.1; the replica streams
from it as a production standby does.
"""

import contextlib
import shutil
import tempfile
import time
from pathlib import Path

import psycopg

from dateline.testing.servers import free_port


class PrivateReplica:
    def __init__(self, primary):
        self.primary = primary
        self.port = free_port()
        self.dir = Path(tempfile.mkdtemp(prefix="dateline-replica-pg-"))
        if primary.as_owner:
            shutil.chown(self.dir, "postgres")
        self.data = self.dir / "data"
        primary._run(
            "pg_basebackup",
            *("-h", "127.0.0.1", "-p", str(primary.port), "-U", "postgres"),
            *("-D", str(self.data), "-R", "-X", "stream", "-c", "fast"),
        )
        self.start()

    @property
    def url(self):
        return f"postgres://postgres@127.0.0.1:{self.port}/dateline"

    def start(self):
        # hot_standby_feedback, as a production replica serving reads should have it:
        # otherwise the primary's vacuum cancels readers' queries on the replica.
        options = (
            f"-p {self.port} -k {self.dir} -c listen_addresses=127.0.0.1 -c fsync=off"
            " -c hot_standby_feedback=on"
        )
        log = str(self.dir / "log")
        self.primary._run("pg_ctl", "-D", str(self.data), "-o", options, "-l", log, "-w", "start")

    def stop(self):
        self.primary._run("pg_ctl", "-D", str(self.data), "-m", "immediate", "-w", "stop")

    def sql(self, query):
        with psycopg.connect(self.url, autocommit=True, connect_timeout=5) as conn:
            cursor = conn.execute(query)
            return cursor.fetchall() if cursor.description else []

    def pause_replay(self):
        self.sql("SELECT pg_wal_replay_pause()")

    def resume_replay(self):
        self.sql("SELECT pg_wal_replay_resume()")

    def catch_up(self, timeout=30):
        """Return once the replica has replayed everything the primary has written."""
        with psycopg.connect(self.primary.url, autocommit=True) as conn:
            target = conn.execute("SELECT pg_current_wal_lsn()").fetchone()[0]
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with contextlib.suppress(psycopg.errors.QueryCanceled, psycopg.OperationalError):
                if self.sql(f"SELECT pg_last_wal_replay_lsn() >= '{target}'::pg_lsn")[0][0]:
                    return
            time.sleep(0.05)
        raise TimeoutError(f"replica did not replay up to {target} in {timeout}s")

    def destroy(self):
        with contextlib.suppress(Exception):  # already stopped
            self.stop()
        shutil.rmtree(self.dir, ignore_errors=True)

