"""`make bench-warming`: nobody waits for a render after a publish or a deploy.

Starts (dateline/testing/warming.py) Dateline on PostgreSQL with a private
Redis, the demo site and more stories, 50 articles in all, `dateline serve`,
`dateline worker` and deploy/nginx.conf in front. Then wrk, 256 connections
spread over the 50 newest articles through the front, twice for
BENCH_SECONDS (default 30):
- the reference: nothing changes;
- the measured run: 10 articles among them are published anew, one after the
  other, and halfway a deploy: a new release's server and worker start, nginx
  is reloaded to send readers to the new server, the old ones stop.

Each response's `X-Cache` is counted by wrk's Lua script: `MISS` means the
page was rendered in that reader's request (a file sent by nginx, a HIT or
a STALE copy did not wait for a render). Prints, for both runs, the share
of requests answered by a render in the request path (target <= 1%),
readers' p99 (target <= 50 ms) and errors, and for each publish how long
until the change showed through the front.

Needs wrk and nginx (apt-get install -y wrk nginx), PostgreSQL on 127.0.0.1:5432
and redis-server. Wrap it in `flock /tmp/dateline-bench.lock` on a shared machine.
"""

import json
import os
import shutil
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.run import parse_wrk, wait_until_quiet  # noqa: E402
from dateline.testing.requirements import POSTGRES  # noqa: E402
from dateline.testing.servers import fetch, wait_for  # noqa: E402
from dateline.testing.warming import WarmingStack  # noqa: E402

SECONDS = int(os.environ.get("BENCH_SECONDS", "30"))
CONNECTIONS = 256
ARTICLES = 50
PUBLISHES = 10
DATABASE = "dateline_bench_warming"
WORKERS = int(os.environ.get("BENCH_WORKERS", "2"))

LUA = """
paths = {PATHS}
counter = 0
misses = 0
responses = 0
server_errors = 0
client_errors = 0
threads = {{}}

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  counter = math.random(#paths)
end

function request()
  counter = counter + 1
  return wrk.format("GET", paths[(counter % #paths) + 1])
end

function response(status, headers, body)
  responses = responses + 1
  if (headers["X-Cache"] or headers["x-cache"]) == "MISS" then
    misses = misses + 1
  end
  if status >= 500 then
    server_errors = server_errors + 1
  elseif status >= 400 then
    client_errors = client_errors + 1
  end
end

function done(summary, latency, requests)
  local m, r, e5, e4 = 0, 0, 0, 0
  for _, thread in ipairs(threads) do
    m = m + thread:get("misses")
    r = r + thread:get("responses")
    e5 = e5 + thread:get("server_errors")
    e4 = e4 + thread:get("client_errors")
  end
  io.write(string.format("rendered-in-request %d of %d\\n", m, r))
  io.write(string.format("answers 5xx %d 4xx %d\\n", e5, e4))
end
"""


def fresh_database():
    import psycopg

    with psycopg.connect(POSTGRES + "/postgres", autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{DATABASE}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{DATABASE}"')
    return f"{POSTGRES}/{DATABASE}"


def readers(url, script, seconds):
    import re
    import subprocess

    output = subprocess.run(
        ["wrk", "-t2", f"-c{CONNECTIONS}", f"-d{seconds}s", "--latency", "-s", str(script), url],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    result = parse_wrk(output)
    found = re.search(r"rendered-in-request (\d+) of (\d+)", output)
    result["rendered_in_request"], result["responses"] = int(found[1]), int(found[2])
    # What the errors were: answers (5xx, 4xx) or sockets (wrk's own line).
    answers = re.search(r"answers 5xx (\d+) 4xx (\d+)", output)
    sockets = re.search(r"Socket errors: .*", output)
    result["error_kinds"] = (
        f"5xx {answers[1]}, 4xx {answers[2]}; " + (sockets[0] if sockets else "no socket errors")
    )
    return result


class Changes:
    """The editors' side of the measured run: publishes, and one deploy halfway."""

    def __init__(self, stack, front, paths):
        self.stack, self.front, self.paths = stack, front, paths
        self.visible_after = []
        self.deploy_seconds = None
        self.errors = []

    def publish(self, seconds):
        os.environ.update({k: v for k, v in self.stack.env.items() if k != "RELEASE"})
        import django

        django.setup()
        from dateline.news.models import ArticlePage

        gap = seconds * 0.8 / PUBLISHES
        time.sleep(seconds * 0.1)
        for number in range(PUBLISHES):
            path = self.paths[(number * 7) % len(self.paths)]
            slug = path.rstrip("/").rsplit("/", 1)[-1]
            article = ArticlePage.objects.get(slug=slug)
            marker = f"warming-bench-{number}-{time.time_ns()}"
            article.deck = f"Updated ({marker})."
            article.save_revision().publish()
            published = time.monotonic()
            while marker not in fetch(self.front.url + path, timeout=10)[2]:
                if time.monotonic() - published > 20:
                    self.errors.append(f"publish {number} not visible after 20 s")
                    break
                time.sleep(0.05)
            self.visible_after.append(time.monotonic() - published)
            time.sleep(max(0.0, gap - (time.monotonic() - published)))

    def deploy(self, seconds, old_app, old_worker):
        """The release after: new server and worker, nginx reloaded, the old ones stopped."""
        time.sleep(seconds * 0.45)
        started = time.monotonic()
        new_app = self.stack.serve(release="second", workers=WORKERS)
        self.stack.worker(release="second")
        self.front.reload(self.stack.front_block(new_app))
        time.sleep(1)  # requests under way on the old server finish there
        old_worker.stop()
        old_app.stop()
        self.deploy_seconds = time.monotonic() - started


def run(stack, front, paths, script, seconds, changes=None, old=None):
    results = {}
    load = threading.Thread(
        target=lambda: results.update(readers(front.url + paths[0], script, seconds))
    )
    load.start()
    threads = []
    if changes is not None:
        threads = [threading.Thread(target=changes.publish, args=(seconds,))]
        if old is not None:
            threads.append(threading.Thread(target=changes.deploy, args=(seconds, *old)))
        for thread in threads:
            thread.start()
    load.join()
    for thread in threads:
        thread.join()
    return results


def report(name, result):
    share = result["rendered_in_request"] / max(1, result["responses"])
    return (
        f"{name:<34} {result['rps']:>8.0f} req/s  p50 {result['p50_ms']:>7.2f} ms  "
        f"p99 {result['p99_ms']:>7.2f} ms  rendered in request {result['rendered_in_request']:>4} "
        f"of {result['responses']:>7} ({share:.3%})  errors {result['errors']}"
        + (f" ({result['error_kinds']})" if result["errors"] else "")
    )


def main():
    for tool in ("wrk", "nginx", "redis-server"):
        if shutil.which(tool) is None and not Path("/usr/sbin/" + tool).exists():
            sys.exit(f"bench/warming.py needs {tool}: apt-get install -y wrk nginx redis-server")
    stack = WarmingStack(
        database_url=fresh_database(),
        articles=ARTICLES,
        # As production logs: one JSON line per request, nothing below warnings.
        extra_env={"LOG_FORMAT": "json", "LOG_LEVEL": "WARNING"},
    )
    try:
        paths = json.loads(
            stack.django(
                "import json; from dateline.testing.warming import newest_article_paths; "
                f"print(json.dumps(newest_article_paths({ARTICLES})))"
            )
            .strip()
            .splitlines()[-1]
        )
        assert len(paths) == ARTICLES, paths
        app = stack.serve(workers=WORKERS)
        worker = stack.worker()
        front = stack.front(app, http_extra=" keepalive_requests 100000;\n")
        for path in paths:  # readers have been reading them: each is cached
            wait_for(front.url + path)
        script = stack.dir / "readers.lua"
        script.write_text(LUA.format(PATHS="{" + ", ".join(json.dumps(p) for p in paths) + "}"))

        wait_until_quiet()
        reference = run(stack, front, paths, script, SECONDS)
        print(report("reference (nothing changes)", reference), flush=True)
        # The publishes alone first, so the deploy's own cost shows apart.
        wait_until_quiet()
        publishes_only = run(stack, front, paths, script, SECONDS, Changes(stack, front, paths))
        print(report(f"{PUBLISHES} publishes, no deploy", publishes_only), flush=True)
        wait_until_quiet()
        changes = Changes(stack, front, paths)
        measured = run(stack, front, paths, script, SECONDS, changes, old=(app, worker))
        print(report(f"{PUBLISHES} publishes + 1 deploy", measured), flush=True)
    finally:
        stack.stop()

    visible = sorted(changes.visible_after)
    share = measured["rendered_in_request"] / max(1, measured["responses"])
    print(
        f"changes visible through the front after p50 {visible[len(visible) // 2]:.2f} s, "
        f"max {visible[-1]:.2f} s ({len(visible)} publishes); deploy took "
        f"{changes.deploy_seconds:.1f} s (new server and worker up, nginx reloaded)"
    )
    print(
        f"targets: rendered in request {share:.3%} (<= 1%), p99 {measured['p99_ms']:.1f} ms "
        f"(<= 50 ms; reference {reference['p99_ms']:.1f} ms, ratio "
        f"{measured['p99_ms'] / reference['p99_ms']:.2f})"
    )
    for error in changes.errors:
        print("error:", error)


if __name__ == "__main__":
    main()
