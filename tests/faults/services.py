"""Private PostgreSQL and Redis servers a fault test owns, and a Dateline server on them.

They run on free ports chosen at run time and live in temporary folders, so
stopping them never touches the shared services on 5432 and 6379.
"""

import contextlib
import glob
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
import warnings
from http.cookiejar import CookieJar
from pathlib import Path

DATELINE = [sys.executable, "-m", "dateline.cli"]


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def missing_tools():
    """Why these tests cannot run here, or None."""
    if not glob.glob("/usr/lib/postgresql/*/bin/initdb"):
        return "PostgreSQL server binaries not installed (apt-get install postgresql)"
    if not shutil.which("redis-server"):
        return "redis-server not installed (apt-get install redis-server)"
    if os.geteuid() == 0 and not shutil.which("runuser"):
        return "runuser not found"
    return None


class PrivatePostgres:
    def __init__(self):
        self.bin = Path(sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))[-1]).parent
        self.port = free_port()
        self.dir = Path(tempfile.mkdtemp(prefix="dateline-faults-pg-"))
        # initdb refuses to run as root: run the server as the postgres user.
        self.as_owner = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        if self.as_owner:
            shutil.chown(self.dir, "postgres")
        self.data = self.dir / "data"
        self._run("initdb", "-D", str(self.data), "-A", "trust", "-U", "postgres")
        self.start()
        self._run("createdb", "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres", "dateline")

    @property
    def url(self):
        return f"postgres://postgres@127.0.0.1:{self.port}/dateline"

    def _run(self, tool, *args):
        subprocess.run(
            [*self.as_owner, str(self.bin / tool), *args],
            check=True,
            capture_output=True,
            timeout=120,
        )

    def start(self):
        options = f"-p {self.port} -k {self.dir} -c listen_addresses=127.0.0.1 -c fsync=off"
        self._run(
            "pg_ctl",
            "-D",
            str(self.data),
            "-o",
            options,
            "-l",
            str(self.dir / "log"),
            "-w",
            "start",
        )

    def stop(self):
        # Immediate: like a crash or a killed container, connections just drop.
        self._run("pg_ctl", "-D", str(self.data), "-m", "immediate", "-w", "stop")

    def destroy(self):
        with contextlib.suppress(subprocess.CalledProcessError):  # already stopped
            self.stop()
        shutil.rmtree(self.dir, ignore_errors=True)


class PrivateRedis:
    def __init__(self):
        self.port = free_port()
        self.process = None
        self.start()

    @property
    def url(self):
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self):
        self.process = subprocess.Popen(
            [
                "redis-server",
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
            ],
            stdout=subprocess.DEVNULL,
        )
        wait_for_port(self.port)

    def stop(self):
        self.process.terminate()
        self.process.wait(timeout=10)


def wait_for_port(port, timeout=30):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.1)
    raise TimeoutError(f"nothing listening on port {port}")


class DatelineServer:
    """`dateline serve` (Granian) in a subprocess, its output kept for the test."""

    def __init__(self, env, workers=2):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log_path = Path(env["DATELINE_VAR_DIR"]) / f"server-{self.port}.log"
        self.log = open(self.log_path, "wb")  # noqa: SIM115 - closed in stop()
        self.process = subprocess.Popen(
            [*DATELINE, "serve", "--port", str(self.port), "--workers", str(workers)],
            env=env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group, workers included: see stop()
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if fetch(self.url + "/healthz")[0] == 200:
                return
            time.sleep(0.2)
        self.stop()
        raise RuntimeError("server did not start:\n" + self.log_path.read_text())

    def json_log(self):
        lines = []
        for line in self.log_path.read_text().splitlines():
            if line.startswith("{"):
                lines.append(json.loads(line))
        return lines

    def stop(self):
        self.process.terminate()
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            # Seen once: Granian's graceful shutdown waiting on a worker for good.
            # Nothing of the server may outlive the test, least of all on CI.
            warnings.warn(f"{self.url} did not stop within 20 s of SIGTERM; killed", stacklevel=2)
            self.process.kill()
            self.process.wait(timeout=10)
        finally:
            with contextlib.suppress(ProcessLookupError):  # workers left behind, if any
                os.killpg(self.process.pid, signal.SIGKILL)
            self.log.close()


class Crowd:
    """Threads that each call `work(number)` until the `with` block ends.

    Whatever stops a thread early is kept in `errors` for the test to report,
    rather than lost with the thread.
    """

    def __init__(self, threads):
        self.errors = []
        self._stop = threading.Event()
        self._threads = [threading.Thread(target=self._run, args=(i,)) for i in range(threads)]

    def work(self, number):
        raise NotImplementedError

    @property
    def stopping(self):
        return self._stop.is_set()

    def _run(self, number):
        try:
            self.work(number)
        except Exception as error:  # noqa: BLE001 - reported by the test
            self.errors.append(repr(error))

    def __enter__(self):
        for thread in self._threads:
            thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        for thread in self._threads:
            thread.join(timeout=60)


def fetch(url, data=None, opener=None, timeout=30, headers=None):
    """(status, headers, text) of one request; connection errors are status 0."""
    request = urllib.request.Request(url, data=data, headers=headers or {})
    try:
        with (opener or urllib.request.build_opener()).open(request, timeout=timeout) as response:
            return response.status, response.headers, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read().decode()
    except OSError as error:
        return 0, {}, str(error)


def browser():
    """An opener that keeps cookies, like a reader's browser, and does not follow redirects."""

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None

    return urllib.request.build_opener(urllib.request.HTTPCookieProcessor(CookieJar()), NoRedirect)


def dateline(env, *args):
    result = subprocess.run(
        [*DATELINE, *args], env=env, capture_output=True, text=True, timeout=300
    )
    if result.returncode != 0:
        raise RuntimeError(f"dateline {args[0]} failed:\n{result.stdout}\n{result.stderr}")
    return result
