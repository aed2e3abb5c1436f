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
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
ARTICLE = "/world/president-heads-north-for-skarholm-summit/"
SECONDS = int(os.environ.get("BENCH_SECONDS", "15"))
DB_NAME = "dateline_bench"
REDIS_DB = os.environ.get("BENCH_REDIS_DB", "14")
WORKERS = os.environ.get("BENCH_WORKERS", "2")


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for(url, timeout=60):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=10) as response:  # noqa: S310
                return response.read()
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"{url} did not answer within {timeout}s")


def fetch(url):
    with urllib.request.urlopen(url, timeout=10) as response:  # noqa: S310
        return response.read()


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
    def __init__(self):
        self.work = Path(tempfile.mkdtemp(prefix="dateline-bench-"))
        self.processes = []
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
        }

    def manage(self, *args):
        subprocess.run(
            [sys.executable, "-m", "dateline.cli", *args],
            env=self.env,
            check=True,
            stdout=subprocess.DEVNULL,
        )

    def start(self, args, env=None, log=None):
        out = open(log, "w") if log else subprocess.DEVNULL  # noqa: SIM115
        process = subprocess.Popen(
            args, env=env or self.env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )
        self.processes.append(process)
        return process

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

    def app(self, port, cached=True):
        """`dateline serve`, the production server, logging each page render."""
        # Production logging: one JSON line per request, written to the log file.
        env = dict(self.env, PAGE_CACHE="1" if cached else "0", LOG_LEVEL="INFO", LOG_FORMAT="json")
        log = self.work / f"app-{port}.log"
        self.start(
            [
                sys.executable,
                "-m",
                "dateline.cli",
                "serve",
                "--port",
                str(port),
                "--workers",
                WORKERS,
            ],
            env=env,
            log=log,
        )
        wait_for(f"http://127.0.0.1:{port}{ARTICLE}")
        return log

    def minimal_wagtail(self, port):
        """The issue's yardstick: Wagtail's own starter project, uncached, on the same server.

        `wagtail start` makes it (a welcome page on SQLite); Granian serves it
        with Dateline's workers and threads, so the two differ only in the app.
        """
        project = self.work / "minimal-wagtail"
        project.mkdir()
        wagtail = str(Path(sys.executable).with_name("wagtail"))
        subprocess.run([wagtail, "start", "minimal", str(project)], check=True)
        (project / "minimal" / "settings" / "local.py").write_text(
            'SECRET_KEY = "bench-minimal-' + "x" * 40 + '"\n'
            'ALLOWED_HOSTS = ["127.0.0.1", "localhost"]\n'
        )
        env = {
            **{k: v for k, v in os.environ.items() if k not in {"DEBUG", "DATABASE_URL"}},
            "DJANGO_SETTINGS_MODULE": "minimal.settings.production",
        }
        for command in (["migrate", "--noinput"], ["collectstatic", "--noinput", "-v0"]):
            subprocess.run(
                [sys.executable, "manage.py", *command],
                cwd=project,
                env=env,
                check=True,
                stdout=subprocess.DEVNULL,
            )
        granian = str(Path(sys.executable).with_name("granian"))
        args = [granian, "--interface", "wsgi", "minimal.wsgi:application"]
        args += ["--host", "127.0.0.1", "--port", str(port), "--workers", WORKERS]
        args += ["--blocking-threads", "4", "--backlog", "2048"]
        out = open(self.work / "minimal-wagtail.log", "w")  # noqa: SIM115
        self.processes.append(
            subprocess.Popen(
                args,
                cwd=project,
                env=env,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        )
        wait_for(f"http://127.0.0.1:{port}/")

    def nginx(self, name, server_block):
        folder = self.work / f"nginx-{name}"
        (folder / "cache").mkdir(parents=True)
        conf = folder / "nginx.conf"
        conf.write_text(
            ""
            # As root, workers would drop to www-data, which cannot read this private folder.
            + ("user root;\n" if os.geteuid() == 0 else "")
            + f"worker_processes auto;\npid {folder}/nginx.pid;\nerror_log {folder}/error.log;\n"
            "events { worker_connections 4096; }\n"
            "http {\n include /etc/nginx/mime.types;\n access_log off;\n"
            f" client_body_temp_path {folder}/body; proxy_temp_path {folder}/proxy;\n"
            f" fastcgi_temp_path {folder}/fcgi; uwsgi_temp_path {folder}/uwsgi;"
            f" scgi_temp_path {folder}/scgi;\n"
            " keepalive_requests 100000;\n"
            f"{server_block}\n}}\n"
        )
        self.start(["nginx", "-c", str(conf), "-g", "daemon off;"])
        return conf

    def stop(self):
        for process in self.processes:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGTERM)
        for process in self.processes:
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
        shutil.rmtree(self.work, ignore_errors=True)


def front_block(stack, listen, app_port):
    template = (ROOT / "deploy" / "nginx.conf").read_text()
    values = {
        "LISTEN": f"127.0.0.1:{listen}",
        "APP": f"127.0.0.1:{app_port}",
        "STATIC_ROOT": str(stack.work / "var" / "static"),
        "MEDIA_ROOT": str(stack.work / "var" / "media"),
        "CACHE_DIR": str(stack.work / "nginx-front" / "cache"),
        "PAGE_FILES_DIR": stack.env["PAGE_FILES_DIR"],
    }
    for name, value in values.items():
        template = template.replace("${" + name + "}", value)
    return template


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
        while marker.encode() not in fetch(front_url + ARTICLE):
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
        app_port, uncached_port, front_port, ref_port, minimal_port = (
            free_port() for _ in range(5)
        )
        app_log = stack.app(app_port)
        stack.app(uncached_port, cached=False)
        stack.minimal_wagtail(minimal_port)
        article_bytes = fetch(f"http://127.0.0.1:{app_port}{ARTICLE}")
        ref_root = stack.work / "reference"
        (ref_root / ARTICLE.strip("/")).mkdir(parents=True)
        (ref_root / ARTICLE.strip("/") / "index.html").write_bytes(article_bytes)
        stack.nginx(
            "reference",
            f"server {{ listen 127.0.0.1:{ref_port} reuseport backlog=4096; root {ref_root};\n"
            # The same file-serving settings as the front's pages (deploy/nginx.conf).
            " sendfile on; tcp_nopush on; }",
        )
        stack.nginx("front", front_block(stack, front_port, app_port))
        wait_for(f"http://127.0.0.1:{ref_port}{ARTICLE}")
        wait_for(f"http://127.0.0.1:{front_port}{ARTICLE}")

        cases = [
            ("1 nginx static file (ceiling)", f"http://127.0.0.1:{ref_port}{ARTICLE}"),
            ("2 production front, cached", f"http://127.0.0.1:{front_port}{ARTICLE}"),
            ("3 app server alone, cached", f"http://127.0.0.1:{app_port}{ARTICLE}"),
            ("4 app uncached (render cost)", f"http://127.0.0.1:{uncached_port}{ARTICLE}"),
            ("R minimal Wagtail, uncached", f"http://127.0.0.1:{minimal_port}/"),
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
        if only:
            return
        wait_until_quiet()
        purge = republish_under_load(stack, f"http://127.0.0.1:{front_port}", app_log)
        wait_until_quiet()
        audit = lighthouse(stack, f"http://127.0.0.1:{front_port}{ARTICLE}")
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


def format_row(row, rows):
    ceiling = next(
        (r for r in rows if r["case"].startswith("1 ") and r["connections"] == row["connections"]),
        row,
    )
    ratio = row["rps"] / ceiling["rps"] if ceiling["rps"] else 0
    return (
        f"{row['case']:<32} c={row['connections']:<4} {row['rps']:>10.0f} req/s  "
        f"p50 {row['p50_ms'] or 0:>8.2f} ms  p99 {row['p99_ms'] or 0:>8.2f} ms  "
        f"errors {row['errors']:<5} ratio {ratio:.3f}"
    )


if __name__ == "__main__":
    main()
