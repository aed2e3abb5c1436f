"""`make bench-crawler`: a crawler walking 10,000 cold articles while readers are on the hot one.

Starts, in a temporary folder: Dateline on PostgreSQL + Redis (`dateline serve`)
behind nginx with deploy/nginx.conf (the production front), on a site of the
demo plus 10,000 archive articles (seeded in bulk, as bench/distribution.py
does). Then, through the front:

1. the reference: wrk, 256 connections on the hot article alone;
2. the same 256 readers while a crawler (a second wrk whose Lua script asks
   for each archive article once, in turn, as fast as it is answered) walks
   the archive: every one of its pages is cold (no page file, nothing in
   Redis, nothing in nginx's cache).

Prints the readers' p99 with the crawler over their p99 without it (target
<= 2.0), the readers' errors (target 0), and the crawler's pages/s (answered
200) and how it was held back (429s). The crawler sends a browser's user agent:
the worst case, a crawler that does not say what it is.

    flock /tmp/dateline-bench.lock .venv/bin/python -m bench.crawler [--articles 10000]

Needs wrk and nginx, PostgreSQL on 127.0.0.1:5432 and Redis on 127.0.0.1:6379.
"""

import argparse
import os
import re
import subprocess
import sys
import threading
import time

from bench.run import ARTICLE, NGINX_HTTP, Stack, parse_wrk, wait_until_quiet
from dateline.testing.servers import DatelineServer, Nginx, fetch, wait_for

DB_NAME = "dateline_bench_crawler"
REDIS_DB = os.environ.get("BENCH_CRAWLER_REDIS_DB", "12")
SECONDS = int(os.environ.get("BENCH_SECONDS", "15"))
READERS = 256
CRAWLER_CONNECTIONS = int(os.environ.get("BENCH_CRAWLER_CONNECTIONS", "16"))
TARGET_RATIO = 2.0
# A crawler that does not announce itself (known crawlers get a lower rate still).
CRAWLER_AGENT = (
    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0"
)

# Each wrk thread takes every n-th path of the list, asks for each once and
# stops when its share is done: every request of the crawler is a new page.
CRAWLER_LUA = """
local paths_file = "%(paths)s"
local agent = "%(agent)s"
local threads = {}
local counter = 0

function setup(thread)
  thread:set("id", counter)
  counter = counter + 1
  table.insert(threads, thread)
end

function init(args)
  local all = {}
  for line in io.lines(paths_file) do table.insert(all, line) end
  mine = {}
  for i = id + 1, #all, %(threads)d do table.insert(mine, all[i]) end
  next_index = 0
end

function request()
  next_index = next_index + 1
  if next_index > #mine then
    wrk.thread:stop()
    return wrk.format("GET", mine[#mine], {["User-Agent"] = agent})
  end
  return wrk.format("GET", mine[next_index], {["User-Agent"] = agent})
end
"""


class CrawlerStack(Stack):
    """bench/run.py's stack on a database and Redis of its own, with the archive seeded."""

    def __init__(self):
        super().__init__()
        self.env["DATABASE_URL"] = f"postgres://postgres@127.0.0.1:5432/{DB_NAME}"
        self.env["REDIS_URL"] = f"redis://127.0.0.1:6379/{REDIS_DB}"

    def prepare(self, articles):
        psql = ["psql", "-h", "127.0.0.1", "-U", "postgres", "-q", "-c"]
        subprocess.run([*psql, f"DROP DATABASE IF EXISTS {DB_NAME}"], check=True)
        subprocess.run([*psql, f"CREATE DATABASE {DB_NAME}"], check=True)
        subprocess.run(
            ["redis-cli", "-n", REDIS_DB, "FLUSHDB"], check=True, stdout=subprocess.DEVNULL
        )
        self.manage("migrate", "--noinput")
        self.manage("collectstatic", "--noinput", "--verbosity", "0")
        # The demo and the archive in this process, in bulk (bench/distribution.py).
        os.environ.update(self.env)
        import django

        django.setup()
        from bench.distribution import build_site
        from dateline.news.models import ArticlePage

        build_site(articles)
        # Page addresses below the site's root page ("/home/world/x/" is "/world/x/").
        paths = [
            "/" + url_path.split("/", 2)[2]
            for url_path in ArticlePage.objects.filter(slug__startswith="bench-story-")
            .order_by("-first_published_at")
            .values_list("url_path", flat=True)
        ]
        from django.db import connections

        connections.close_all()
        return paths

    def front_with_render_pool(self):
        """deploy/nginx.conf before the app, with cold renders sent to a render pool.

        As docs/caching.md runs it: the app hands each page's first render
        over (PAGE_RENDER_POOL); the pool is one process of 2 threads at a
        lower CPU priority.
        """
        app = self.app(PAGE_RENDER_POOL="/_dateline/render")
        pool = DatelineServer(
            self.env,
            workers=1,
            threads=2,
            extra_env={"LOG_LEVEL": "INFO", "LOG_FORMAT": "json", "WEB_NICE": "10"},
        )
        self.servers.append(pool)
        nginx = Nginx.front(
            self.work / "nginx-front",
            app=f"127.0.0.1:{app.port}",
            render_app=f"127.0.0.1:{pool.port}",
            static_root=self.work / "var" / "static",
            media_root=self.work / "var" / "media",
            page_files_dir=self.env["PAGE_FILES_DIR"],
            http_extra=NGINX_HTTP,
        )
        self.servers.append(nginx)
        return nginx.start()


def wrk_run(args):
    return parse_wrk(subprocess.run(args, capture_output=True, text=True, check=True).stdout)


def readers(url, seconds):
    return wrk_run(["wrk", "-t2", f"-c{READERS}", f"-d{seconds}s", "--latency", url])


def crawl(front_url, paths, work, seconds):
    """The crawler: each path once, in turn, CRAWLER_CONNECTIONS at a time."""
    paths_file = work / "crawler-paths.txt"
    paths_file.write_text("\n".join(paths) + "\n")
    threads = 2
    script = work / "crawler.lua"
    script.write_text(
        CRAWLER_LUA % {"paths": paths_file, "agent": CRAWLER_AGENT, "threads": threads}
    )
    started = time.monotonic()
    output = subprocess.run(
        ["wrk", f"-t{threads}", f"-c{CRAWLER_CONNECTIONS}", f"-d{seconds}s", "--latency"]
        + ["--timeout", "10s", "-s", str(script), front_url + paths[0]],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    elapsed = time.monotonic() - started
    result = parse_wrk(output)
    refused = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    result["refused"] = int(refused.group(1)) if refused else 0
    result["pages"] = result["requests"] - result["refused"]
    result["pages_per_s"] = result["pages"] / elapsed
    return result


def format_readers(label, r):
    return (
        f"{label:<34} {r['rps']:>9.0f} req/s  p50 {r['p50_ms']:>7.2f} ms  "
        f"p99 {r['p99_ms']:>7.2f} ms  errors {r['errors']}"
    )


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=10_000)
    parser.add_argument(
        "--without-render-pool",
        action="store_true",
        help="the app renders cold pages itself (the comparison)",
    )
    args = parser.parse_args()
    stack = CrawlerStack()
    try:
        started = time.monotonic()
        paths = stack.prepare(args.articles)
        ready = time.monotonic() - started
        print(f"site: demo + {len(paths):,} archive articles, ready in {ready:.0f} s")
        if args.without_render_pool:
            # Every cold render in the processes that answer hits: the comparison.
            app = stack.app()
            front = stack.front(app)
        else:
            front = stack.front_with_render_pool()
        hot = front.url + ARTICLE
        # The hot article becomes a page file; the archive stays cold everywhere.
        wait_for(hot)
        fetch(hot)
        assert fetch(hot)[1].get("X-Front-Cache") == "FILE", "the hot article is not a page file"

        wait_until_quiet()
        alone = readers(hot, SECONDS)
        print(format_readers("readers alone (reference)", alone), flush=True)

        wait_until_quiet()
        crawled = {}
        crawler = threading.Thread(
            target=lambda: crawled.update(crawl(front.url, paths, stack.work, SECONDS + 2))
        )
        crawler.start()
        time.sleep(1)  # the crawler is at full speed before the readers are measured
        beside = readers(hot, SECONDS)
        crawler.join()
        print(format_readers("readers while crawled", beside))
        ratio = beside["p99_ms"] / alone["p99_ms"]
        print(
            f"crawler: {crawled['pages']:,} cold pages in {SECONDS + 2} s, "
            f"{crawled['pages_per_s']:.1f} pages/s, p99 {crawled['p99_ms']:.0f} ms, "
            f"held back (429) {crawled['refused']:,}, socket errors "
            f"{crawled['errors'] - crawled['refused']}"
        )
        ok = ratio <= TARGET_RATIO and beside["errors"] == 0 and alone["errors"] == 0
        print(
            f"readers' p99 with the crawler / without: {ratio:.2f} (target <= {TARGET_RATIO}), "
            f"readers' errors {beside['errors']}: {'PASS' if ok else 'FAIL'}"
        )
    finally:
        stack.stop()


if __name__ == "__main__":
    sys.exit(main())
