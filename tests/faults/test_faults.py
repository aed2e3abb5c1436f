"""Faults, for real: PostgreSQL stopped and restarted under load, Redis gone,
and two app servers sharing one database and one Redis.

Each test module owns a private PostgreSQL (initdb in a temporary folder) and
redis-server on free ports, and runs the real `dateline serve` against them.
"""

import os
import time
import urllib.parse
import uuid

import pytest
from bs4 import BeautifulSoup

from dateline.testing.migrated import migrated
from dateline.testing.private_site import migrate
from dateline.testing.requirements import require
from dateline.testing.servers import (
    DatelineServer,
    PrivatePostgres,
    PrivateRedis,
    dateline,
    fetch,
)
from dateline.testing.static_files import collected_static

from .commenters import Commenters, CommentForm, stored_comments
from .services import Crowd, browser

pytestmark = pytest.mark.faults

ARTICLE = "/world/president-heads-north-for-skarholm-summit/"
HEADLINE = "President Varga heads north for the Skarholm fisheries summit"
READER_PATHS = ["/", ARTICLE, "/world/", "/tags/fisheries/"]
EDITOR_PASSWORD = "fault-tolerant passphrase 8"


@pytest.fixture(scope="module")
def stack(tmp_path_factory):
    require("faults")
    postgres = PrivatePostgres()
    redis = PrivateRedis()
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DATABASE_URL", "REDIS_URL", "MEDIA_ROOT", "DJANGO_SETTINGS_MODULE"}
    }
    env.update(
        DATELINE_VAR_DIR=str(tmp_path_factory.mktemp("faults-var")),
        DATABASE_URL=postgres.url,
        REDIS_URL=redis.url,
        SECRET_KEY="faults-" + "k" * 60,
        LOG_FORMAT="json",
        LOG_LEVEL="WARNING",
        LOGIN_FAILURE_LIMIT="3",
        DJANGO_SUPERUSER_PASSWORD=EDITOR_PASSWORD,
        # The commenters stand in for nginx's readers: their X-Forwarded-For is
        # believed, as it would be from nginx (deploy/dateline.env).
        TRUSTED_PROXIES="127.0.0.1",
    )
    servers = []
    try:
        collected_static(env)
        migrate(postgres, env)
        dateline(env, "createsuperuser", "--noinput", "--username", "desk", "--email", "d@x.org")
        dateline(env, "load_demo")  # renders its pages, so it needs the static files
        servers.append(DatelineServer(env, workers=2))
        servers.append(DatelineServer(env, workers=1))
        yield {"postgres": postgres, "redis": redis, "a": servers[0], "b": servers[1], "env": env}
    finally:
        for server in servers:
            server.stop()
        if redis.process.poll() is None:
            redis.stop()
        postgres.destroy()


class Load(Crowd):
    """Readers requesting pages continuously from a few threads."""

    def __init__(self, base, threads=3):
        super().__init__(threads)
        self.base = base
        self.results = []  # (started, path, status, headers, body, finished)

    def work(self, offset):
        i = offset
        while not self.stopping:
            path = READER_PATHS[i % len(READER_PATHS)]
            started = time.monotonic()
            status, headers, body = fetch(self.base + path, timeout=20)
            self.results.append((started, path, status, headers, body, time.monotonic()))
            i += 1
            time.sleep(0.02)


def wait_until(condition, timeout=30, interval=0.25):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(interval)
    return False


def test_postgres_restart_under_load_gives_503s_then_recovers(stack):
    a, postgres = stack["a"], stack["postgres"]
    assert fetch(a.url + ARTICLE)[0] == 200

    with Load(a.url) as load:
        time.sleep(1.0)
        postgres.stop()
        stopped_at = time.monotonic()
        time.sleep(2.5)
        ready_status, _, ready_body = fetch(a.url + "/readyz")
        live_status = fetch(a.url + "/healthz")[0]
        # A page nobody has cached yet needs the database: the 503 page.
        uncached_status, uncached_headers, uncached_body = fetch(
            a.url + "/world/?page=1&during-outage=1"
        )
        # PostgreSQL accepts connections before `pg_ctl start -w` returns:
        # only what was answered before the restart began surely had no database.
        restarting_at = time.monotonic()
        postgres.start()
        recovered = wait_until(lambda: fetch(a.url + ARTICLE)[0] == 200, timeout=30)
        recovered_at = time.monotonic()
        time.sleep(3.0)

    assert not load.errors, load.errors
    assert recovered, "the site did not recover by itself after PostgreSQL came back"
    assert ready_status == 503 and '"database": {"status": "down"' in ready_body
    assert live_status == 200  # alive: no restart loop because the database is down

    statuses = [r[2] for r in load.results]
    assert set(statuses) <= {200, 503}, f"unexpected statuses: {sorted(set(statuses))}"
    # Requests made entirely while the database was down.
    outage = [r for r in load.results if stopped_at < r[0] and r[5] < restarting_at]
    # Pages already in the page cache keep being served; the rest get the 503 page.
    assert outage and all(
        r[2] == 503 or (r[2] == 200 and r[3]["X-Cache"] in {"HIT", "STALE"}) for r in outage
    )
    assert uncached_status == 503 and uncached_headers["Retry-After"] == "15"
    assert "We’ll be back in a moment" in uncached_body and "Traceback" not in uncached_body
    for _, _, status, headers, body, _ in load.results:
        assert "Traceback" not in body and "OperationalError" not in body
        if status == 503:
            assert headers["Retry-After"] == "15"
            assert "We’ll be back in a moment" in body
            assert "it was not saved" in body
    # Each worker reconnects on its own next request; a second later all serve.
    after = [r for r in load.results if r[0] > recovered_at + 1.0]
    warnings = [line for line in a.json_log() if line["level"] != "INFO"]
    assert after and all(r[2] == 200 for r in after), warnings[-5:]

    # Every request left one JSON log line with its request id; the outage is visible.
    lines = [line for line in a.json_log() if line.get("logger") == "dateline.requests"]
    assert any(line["status"] == 503 for line in lines)
    assert all(len(line["request_id"]) == 32 for line in lines)
    assert not any("127.0.0.1" in str(line) for line in lines)


def test_no_acknowledged_comment_is_lost_when_postgres_restarts(stack):
    a, postgres = stack["a"], stack["postgres"]
    form = CommentForm(a.url, ARTICLE)
    with Commenters(form, threads=4) as commenters:
        assert wait_until(lambda: sum(s.acknowledged for s in commenters.sent) >= 10, timeout=60)
        postgres.stop()
        stopped_at = time.monotonic()
        time.sleep(3.0)
        restarting_at = time.monotonic()  # as above: PostgreSQL is up before start() returns
        postgres.start()
        restarted_at = time.monotonic()
        back = wait_until(
            lambda: any(s.acknowledged and s.sent_at > restarted_at for s in commenters.sent),
            timeout=30,
        )
        time.sleep(1.0)
    assert not commenters.errors, commenters.errors
    assert back, "comments were not accepted again after PostgreSQL came back"
    sent = list(commenters.sent)

    # Every answer is an acknowledgement or the 503 page that says nothing was saved.
    assert {s.status for s in sent} <= {303, 503}, sorted({s.status for s in sent})
    refused = [s for s in sent if s.status == 503]
    for submission in refused:
        assert "it was not saved" in submission.page and "Traceback" not in submission.page
    during = [s for s in sent if s.sent_at > stopped_at and s.answered_at < restarting_at]
    assert during and all(s.status == 503 for s in during)
    acknowledged_first = [s for s in sent if s.acknowledged]

    # The refused readers go back and send the same form again, as the page asks.
    for submission in refused:
        assert form.send(submission).acknowledged, (submission.status, submission.page[:300])

    stored = stored_comments(stack["env"], commenters.run)
    print(
        f"\ncomments during a PostgreSQL restart: {len(sent)} posted, "
        f"{len(acknowledged_first)} acknowledged at once, {len(refused)} got the 503 page "
        f"({len(during)} sent and answered inside the {restarting_at - stopped_at:.1f} s "
        f"outage), {sum(s.outcome == 'already_received' for s in refused)} of those were "
        f"in fact stored; {sum(len(rows) for rows in stored.values())} rows stored"
    )
    # Acknowledged == stored: one row for each submission, the one its answer named,
    # and each with the verification mail it queued.
    assert sorted(stored) == sorted(s.body for s in sent)
    for submission in sent:
        ((comment_id, status, verification_tasks),) = stored[submission.body]
        assert comment_id == submission.comment_id
        assert status == "pending" and verification_tasks == 1


def sign_in(server, username, password):
    opener = browser()
    status, _, page = fetch(server.url + "/admin/login/", opener=opener)
    assert status == 200
    token = BeautifulSoup(page, "html.parser").select_one("[name=csrfmiddlewaretoken]")["value"]
    form = {"csrfmiddlewaretoken": token, "username": username, "password": password}
    status, headers, body = fetch(
        server.url + "/admin/login/", data=urllib.parse.urlencode(form).encode(), opener=opener
    )
    return opener, status, body


def test_redis_down_pages_served_health_says_so_and_lockout_holds(stack):
    a, redis = stack["a"], stack["redis"]
    redis.stop()
    try:
        started = time.monotonic()
        status, _, body = fetch(a.url + ARTICLE)
        assert status == 200 and HEADLINE in body
        for path in READER_PATHS:
            assert fetch(a.url + path)[0] == 200
        assert time.monotonic() - started < 10

        status, _, body = fetch(a.url + "/readyz")
        assert status == 200
        assert '"status": "degraded"' in body and '"cache": {"status": "down"' in body

        # Sign-in limits are kept in the database, so losing Redis does not lift them.
        for _ in range(2):
            assert sign_in(a, "desk", "not the password")[1] == 200
        assert sign_in(a, "desk", "not the password")[1] == 429
        assert sign_in(a, "desk", EDITOR_PASSWORD)[1] == 429
    finally:
        redis.start()
    assert wait_until(lambda: '"status": "ok"' in fetch(a.url + "/readyz")[2])
    dateline(stack["env"], "axes_reset_username", "desk")


def burst(forms, run, address, count):
    """`count` comments from one reader address (each with its own email), sent in
    turn through `forms`, within one of the limits' fixed one-minute windows."""
    seconds_into_minute = time.time() % 60
    if seconds_into_minute > 45:  # too near the next window: wait for it
        time.sleep(60.5 - seconds_into_minute)
    drafts = [forms[i % len(forms)].start_writing(run, address=address) for i in range(count)]
    return [forms[i % len(forms)].send(draft) for i, draft in enumerate(drafts)]


def test_redis_down_comments_are_taken_and_limits_hold_in_each_process(stack):
    a, b, redis = stack["a"], stack["b"], stack["redis"]
    form_a, form_b = CommentForm(a.url, ARTICLE), CommentForm(b.url, ARTICLE)
    run = uuid.uuid4().hex[:10]
    redis.stop()
    try:
        for server in (a, b):
            status, _, body = fetch(server.url + "/readyz")
            assert status == 200
            assert '"status": "degraded"' in body and '"cache": {"status": "down"' in body
        # Server B runs one process, so its own count is the whole limit: 5 a minute.
        during = burst([form_b], run, "2001:db8:ffff::1", 6)
        # Another reader is not refused because the first one was.
        other = form_b.send(form_b.start_writing(run, address="2001:db8:ffff::2"))
    finally:
        redis.start()
    assert [s.outcome for s in during[:5]] == ["created"] * 5
    assert during[5].status == 429 and not during[5].outcome
    assert "please post it again a little later" in during[5].page
    assert other.acknowledged

    # Back to normal once each thread's breaker has let Redis be for its 5 seconds.
    assert wait_until(lambda: '"status": "ok"' in fetch(b.url + "/readyz")[2])
    time.sleep(5.5)
    assert fetch(b.url + ARTICLE)[0] == 200
    assert fetch(b.url + ARTICLE)[1]["X-Cache"] == "HIT"  # pages are cached again
    # One count for the whole site again: the sixth post is refused on B although
    # B itself saw only the second and fourth.
    after = burst([form_a, form_b], run, "2001:db8:ffff::3", 6)
    assert [s.outcome for s in after[:5]] == ["created"] * 5
    assert after[5].status == 429

    stored = stored_comments(stack["env"], run)
    accepted = [s for s in [*during, other, *after] if s.acknowledged]
    assert sorted(stored) == sorted(s.body for s in accepted)
    assert all(
        rows == [(s.comment_id, "pending", 1)] for s in accepted for rows in [stored[s.body]]
    )


def test_a_publish_on_one_server_is_seen_on_the_other(stack):
    a, b, env = stack["a"], stack["b"], stack["env"]
    page_id = dateline(
        env,
        "shell",
        "-c",
        "from dateline.news.models import ArticlePage;"
        "print(ArticlePage.objects.get(slug='president-heads-north-for-skarholm-summit').pk)",
    ).stdout.split()[-1]  # after the shell's note on what it imported
    for server in (a, b):
        status, _, body = fetch(server.url + ARTICLE)
        assert status == 200 and HEADLINE in fetch(server.url + "/")[2]

    # An editor unpublishes the story through server A's admin...
    editor, status, _ = sign_in(a, "desk", EDITOR_PASSWORD)
    assert status == 302
    _, _, confirm = fetch(f"{a.url}/admin/pages/{page_id}/unpublish/", opener=editor)
    token = BeautifulSoup(confirm, "html.parser").select_one("[name=csrfmiddlewaretoken]")["value"]
    status, _, _ = fetch(
        f"{a.url}/admin/pages/{page_id}/unpublish/",
        data=urllib.parse.urlencode({"csrfmiddlewaretoken": token}).encode(),
        opener=editor,
    )
    assert status == 302
    # ...and readers of server B no longer get it.
    assert fetch(b.url + ARTICLE)[0] == 404
    assert HEADLINE not in fetch(b.url + "/")[2]

    # Published again from a third process: both servers show it.
    dateline(
        env,
        "shell",
        "-c",
        "from dateline.news.models import ArticlePage;"
        f"ArticlePage.objects.get(pk={page_id}).get_latest_revision().publish()",
    )
    for server in (a, b):
        assert fetch(server.url + ARTICLE)[0] == 200
        assert HEADLINE in fetch(server.url + "/")[2]


def test_backup_from_postgresql_restores_on_a_new_embedded_server(stack, tmp_path):
    """A round trip through the archive onto a new machine, changing engines on the way."""
    archive = tmp_path / "newsroom.tar.gz"
    dateline(stack["env"], "backup", str(archive))

    new_var = tmp_path / "new-server"
    new_var.mkdir()
    new_env = {k: v for k, v in stack["env"].items() if k not in {"DATABASE_URL", "REDIS_URL"}}
    new_env["DATELINE_VAR_DIR"] = str(new_var)
    count = (
        "from dateline.news.models import ArticlePage;"
        "from wagtail.images import get_image_model;"
        "print(sorted(ArticlePage.objects.published().values_list('slug', flat=True)),"
        " sorted(i.file.name for i in get_image_model().objects.all()))"
    )
    before = dateline(stack["env"], "shell", "-c", count).stdout.splitlines()[-1]

    migrated(new_env)
    restored = dateline(new_env, "restore", str(archive), "--noinput").stdout
    assert "Restored the backup" in restored
    after = dateline(new_env, "shell", "-c", count).stdout.splitlines()[-1]
    assert after == before
    assert "president-heads-north-for-skarholm-summit" in after
    media = new_var / "media" / "original_images"
    originals = sorted(p.name for p in media.iterdir())
    assert originals and all(name in after for name in originals)
