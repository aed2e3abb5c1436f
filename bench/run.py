"""`make bench`: the viral-story benchmark, everything on loopback in one run.

Starts, in a temporary folder: Dateline on PostgreSQL + Redis (`dateline serve`),
the same app with its page cache off, nginx in front (deploy/nginx.conf) and
nginx serving the article's saved bytes from a file (the ceiling). Then wrk
(2 threads, 64 and 512 connections, BENCH_SECONDS each) against each, and a
purge under load: 512 connections on the article through the front while it
is republished every second. Prints a table with ratios to the ceiling and
writes bench/results/latest.json.

Needs: wrk and nginx (apt-get install -y wrk nginx), PostgreSQL on 127.0.0.1:5432
and Redis on 127.0.0.1:6379.
"""

import contextlib
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from dateline.testing.servers import (
    DatelineServer,
    Nginx,
    Process,
    dateline,
    fetch,
    free_port,
    starter_wagtail,
    wait_for,
)

ROOT = Path(__file__).resolve().parents[1]
ARTICLE = "/world/president-heads-north-for-skarholm-summit/"
SECONDS = int(os.environ.get("BENCH_SECONDS", "15"))
DB_NAME = "dateline_bench"
REDIS_DB = os.environ.get("BENCH_REDIS_DB", "14")
WORKERS = os.environ.get("BENCH_WORKERS", "2")
# Every nginx here, the ceiling and the front alike: wrk's connections are reused for the whole run.
NGINX_HTTP = " keepalive_requests 100000;\n"


def parse_wrk(output):
    def latency(label):
        match = re.search(rf"^\s+{label}%\s+([\d.]+)(us|ms|s)\s*$", output, re.M)
        if not match:
            return None
        value, unit = float(match.group(1)), match.group(2)
        return value / 1000 if unit == "us" else value * 1000 if unit == "s" else value

    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))
    total = int(re.search(r"(\d+) requests in", output).group(1))
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    socket_errors = re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output
    )
    errors = int(non_2xx.group(1)) if non_2xx else 0
    if socket_errors:
        errors += sum(int(n) for n in socket_errors.groups())
    return {
        "rps": rps,
        "requests": total,
        "p50_ms": latency(50),
        "p99_ms": latency(99),
        "errors": errors,
    }


def busy_fraction(interval=0.5):
    """The share of all cores' time spent working over `interval` (from /proc/stat)."""

    def sample():
        fields = [int(n) for n in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
        idle = fields[3] + fields[4]  # idle + iowait
        return idle, sum(fields)

    idle_before, total_before = sample()
    time.sleep(interval)
    idle_after, total_after = sample()
    total = total_after - total_before
    return 1 - (idle_after - idle_before) / total if total else 0.0


def wait_until_quiet(limit=0.15, timeout=120):
    """Wait for the previous run's leftovers to finish before measuring the next.

    After 512 connections on an uncached server, hundreds of requests wrk
    gave up on are still queued there and keep both cores busy for many
    seconds: the next case would be measured on a machine still working
    for the last one.
    """
    deadline = time.monotonic() + timeout
    while busy_fraction() > limit and time.monotonic() < deadline:
        pass


def wrk(url, connections, seconds=SECONDS):
    output = subprocess.run(
        ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--latency", url],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return parse_wrk(output)


class Stack:
    """Everything one run starts, in one temporary folder, stopped and removed together."""

    def __init__(self):
        self.work = Path(tempfile.mkdtemp(prefix="dateline-bench-"))
        self.servers = []
        self.env = {
            **{k: v for k, v in os.environ.items() if k not in {"DEBUG"}},
            "DJANGO_SETTINGS_MODULE": "dateline.settings",
            "DATELINE_VAR_DIR": str(self.work / "var"),
            "DATABASE_URL": f"postgres://postgres@127.0.0.1:5432/{DB_NAME}",
            "REDIS_URL": f"redis://127.0.0.1:6379/{REDIS_DB}",
            "SECRET_KEY": "bench-" + "x" * 50,
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            "SERVE_MEDIA": "1",
            # The front sends fresh pages the app wrote as files (caching/files.py).
            "PAGE_FILES_DIR": str(self.work / "var" / "page-files"),
            "LOG_LEVEL": "ERROR",
            # nginx is in front, as in deploy/dateline.env.
            "TRUSTED_PROXIES": "127.0.0.1",
        }

    def manage(self, *args):
        dateline(self.env, *args)

    def prepare(self):
        subprocess.run(
            [
                "psql",
                "-h",
                "127.0.0.1",
                "-U",
                "postgres",
                "-q",
                "-c",
                f"DROP DATABASE IF EXISTS {DB_NAME}",
            ],
            check=True,
        )
        subprocess.run(
            ["psql", "-h", "127.0.0.1", "-U", "postgres", "-q", "-c", f"CREATE DATABASE {DB_NAME}"],
            check=True,
        )
        subprocess.run(
            ["redis-cli", "-n", REDIS_DB, "FLUSHDB"], check=True, stdout=subprocess.DEVNULL
        )
        self.manage("migrate", "--noinput")
        self.manage("collectstatic", "--noinput", "--verbosity", "0")
        self.manage("load_demo", "--no-editor")

    def app(self, cached=True, **extra_env):
        """`dateline serve`, the production server, logging each page render."""
        # Production logging: one JSON line per request, written to the log file.
        env = {"PAGE_CACHE": "1" if cached else "0", "LOG_LEVEL": "INFO", "LOG_FORMAT": "json"}
        env.update(extra_env)
        server = DatelineServer(self.env, workers=WORKERS, extra_env=env)
        self.servers.append(server)
        wait_for(server.url + ARTICLE)
        return server

    def minimal_wagtail(self):
        """The issue's yardstick: Wagtail's own starter project, uncached, on the same server.

        `wagtail start` makes it (a welcome page on SQLite); Granian serves it
        with Dateline's workers and threads, so the two differ only in the app.
        """
        starter = starter_wagtail(
            self.work / "minimal-wagtail",
            secret_key="bench-minimal-" + "x" * 40,
            allowed_hosts=["127.0.0.1", "localhost"],
        )
        port = free_port()
        granian = str(Path(sys.executable).with_name("granian"))
        args = [granian, "--interface", "wsgi", "minimal.wsgi:application"]
        args += ["--host", "127.0.0.1", "--port", str(port), "--workers", WORKERS]
        args += ["--blocking-threads", "4", "--backlog", "2048"]
        log = self.work / "minimal-wagtail.log"
        self.servers.append(Process(args, log, env=starter.env, cwd=starter.path))
        url = f"http://127.0.0.1:{port}"
        wait_for(url + "/")
        return url

    def nginx(self, name, server_block):
        """nginx in `work`/nginx-`name`; `server_block(port)` is its server part."""
        nginx = Nginx(self.work / f"nginx-{name}", server_block, http_extra=NGINX_HTTP)
        self.servers.append(nginx)
        return nginx.start()

    def front(self, app, name="front", page_files_dir=None):
        """deploy/nginx.conf, as it ships, in front of `app`."""
        nginx = Nginx.front(
            self.work / f"nginx-{name}",
            app=f"127.0.0.1:{app.port}",
            static_root=self.work / "var" / "static",
            media_root=self.work / "var" / "media",
            page_files_dir=page_files_dir or self.env["PAGE_FILES_DIR"],
            http_extra=NGINX_HTTP,
        )
        self.servers.append(nginx)
        return nginx.start()

    def stop(self):
        for server in reversed(self.servers):
            server.stop()
        shutil.rmtree(self.work, ignore_errors=True)


def republish_under_load(stack, front_url, app_log):
    """512 connections on the article while it is republished every second."""
    os.environ.update(stack.env)
    import django

    django.setup()
    from dateline.news.models import ArticlePage

    article = ArticlePage.objects.get(slug="president-heads-north-for-skarholm-summit")
    results = {}
    seconds = max(SECONDS, 10)
    load = threading.Thread(
        target=lambda: results.update(wrk(front_url + ARTICLE, 512, seconds=seconds))
    )
    renders_before = count_renders(app_log)
    load.start()
    time.sleep(2)
    delays = []
    publishes = 0
    end = time.monotonic() + seconds - 4
    while time.monotonic() < end:
        marker = f"bench-marker-{publishes}-{time.time_ns()}"
        article.deck = f"Republished under load ({marker})."
        article.save_revision().publish()
        # Counted from the moment the publish has committed: what readers wait for.
        started = time.monotonic()
        publishes += 1
        while marker not in fetch(front_url + ARTICLE, timeout=10)[2]:
            time.sleep(0.02)
            if time.monotonic() - started > 10:
                break
        delays.append(time.monotonic() - started)
        time.sleep(max(0, 1 - (time.monotonic() - started)))
    load.join()
    renders = count_renders(app_log) - renders_before
    results.update(
        publishes=publishes,
        renders=renders,
        visible_p50_s=sorted(delays)[len(delays) // 2],
        visible_max_s=max(delays),
    )
    return results


LIGHTHOUSE_VERSION = "12.2.3"  # 13.x needs Node 22; these machines have Node 20


def lighthouse(stack, url):
    """Lighthouse's mobile audit of the article through the front, with Debian's Chromium."""
    if os.environ.get("LIGHTHOUSE", "1") == "0" or shutil.which("npm") is None:
        return {}
    prefix = ROOT / "bench" / "node_modules" / ".bin" / "lighthouse"
    if not prefix.exists():
        subprocess.run(
            [
                "npm",
                "install",
                "--no-save",
                "--silent",
                "--prefix",
                str(ROOT / "bench"),
                f"lighthouse@{LIGHTHOUSE_VERSION}",
            ],
            check=True,
        )
    report = stack.work / "lighthouse.json"
    flags = (
        "--headless=new --no-sandbox --disable-gpu --disable-background-networking "
        "--disable-component-update --disable-sync"
    )
    subprocess.run(
        [
            str(prefix),
            url,
            "--quiet",
            f"--chrome-flags={flags}",
            "--output=json",
            f"--output-path={report}",
            "--only-categories=performance,accessibility,best-practices,seo",
        ],
        env={**os.environ, "CHROME_PATH": shutil.which("chromium") or "/usr/bin/chromium"},
        check=True,
    )
    data = json.loads(report.read_text())
    scores = {name: round(category["score"] * 100) for name, category in data["categories"].items()}
    scores["transferred_bytes"] = int(data["audits"]["total-byte-weight"]["numericValue"])
    return scores


def count_renders(log):
    try:
        lines = log.read_text().splitlines()
    except FileNotFoundError:
        return 0
    rendered = "rendered " + ARTICLE
    return sum(1 for line in lines if _message(line) == rendered)


def _message(line):
    if line.startswith("{"):
        with contextlib.suppress(ValueError):
            return json.loads(line).get("message")
    return line.rpartition("] ")[2] if "] " in line else line


def main():
    for tool in ("wrk", "nginx", "psql", "redis-cli"):
        if shutil.which(tool) is None:
            sys.exit(f"make bench needs {tool}: apt-get install -y wrk nginx")
    stack = Stack()
    try:
        stack.prepare()
        app = stack.app()
        uncached = stack.app(cached=False)
        minimal_url = stack.minimal_wagtail()
        status, _, article_bytes = fetch(app.url + ARTICLE, timeout=10, decode=False)
        assert status == 200, f"the article answered {status}"
        ref_root = stack.work / "reference"
        (ref_root / ARTICLE.strip("/")).mkdir(parents=True)
        (ref_root / ARTICLE.strip("/") / "index.html").write_bytes(article_bytes)
        reference = stack.nginx(
            "reference",
            lambda port: (
                f"server {{ listen 127.0.0.1:{port} reuseport backlog=4096;"
                f" root {ref_root};\n"
                # The same file-serving settings as the front's pages (deploy/nginx.conf).
                " sendfile on; tcp_nopush on; }"
            ),
        )
        front = stack.front(app)
        wait_for(reference.url + ARTICLE)
        wait_for(front.url + ARTICLE)
        # What each cache tier buys (docs/caching.md): the same stack with one tier taken out.
        no_files_dir = stack.work / "no-page-files"
        no_files_dir.mkdir()
        app_without_files = stack.app(PAGE_FILES_DIR="")
        front_without_files = stack.front(
            app_without_files, name="front-no-files", page_files_dir=no_files_dir
        )
        app_without_hot = stack.app(PAGE_CACHE_HOT_SECONDS="0", PAGE_FILES_DIR="")
        shared = ARTICLE + "?utm_source=bench"  # a shared link: never a page file

        cases = [
            ("1 nginx static file (ceiling)", reference.url + ARTICLE),
            ("2 production front, cached", front.url + ARTICLE),
            ("3 app server alone, cached", app.url + ARTICLE),
            ("4 app uncached (render cost)", uncached.url + ARTICLE),
            ("R minimal Wagtail, uncached", minimal_url + "/"),
            # Tiers: page files (2 vs T1), the hot tier (3 vs T4). A shared link through
            # the front reaches the app (nginx keeps no copy): T2 against T3 is nginx's hop.
            ("T1 front without page files", front_without_files.url + ARTICLE),
            ("T2 front, shared link (the app)", front.url + shared),
            ("T3 app alone, shared link (hot tier)", app.url + shared),
            ("T4 app alone without hot tier", app_without_hot.url + ARTICLE),
        ]
        # BENCH_CASES=1,4 runs only those cases (and skips the purge run and
        # Lighthouse), for a quick measurement while working on one of them.
        only = os.environ.get("BENCH_CASES", "")
        if only:
            cases = [case for case in cases if case[0].split()[0] in only.split(",")]
        rows = []
        for name, url in cases:
            for connections in (64, 512):
                wait_until_quiet()
                fetch(url)
                rows.append({"case": name, "connections": connections, **wrk(url, connections)})
                print(format_row(rows[-1], rows), flush=True)
        for line in against_minimal_wagtail(rows):
            print(line)
        print("what each cache tier buys:")
        for line in tier_gains(rows):
            print("  " + line)
        if only:
            return
        wait_until_quiet()
        purge = republish_under_load(stack, front.url, app.log_path)
        wait_until_quiet()
        audit = lighthouse(stack, front.url + ARTICLE)
    finally:
        stack.stop()

    report = {
        "seconds": SECONDS,
        "workers": int(WORKERS),
        "article_bytes": len(article_bytes),
        "runs": rows,
        "purge_under_load": purge,
        "lighthouse": audit,
    }
    out = ROOT / "bench" / "results"
    out.mkdir(exist_ok=True)
    (out / "latest.json").write_text(json.dumps(report, indent=2))
    print()
    print("purge under load (512 connections, republished every second):")
    print(
        f"  requests/s {purge['rps']:.0f}, errors {purge['errors']}, publishes "
        f"{purge['publishes']}, renders {purge['renders']}, change visible after "
        f"p50 {purge['visible_p50_s']:.2f}s / max {purge['visible_max_s']:.2f}s"
    )
    if audit:
        print("lighthouse (mobile): " + ", ".join(f"{k} {v}" for k, v in audit.items()))
    print(f"results written to {out / 'latest.json'}")


def against_minimal_wagtail(rows):
    """Dateline's uncached article against Wagtail's starter page, per connection count."""
    by_case = {(r["case"].split()[0], r["connections"]): r["rps"] for r in rows}
    for (case, connections), rps in sorted(by_case.items()):
        minimal = by_case.get(("R", connections))
        if case == "4" and minimal:
            yield (f"uncached article / minimal Wagtail page, c={connections}: {rps / minimal:.2f}")


# What each tier buys: the rate with it over the rate with it taken out.
TIERS = [
    ("page files (nginx sends a file)", "2", "T1"),
    ("hot tier (each process's memory)", "3", "T4"),
    ("page cache (Redis, whole pages)", "T4", "4"),
]


def tier_gains(rows):
    by_case = {(r["case"].split()[0], r["connections"]): r["rps"] for r in rows}
    for label, with_tier, without in TIERS:
        for connections in (64, 512):
            a, b = by_case.get((with_tier, connections)), by_case.get((without, connections))
            if a and b:
                yield f"{label:<36} c={connections:<4} {a / b:6.2f}x ({with_tier} over {without})"


def format_row(row, rows):
    ceiling = next(
        (r for r in rows if r["case"].startswith("1 ") and r["connections"] == row["connections"]),
        row,
    )
    ratio = row["rps"] / ceiling["rps"] if ceiling["rps"] else 0
    return (
        f"{row['case']:<38} c={row['connections']:<4} {row['rps']:>10.0f} req/s  "
        f"p50 {row['p50_ms'] or 0:>8.2f} ms  p99 {row['p99_ms'] or 0:>8.2f} ms  "
        f"errors {row['errors']:<5} ratio {ratio:.3f}"
    )


if __name__ == "__main__":
    main()
