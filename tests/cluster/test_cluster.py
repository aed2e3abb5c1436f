"""Three app machines behind the balancer, for real (dateline/testing/cluster.py).

Each machine is its own `dateline serve` (2 processes), `dateline worker`
and nginx with deploy/nginx.conf, with its own var/ folder; one nginx with
deploy/balancer.conf spreads readers over them; they share PostgreSQL and a
Redis of the test's own. A publish on one machine must reach every front
within 2 s and cost one render cluster-wide; losing a machine under load
must cost readers nothing past the requests it was answering, and no
comment or scheduled publish may be lost or done twice.
"""

import os
import threading
import time

import pytest

from bench.run import wrk as run_wrk
from dateline.testing.cluster import Cluster, demo_database, drop_database, environment
from dateline.testing.requirements import require
from dateline.testing.servers import PrivateRedis, dateline, fetch
from tests.faults.commenters import Commenters, CommentForm, stored_comments

ARTICLE = "/world/president-heads-north-for-skarholm-summit/"
ARTICLE_SLUG = "president-heads-north-for-skarholm-summit"
SCHEDULED_SLUG = "kelp-forests-are-coming-back-survey-finds"
pytestmark = pytest.mark.cluster

SHARED_LINK = ARTICLE + "?utm_source=cluster-test"  # never a page file: the app's own tiers


@pytest.fixture(scope="module")
def cluster(tmp_path_factory):
    require("cluster")
    redis = PrivateRedis()
    database = f"dl_cluster_test_{os.getpid()}"
    work = tmp_path_factory.mktemp("cluster")
    env = environment(work, redis.url, secret_key="cluster-test-" + "k" * 50)
    cluster = None
    try:
        env["DATABASE_URL"] = demo_database(database, env)
        cluster = Cluster(work / "machines", env).start()
        cluster.redis = redis  # the test's own, to stop
        yield cluster
    finally:
        if cluster is not None:
            cluster.stop()
        redis.stop()
        drop_database(database)


def publish(machine, slug, deck, go_live_in=None):
    """Publish a new deck from a process of `machine`, or schedule it `go_live_in`
    seconds after the process sets it (a `dateline shell` can take half a minute
    to start on a busy machine: counting from the test's clock would have to
    allow for that). (the wall-clock time the publish committed, its purges
    running on commit; the wall-clock time it is due, or None)."""
    schedule = (
        "from datetime import datetime, timedelta, UTC;"
        f"a.go_live_at = datetime.now(UTC) + timedelta(seconds={go_live_in});"
        if go_live_in
        else ""
    )
    script = (
        "import time; from dateline.news.models import ArticlePage;"
        f"a = ArticlePage.objects.get(slug={slug!r}); a.deck = {deck!r}; {schedule}"
        "a.save_revision().publish();"
        "print(time.time(), a.go_live_at.timestamp() if a.go_live_at else '')"
    )
    answer = dateline(machine.env, "shell", "-c", script).stdout.splitlines()[-1]
    committed, _, due = answer.partition(" ")
    return float(committed), float(due) if due else None


def publishes_of(machine, slug):
    """(how many times `slug` went live, its live deck); a scheduled publish going live
    is logged as `wagtail.publish.scheduled`."""
    script = (
        "from wagtail.models import PageLogEntry; from dateline.news.models import ArticlePage;"
        f"a = ArticlePage.objects.get(slug={slug!r});"
        "print(PageLogEntry.objects.filter(page=a, action__in=['wagtail.publish',"
        " 'wagtail.publish.scheduled']).count(), a.deck)"
    )
    answer = dateline(machine.env, "shell", "-c", script).stdout.splitlines()[-1]
    count, _, deck = answer.partition(" ")
    return int(count), deck


def warm(cluster, path):
    """Every front holds `path` in every tier: its page file and hot copies."""
    for machine in cluster.machines:
        for _ in range(3):
            machine.fetch(path)
            machine.fetch(SHARED_LINK)


class Watch:
    """Polls every (machine, path) of `places` at once from the moment it starts, and
    records when each first serves `marker` (`seen`: {(name, path): wall-clock time});
    started before a publish, so polling late cannot count as the change arriving late."""

    def __init__(self, places, marker):
        self.marker = marker
        self.seen = {}
        self._until = threading.Event()
        self._threads = [
            threading.Thread(target=self._poll, args=place, daemon=True) for place in places
        ]
        for thread in self._threads:
            thread.start()

    def _poll(self, machine, path):
        while not self._until.is_set():
            if self.marker in machine.fetch(path, timeout=5)[2]:
                self.seen[machine.name, path] = time.time()
                return
            time.sleep(0.02)

    def wait(self, seconds=10):
        """`seen`, once every place has shown it or `seconds` have passed since now
        (call it when the publish has returned: a busy machine is slow to publish)."""
        deadline = time.monotonic() + seconds
        for thread in self._threads:
            thread.join(max(0, deadline - time.monotonic()))
        self._until.set()
        for thread in self._threads:
            thread.join()
        return dict(self.seen)


class Balancer:
    """The balancer, polled like a machine."""

    name = "balancer"

    def __init__(self, cluster):
        self.url = cluster.url

    def fetch(self, path, **options):
        return fetch(self.url + path, **options)


def test_every_machine_serves_the_page_from_its_own_files(cluster):
    renders = cluster.renders(ARTICLE)
    for machine in cluster.machines:
        machine.fetch(ARTICLE)
        headers = machine.fetch(ARTICLE)[1]
        assert headers["X-Front-Cache"] == "FILE", machine.name
    # Rendered at most once (the demo may have warmed it), whichever machine did.
    assert cluster.renders(ARTICLE) - renders <= 1


def test_a_publish_on_one_machine_reaches_every_front_within_two_seconds_rendered_once(cluster):
    warm(cluster, ARTICLE)
    first = cluster.machines[0]
    renders = cluster.renders(ARTICLE)
    marker = f"Cluster marker {time.time_ns()}"
    # Readers on every front while it changes: each could render the page.
    stop = threading.Event()

    def read(machine):
        while not stop.is_set():
            machine.fetch(ARTICLE)

    readers = [threading.Thread(target=read, args=(m,)) for m in cluster.machines * 2]
    for reader in readers:
        reader.start()
    try:
        fronts = [(m, ARTICLE) for m in cluster.machines]
        links = [(m, SHARED_LINK) for m in cluster.machines]
        watch = Watch([*fronts, *links, (Balancer(cluster), ARTICLE)], marker)
        published, _ = publish(first, ARTICLE_SLUG, marker)
        seen = watch.wait()
    finally:
        stop.set()
        for reader in readers:
            reader.join()
    delays = {" ".join(place): round(at - published, 2) for place, at in seen.items()}
    print(f"\nchange visible after (s): {delays}")
    assert len(seen) == 7, f"changed only on {sorted(delays)}"
    assert max(delays.values()) <= 2, delays
    assert cluster.renders(ARTICLE) - renders == 1
    # Every front sends it as a file again, written from the one render.
    for machine in cluster.machines:
        machine.fetch(ARTICLE)
        headers, body = machine.fetch(ARTICLE)[1:]
        assert headers["X-Front-Cache"] == "FILE" and marker in body, machine.name


def wrk(url, seconds, connections=64):
    """(requests, errors) of `seconds` of wrk: error answers and failed sockets alike."""
    result = run_wrk(url, connections, seconds=seconds)
    return result["requests"], result["errors"]


def test_losing_a_machine_under_load_loses_no_reader_comment_or_publish(cluster):
    first, _, lost = cluster.machines
    warm(cluster, ARTICLE)
    form = CommentForm(cluster.url, ARTICLE)
    scheduled_deck = f"Scheduled during the outage {time.time_ns()}"
    publishes_before, _ = publishes_of(first, SCHEDULED_SLUG)
    # Due while the machine is down. The shell counts the seconds once it has
    # started (seen: 36 s for one `dateline shell` with the machine's load at
    # 20); what it does after that is one save.
    _, due = publish(first, SCHEDULED_SLUG, scheduled_deck, go_live_in=20)
    assert time.time() < due - 4, "the machine was too busy to schedule in time"
    time.sleep(due - 4 - time.time())
    results = {}
    try:
        with Commenters(form, threads=2) as commenters:
            spanning = threading.Thread(
                target=lambda: results.update(during=wrk(cluster.url + ARTICLE, 4))
            )
            spanning.start()
            time.sleep(2)
            lost.kill()
            killed_at = time.monotonic()
            spanning.join()
            # Past the requests the machine was answering: nothing may fail.
            time.sleep(max(0, killed_at + 1 - time.monotonic()))
            results["after"] = wrk(cluster.url + ARTICLE, 4)
            marker = f"Published while a machine was down {time.time_ns()}"
            publish(first, ARTICLE_SLUG, marker)
    finally:
        # The machine comes back on its old address, whatever happened.
        lost.start()
    print(f"\nwrk through the balancer (requests, errors): {results}")
    assert not commenters.errors, commenters.errors
    assert results["after"][1] == 0, results
    # At most the requests in flight on the lost machine (64 connections).
    assert results["during"][1] <= 64, results

    # Readers who got an error page send the same form again; each comment is stored once.
    sent = list(commenters.sent)
    unanswered = [s for s in sent if not s.acknowledged]
    for submission in unanswered:
        assert form.send(submission).acknowledged, (submission.status, submission.page[:300])
    stored = stored_comments(first.env, commenters.run)
    print(f"comments: {len(sent)} posted, {len(unanswered)} sent again, {len(stored)} stored")
    assert sorted(stored) == sorted(s.body for s in sent)
    assert all(len(rows) == 1 for rows in stored.values())

    # The scheduled publish went live, by a worker of a machine still up (that it
    # goes live only once is the next test's).
    deadline = time.monotonic() + 20
    while publishes_of(first, SCHEDULED_SLUG)[1] != scheduled_deck:
        assert time.monotonic() < deadline, "the scheduled publish never went live"
        time.sleep(0.5)
    assert publishes_of(first, SCHEDULED_SLUG)[0] > publishes_before

    # Back, it serves what was published while it was down, as files again, with
    # nothing from before its crash.
    assert marker in lost.fetch(ARTICLE)[2]
    assert lost.fetch(ARTICLE)[1]["X-Front-Cache"] == "FILE"
    # The balancer sends it readers again (it was left out for fail_timeout).
    time.sleep(3)
    served_before = len(lost.app.json_log())
    for number in range(30):  # each address its own: none is in any cache
        assert fetch(cluster.url + ARTICLE + f"?rejoined={number}")[0] == 200
    assert len(lost.app.json_log()) > served_before


# Every machine runs a worker; scheduling passes take a cluster-wide lock
# (operations/cluster_lock.py), so a due page goes live once.
def test_a_scheduled_publish_goes_live_once_with_a_worker_on_every_machine(cluster):
    first = cluster.machines[0]
    deck = f"Scheduled once {time.time_ns()}"
    before, _ = publishes_of(first, SCHEDULED_SLUG)
    publish(first, SCHEDULED_SLUG, deck, go_live_in=8)
    deadline = time.monotonic() + 60
    while publishes_of(first, SCHEDULED_SLUG)[1] != deck:
        assert time.monotonic() < deadline, "the scheduled publish never went live"
        time.sleep(0.5)
    time.sleep(3)  # every worker has had a pass (WORKER_INTERVAL=1) since it was due
    assert publishes_of(first, SCHEDULED_SLUG) == (before + 1, deck)


def test_losing_redis_is_survived_degraded_and_purges_resume(cluster):
    cluster.redis.stop()
    try:
        for _ in range(3):
            for path in (ARTICLE, "/", "/world/"):
                assert fetch(cluster.url + path)[0] == 200, path
        status, _, readiness = fetch(cluster.machines[0].url + "/readyz")
        assert status == 200 and "degraded" in readiness
    finally:
        cluster.redis.start()
    # Every process subscribes again by itself (within its back-off); then a
    # publish reaches every front as before.
    time.sleep(6)
    marker = f"After Redis came back {time.time_ns()}"
    watch = Watch([(m, ARTICLE) for m in cluster.machines], marker)
    published, _ = publish(cluster.machines[1], ARTICLE_SLUG, marker)
    seen = watch.wait()
    assert len(seen) == 3 and max(seen.values()) - published <= 2
