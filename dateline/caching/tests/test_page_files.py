"""Page files: the copies nginx sends as plain files, and how they go when a page changes."""

import os
import re
import subprocess
import time
from pathlib import Path

import pytest
from django.core.cache import cache

from dateline.caching import broadcast, files, keys
from dateline.caching.middleware import AnonymousPageCacheMiddleware
from dateline.caching.purge import purge_paths, purge_site
from dateline.news.models import SectionPage

ARTICLE = "/world/president-heads-north-for-skarholm-summit/"
OTHER_SECTION_ARTICLE = "/science/kelp-forests-are-coming-back-survey-finds/"
NGINX_CONF = Path(__file__).resolve().parents[3] / "deploy" / "nginx.conf"


@pytest.fixture(autouse=True)
def page_files(settings, demo_site, tmp_path):
    settings.DATELINE_PAGE_CACHE = {"enabled": True, "fresh_seconds": 300, "stale_seconds": 600}
    settings.DATELINE_PAGE_FILES_DIR = str(tmp_path / "page-files")
    cache.clear()
    yield tmp_path / "page-files"
    cache.clear()


def stored(folder, path, host="testserver", scheme="http"):
    return folder / scheme / host / path.lstrip("/") / "index.html"


def test_a_fresh_anonymous_page_is_written_as_the_bytes_readers_got(client, page_files):
    before = time.time()
    response = client.get(ARTICLE)
    assert response["X-Cache"] == "MISS"
    written = stored(page_files, ARTICLE)
    assert written.read_bytes() == response.content
    # Its time is the render's: nginx sends it as Last-Modified.
    assert before - 1 <= written.stat().st_mtime <= time.time()
    assert oct(written.stat().st_mode & 0o777) == "0o644"


@pytest.mark.parametrize(
    "request_kwargs",
    [
        {"path": ARTICLE, "data": {"page": "2"}},
        {"path": "/feeds/rss/"},
        {"path": "/world/no-such-story/"},
        {"path": "/sitemap.xml"},
    ],
    ids=["query string", "feed", "not found", "not a folder address"],
)
def test_only_plain_html_pages_are_written(client, page_files, request_kwargs):
    client.get(**request_kwargs)
    pages = [page_files / scheme for scheme in files.SCHEMES]
    assert [p for folder in pages for p in folder.rglob("*") if p.is_file()] == []


def test_editors_pages_are_never_written(client, page_files, django_user_model):
    editor = django_user_model.objects.create_superuser("ed", "ed@example.com", "pw")
    client.force_login(editor)
    client.get(ARTICLE)
    assert not stored(page_files, ARTICLE).exists()


def test_publishing_deletes_the_files_that_show_the_article_and_no_others(
    client, page_files, summit_article, django_capture_on_commit_callbacks
):
    for path in (ARTICLE, "/", "/world/", OTHER_SECTION_ARTICLE, "/science/"):
        client.get(path)
        assert stored(page_files, path).exists(), path

    summit_article.title = "Summit moved to Tuesday"
    with django_capture_on_commit_callbacks(execute=True):
        summit_article.save_revision().publish()

    for path in (ARTICLE, "/", "/world/"):
        assert not stored(page_files, path).exists(), path
    for path in (OTHER_SECTION_ARTICLE, "/science/"):
        assert stored(page_files, path).exists(), path
    # The next reader gets the new version, and it is written again.
    assert b"Summit moved to Tuesday" in client.get(ARTICLE).content
    assert b"Summit moved to Tuesday" in stored(page_files, ARTICLE).read_bytes()


def test_a_change_every_page_shows_deletes_every_file(
    client, page_files, django_capture_on_commit_callbacks
):
    for path in (ARTICLE, OTHER_SECTION_ARTICLE, "/"):
        client.get(path)
    section = SectionPage.objects.get(slug="science")
    section.title = "Science and Nature"
    with django_capture_on_commit_callbacks(execute=True):
        section.save_revision().publish()
    assert list(page_files.rglob("index.html")) == []


def test_a_page_another_machine_rendered_is_written_here_on_its_first_hit(client, page_files):
    rendered = client.get(ARTICLE)
    written = stored(page_files, ARTICLE)
    # This machine has no file: another machine rendered the page into the shared cache.
    written.unlink()
    response = client.get(ARTICLE)
    assert response["X-Cache"] == "HIT"
    assert written.read_bytes() == rendered.content
    # Aged from the render, not from the copy: the sweeper keeps the same bound.
    assert written.stat().st_mtime <= time.time() - int(response["Age"])


def test_a_purged_page_is_not_written_back_from_its_old_entry(client, page_files):
    client.get(ARTICLE)
    purge_paths([ARTICLE])
    # Rendered again (a MISS writes the new file); the old entry is never copied.
    assert client.get(ARTICLE)["X-Cache"] == "MISS"
    assert stored(page_files, ARTICLE).exists()


@pytest.fixture
def this_machine(redis_cache):
    """This machine's page files hearing purge notices, like one app process of it."""
    notices = files.PurgeNotices(listener=broadcast.Listener())
    notices.ensure_started()
    deadline = time.monotonic() + 5
    while not notices.listener.is_listening:
        assert time.monotonic() < deadline, "the purge listener never subscribed"
        time.sleep(0.02)
    yield notices
    notices.listener.stop()


def wait_until_gone(target, seconds=2):
    deadline = time.monotonic() + seconds
    while target.exists():
        assert time.monotonic() < deadline, f"{target} still there after {seconds} s"
        time.sleep(0.01)


def test_a_purge_on_another_machine_deletes_this_machines_files(client, page_files, this_machine):
    for path in (ARTICLE, OTHER_SECTION_ARTICLE):
        client.get(path)
        assert stored(page_files, path).exists()
    # What another machine's purge sends here (its markers and files are its own).
    broadcast.announce([ARTICLE])
    wait_until_gone(stored(page_files, ARTICLE))
    assert stored(page_files, OTHER_SECTION_ARTICLE).exists()
    broadcast.announce([broadcast.EVERY_PATH])
    wait_until_gone(stored(page_files, OTHER_SECTION_ARTICLE))


def test_a_machine_that_may_have_missed_notices_drops_its_files(client, page_files, this_machine):
    client.get(ARTICLE)
    assert stored(page_files, ARTICLE).exists()
    # The subscription is lost (Redis restarted, the process stopping): a purge
    # may come unheard, so nothing this machine wrote is sent any more.
    this_machine.listener.stop()
    wait_until_gone(stored(page_files, ARTICLE))


def test_a_server_process_starting_drops_the_files_and_listens_at_once(
    client, page_files, redis_cache, monkeypatch
):
    client.get(ARTICLE)
    assert stored(page_files, ARTICLE).exists()
    # The machine comes back from a crash: what its files show may predate a purge
    # it never heard, and nginx sends them without asking the app.
    starting = files.PurgeNotices(listener=broadcast.Listener())
    monkeypatch.setattr(files, "notices", starting)
    try:
        files.server_process_started()
        assert not stored(page_files, ARTICLE).exists()
        # Listening before its first request: another machine's purge is heard.
        deadline = time.monotonic() + 5
        while not starting.listener.is_listening:
            assert time.monotonic() < deadline, "the purge listener never subscribed"
            time.sleep(0.02)
        client.get(ARTICLE)
        assert stored(page_files, ARTICLE).exists()
        broadcast.announce([ARTICLE])
        wait_until_gone(stored(page_files, ARTICLE))
    finally:
        starting.listener.stop()


def test_a_page_purged_while_it_rendered_is_not_written(client, page_files, monkeypatch):
    real_get_response = AnonymousPageCacheMiddleware._render

    def render_then_purge(self, request, *args, **kwargs):
        # The purge lands while the view runs: after the render started.
        original = self.get_response

        def view(request):
            response = original(request)
            time.sleep(0.01)
            purge_paths([request.path])
            return response

        self.get_response = view
        try:
            return real_get_response(self, request, *args, **kwargs)
        finally:
            self.get_response = original

    monkeypatch.setattr(AnonymousPageCacheMiddleware, "_render", render_then_purge)
    assert client.get(ARTICLE).status_code == 200
    assert not stored(page_files, ARTICLE).exists()


def test_a_purge_between_the_check_and_the_rename_takes_the_file_back(page_files, monkeypatch):
    real_replace = os.replace
    rendered_at = time.time() - 1

    def replace_then_purge(source, target):
        real_replace(source, target)
        # Another process purges now: its deletion may have run before the rename.
        cache.set(keys.path_marker(ARTICLE), time.time())

    monkeypatch.setattr("dateline.caching.files.os.replace", replace_then_purge)
    assert files.write(cache, "http", "testserver", ARTICLE, b"<p>old</p>", rendered_at) is False
    assert not stored(page_files, ARTICLE).exists()
    assert not list(page_files.rglob("*.tmp"))


def test_files_older_than_the_fresh_time_are_swept(page_files):
    now = time.time()
    assert files.write(cache, "http", "testserver", "/old/", b"old", now - 400)
    assert files.write(cache, "http", "testserver", "/new/", b"new", now - 10)
    assert files.sweep(max_age=300, now=now) == 1
    assert not stored(page_files, "/old/").exists()
    assert stored(page_files, "/new/").read_bytes() == b"new"


def test_a_new_release_keeps_the_old_files_only_for_its_grace(page_files, settings):
    started = time.time()
    assert files.write(cache, "http", "testserver", "/old/", b"old", started - 5)
    settings.DATELINE_RELEASE = "next-release"
    AnonymousPageCacheMiddleware(lambda request: None)
    # nginx goes on sending it while the release starts and warms...
    assert stored(page_files, "/old/").exists()
    arrived = (page_files / files.RELEASE_MARK).stat().st_mtime
    assert files.write(cache, "http", "testserver", "/new/", b"new", arrived + 1)
    assert files.sweep(max_age=300, now=arrived + files.RELEASE_GRACE_SECONDS - 1) == 0
    # ...and once the grace is over, only what the new release wrote stays.
    assert files.sweep(max_age=300, now=arrived + files.RELEASE_GRACE_SECONDS) == 1
    assert not stored(page_files, "/old/").exists()
    assert stored(page_files, "/new/").read_bytes() == b"new"
    # Another process of the same release starting does not start the grace again.
    AnonymousPageCacheMiddleware(lambda request: None)
    assert (page_files / files.RELEASE_MARK).stat().st_mtime == arrived


def test_a_server_process_keeps_the_files_while_another_process_here_listens(client, page_files):
    client.get(ARTICLE)
    sibling = subprocess.Popen(["sleep", "30"])  # noqa: S607 - a live process to stand for one
    marker = page_files / files.LISTENING / str(sibling.pid)
    try:
        marker.parent.mkdir(parents=True, exist_ok=True)
        marker.touch()
        # A deploy: the old release's processes still hear every purge notice.
        assert files.another_process_listening()
        files.server_process_started()
        assert stored(page_files, ARTICLE).exists()
        # Its marker not touched for a while: its subscription may be gone.
        stale = time.time() - files.ALIVE_SECONDS - 1
        os.utime(marker, (stale, stale))
        assert not files.another_process_listening()
        marker.touch()
        sibling.kill()
        sibling.wait()
        # A crash: the marker is fresh but its process is gone.
        assert not files.another_process_listening()
        files.server_process_started()
        assert not stored(page_files, ARTICLE).exists()
    finally:
        sibling.kill()
        sibling.wait()


def test_purge_site_and_purge_paths_reach_every_host_and_scheme(page_files):
    now = time.time()
    for scheme, host in (("http", "testserver"), ("https", "www.example.org")):
        files.write(cache, scheme, host, "/a/", b"a", now)
        files.write(cache, scheme, host, "/b/", b"b", now)
    time.sleep(0.01)
    purge_paths(["/a/"])
    assert sorted(str(p.relative_to(page_files)) for p in page_files.rglob("index.html")) == [
        "http/testserver/b/index.html",
        "https/www.example.org/b/index.html",
    ]
    purge_site()
    assert list(page_files.rglob("index.html")) == []


@pytest.mark.parametrize(
    "host, path",
    [
        ("testserver", "/../etc/"),
        ("testserver", "/a/../../b/"),
        ("testserver", "/a b/"),
        ("testserver", "/a"),
        ("..", "/a/"),
        ("evil/host", "/a/"),
    ],
)
def test_no_address_can_write_outside_the_folder(page_files, host, path):
    assert files.file_for(page_files, "http", host, path) is None
    assert files.write(cache, "http", host, path, b"x", time.time()) is False


@pytest.mark.parametrize("scheme", ["", "..", "ftp", "https/.."])
def test_only_http_and_https_name_a_folder(page_files, scheme):
    assert files.file_for(page_files, scheme, "testserver", "/a/") is None


def test_a_page_read_over_https_is_written_for_https_only(client, page_files):
    """Behind HTTPS the app redirects plain HTTP: nginx must not find that page as a file."""
    response = client.get(ARTICLE, secure=True)
    assert stored(page_files, ARTICLE, scheme="https").read_bytes() == response.content
    assert not stored(page_files, ARTICLE, scheme="http").exists()


def test_a_host_port_is_not_part_of_the_file_name(page_files):
    assert files.file_for(page_files, "https", "Example.org:8000", "/a/") == (
        page_files / "https" / "example.org" / "a" / "index.html"
    )


def test_nginx_sends_files_with_the_headers_the_app_sends(client, settings):
    """deploy/nginx.conf repeats the app's reader headers for the files it sends."""
    settings.DATELINE_PAGE_CACHE = {"enabled": True}  # the production policy
    conf = NGINX_CONF.read_text()
    location = conf[conf.index("location / {") : conf.index("location @app")]
    declared = dict(re.findall(r'add_header ([\w-]+) "?(.*?)"? always;', location))
    declared.pop("X-Front-Cache")
    assert declared.pop("Strict-Transport-Security") == "$page_file_hsts"
    response = client.get(ARTICLE)
    assert "Strict-Transport-Security" not in response  # plain HTTP: none from either
    for name, value in declared.items():
        assert response[name] == value, name
    # And every security header the app sends is among them.
    app_security = {
        name
        for name in response.headers
        if name.lower()
        in {
            "content-security-policy",
            "permissions-policy",
            "x-frame-options",
            "x-content-type-options",
            "referrer-policy",
            "cross-origin-opener-policy",
        }
    }
    assert app_security == set(declared) - {"Cache-Control"}


def test_nginx_sends_https_files_with_the_hsts_header_the_app_sends(client, settings):
    """With SECURE_HTTPS=1's defaults the app sends HSTS; nginx's map sends the same over HTTPS."""
    settings.DATELINE_PAGE_CACHE = {"enabled": True}
    settings.SECURE_HSTS_SECONDS = 31536000
    settings.SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    settings.SECURE_HSTS_PRELOAD = False
    conf = NGINX_CONF.read_text()
    hsts_map = conf[conf.index("map $scheme $page_file_hsts {") :]
    https_value = re.search(r'https\s+"(.*?)";', hsts_map[: hsts_map.index("}")]).group(1)
    response = client.get(ARTICLE, secure=True)
    assert response["Strict-Transport-Security"] == https_value
