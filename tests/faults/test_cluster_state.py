"""Two app "machines" (each its own `dateline serve`, worker and var/ folder, nothing
shared on disk) on one PostgreSQL and one Redis: what one machine knows about a
reader or an editor, the other knows too.

Sessions live in the database, sign-in lockouts too (django-axes), comment rate
limits in the shared Redis, TOTP codes are used up in the database under a row
lock, and scheduled publishing runs on one worker at a time (an advisory lock).
"""

import base64
import json
import os
import shutil
import threading
import time
import urllib.parse

import psycopg
import pytest
from bs4 import BeautifulSoup
from django_otp.oath import TOTP

from dateline.testing.private_site import one_article_site, private_env
from dateline.testing.requirements import require
from dateline.testing.servers import (
    DATELINE,
    DatelineServer,
    PrivatePostgres,
    PrivateRedis,
    Process,
    dateline,
    fetch,
)

from .commenters import CommentForm
from .services import browser

pytestmark = pytest.mark.faults

ARTICLE = "/world/quota-talks/"
PASSWORD = "two machines, one newsroom 8"


@pytest.fixture(scope="module")
def cluster(tmp_path_factory):
    require("faults")
    postgres = PrivatePostgres()
    redis = PrivateRedis()
    var_a, var_b = tmp_path_factory.mktemp("machine-a"), tmp_path_factory.mktemp("machine-b")
    env = private_env(
        var_a,
        postgres,
        redis,
        LOGIN_FAILURE_LIMIT="3",
        DJANGO_SUPERUSER_PASSWORD=PASSWORD,
        TRUSTED_PROXIES="127.0.0.1",
        COMMENTS_RATE_LIMITS=json.dumps({"ip": [[3, 60]], "email": []}),
    )
    servers = []
    try:
        one_article_site(postgres, env)
        for name in ("desk", "second"):
            dateline(
                env, "createsuperuser", "--noinput", "--username", name, "--email", f"{name}@x.org"
            )
        shutil.copytree(var_a / "static", var_b / "static")  # machine B's own copy
        machines = {"a": env, "b": {**env, "DATELINE_VAR_DIR": str(var_b)}}
        servers.append(DatelineServer(machines["a"], workers=1))
        servers.append(DatelineServer(machines["b"], workers=1))
        yield {
            "a": servers[0],
            "b": servers[1],
            "env": machines,
            "postgres": postgres,
        }
    finally:
        for server in servers:
            server.stop()
        redis.stop()
        postgres.destroy()


def sign_in(server, username, password, code=None):
    opener = browser()
    status, _, page = fetch(server.url + "/admin/login/", opener=opener)
    assert status == 200
    token = BeautifulSoup(page, "html.parser").select_one("[name=csrfmiddlewaretoken]")["value"]
    form = {"csrfmiddlewaretoken": token, "username": username, "password": password}
    if code is not None:
        form["otp_token"] = code
    status, _, body = fetch(
        server.url + "/admin/login/", data=urllib.parse.urlencode(form).encode(), opener=opener
    )
    return opener, status, body


def test_an_editor_signed_in_on_one_machine_is_signed_in_on_the_other(cluster):
    editor, status, _ = sign_in(cluster["a"], "desk", PASSWORD)
    assert status == 302
    status, headers, body = fetch(cluster["b"].url + "/admin/", opener=editor)
    assert status == 200, headers.get("Location")
    assert "Dashboard" in body
    # Signing out on B ends the session on A as well.
    jar = next(handler.cookiejar for handler in editor.handlers if hasattr(handler, "cookiejar"))
    token = next(cookie.value for cookie in jar if cookie.name == "csrftoken")
    fetch(
        cluster["b"].url + "/admin/logout/",
        data=urllib.parse.urlencode({"csrfmiddlewaretoken": token}).encode(),
        opener=editor,
    )
    status, headers, _ = fetch(cluster["a"].url + "/admin/", opener=editor)
    assert status == 302 and "/admin/login/" in headers["Location"]


def test_wrong_passwords_on_both_machines_add_up_to_one_lockout(cluster):
    a, b = cluster["a"], cluster["b"]
    answers = [sign_in(server, "desk", "not the password")[1] for server in (a, b, a)]
    assert answers == [200, 200, 429]  # LOGIN_FAILURE_LIMIT=3, counted across machines
    assert sign_in(b, "desk", PASSWORD)[1] == 429
    dateline(cluster["env"]["a"], "axes_reset_username", "desk")
    assert sign_in(b, "desk", PASSWORD)[1] == 302


def current_code(secret):
    step = 30
    if time.time() % step > step - 6:  # too near the next code: wait for it
        time.sleep(step - time.time() % step + 0.5)
    totp = TOTP(base64.b32decode(secret + "=" * (-len(secret) % 8)), step=step, digits=6)
    totp.time = time.time()
    return f"{totp.token():06d}"


def test_one_authenticator_code_signs_in_once_across_machines(cluster):
    a, b = cluster["a"], cluster["b"]
    enrolled = dateline(cluster["env"]["a"], "totp_enrol", "second").stdout
    url = next(line for line in enrolled.split() if line.startswith("otpauth://"))
    secret = urllib.parse.parse_qs(urllib.parse.urlsplit(url).query)["secret"][0]
    try:
        code = current_code(secret)
        start = threading.Barrier(2)
        answers = {}

        def attempt(server):
            opener = browser()
            _, _, page = fetch(server.url + "/admin/login/", opener=opener)
            soup = BeautifulSoup(page, "html.parser")
            form = {
                "csrfmiddlewaretoken": soup.select_one("[name=csrfmiddlewaretoken]")["value"],
                "username": "second",
                "password": PASSWORD,
                "otp_token": code,
            }
            start.wait()
            answers[server.port] = fetch(
                server.url + "/admin/login/",
                data=urllib.parse.urlencode(form).encode(),
                opener=opener,
            )[:2]

        threads = [threading.Thread(target=attempt, args=(s,)) for s in (a, b)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=120)
        statuses = sorted(status for status, _ in answers.values())
        # The code is used once: one machine signs the editor in, the other refuses it.
        assert statuses == [200, 302], answers
        # And later, on either machine, it is still used up.
        for server in (a, b):
            time.sleep(2.5)  # past django-otp's throttle, which doubles after each wrong code
            _, status, body = sign_in(server, "second", PASSWORD, code)
            assert status == 200 and "That authenticator code is not right" in body
    finally:
        dateline(cluster["env"]["a"], "totp_enrol", "second", "--remove")


def test_a_reader_rate_limit_counts_posts_on_both_machines(cluster):
    forms = [CommentForm(cluster["a"].url, ARTICLE), CommentForm(cluster["b"].url, ARTICLE)]
    if time.time() % 60 > 40:  # the limit's one-minute window: start near its beginning
        time.sleep(60.5 - time.time() % 60)
    drafts = [forms[i % 2].start_writing("limits", address="2001:db8:cafe::1") for i in range(4)]
    sent = [forms[i % 2].send(draft) for i, draft in enumerate(drafts)]
    assert [s.acknowledged for s in sent] == [True, True, True, False]
    assert sent[3].status == 429  # on machine B, which itself saw only one post before


SCHEDULE = """
from datetime import timedelta
from django.utils import timezone
from dateline.news.models import ArticlePage, SectionPage
section = SectionPage.objects.get(slug="world")
for n in range({count}):
    page = section.add_child(instance=ArticlePage(
        title=f"Scheduled story {{n}}", slug=f"scheduled-{{n}}", deck="Due soon.",
        body=[{{"type": "paragraph", "value": "<p>Held for the hour.</p>"}}], live=False))
    page.go_live_at = timezone.now() + timedelta(hours=1)
    page.save_revision().publish()
"""

# The scheduled versions fall due together, a moment ago: what an editor set an
# hour ago, once the hour has passed.
FALL_DUE = """
UPDATE wagtailcore_revision SET approved_go_live_at = now() - interval '1 second',
    content = jsonb_set(content, '{go_live_at}', to_jsonb(to_char(
        (now() - interval '1 second') AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"')))
WHERE approved_go_live_at IS NOT NULL;
UPDATE wagtailcore_page SET go_live_at = now() - interval '1 second'
WHERE slug LIKE 'scheduled-%';
"""


def test_two_workers_publish_each_due_article_exactly_once(cluster):
    count = 20
    env_a, env_b = cluster["env"]["a"], cluster["env"]["b"]
    dateline(env_a, "shell", "-c", SCHEDULE.format(count=count))
    workers = [
        Process(
            [*DATELINE, "worker", "--interval", "1"],
            os.path.join(env["DATELINE_VAR_DIR"], "worker.log"),
            env=env,
        )
        for env in (env_a, env_b)
    ]
    try:
        deadline = time.time() + 300  # a busy machine starts Django slowly
        while not all("Dateline worker" in w.log() for w in workers):
            assert time.time() < deadline, [w.log()[-2000:] for w in workers]
            time.sleep(0.5)
        time.sleep(2)  # both on their passes
        assert live_scheduled(cluster) == 0
        with psycopg.connect(cluster["postgres"].url) as conn:
            conn.execute(FALL_DUE)
        deadline = time.time() + 120
        while time.time() < deadline and live_scheduled(cluster) < count:
            time.sleep(0.5)
        time.sleep(3)  # both workers make more passes
    finally:
        for worker in workers:
            worker.stop()
    with psycopg.connect(cluster["postgres"].url) as conn:
        rows = conn.execute(
            "SELECT p.slug, p.live,"
            " (SELECT count(*) FROM wagtailcore_pagelogentry e"
            "   WHERE e.page_id = p.id AND e.action = 'wagtail.publish.scheduled'),"
            " (SELECT count(*) FROM wagtailcore_revision r"
            "   WHERE r.object_id = p.id::text AND r.content_type_id = p.content_type_id)"
            " FROM wagtailcore_page p WHERE p.slug LIKE 'scheduled-%' ORDER BY p.slug"
        ).fetchall()
    assert len(rows) == count
    assert [(slug, live, published) for slug, live, published, _ in rows] == [
        (slug, True, 1) for slug, *_ in rows
    ]
    assert {revisions for *_, revisions in rows} == {1}


def live_scheduled(cluster):
    with psycopg.connect(cluster["postgres"].url) as conn:
        return conn.execute(
            "SELECT count(*) FROM wagtailcore_page WHERE slug LIKE 'scheduled-%' AND live"
        ).fetchone()[0]
