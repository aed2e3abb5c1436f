"""Hot pages: each app process answers repeat reads from memory, before Django,
and drops its copies the moment a purge is announced over Redis."""

import io
import sys
import time

import pytest
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections

from dateline.caching import broadcast
from dateline.caching.hot import HotCopy, HotPageApplication, HotPages

ARTICLE = "/world/president-heads-north-for-skarholm-summit/"
OTHER_SECTION_ARTICLE = "/science/kelp-forests-are-coming-back-survey-finds/"


@pytest.fixture(autouse=True)
def page_cache(settings, demo_site):
    settings.DATELINE_PAGE_CACHE = {"enabled": True, "fresh_seconds": 300, "stale_seconds": 600}


@pytest.fixture
def django_requests():
    """How many requests reached Django; the hot tier answers without it.

    Django's handler closes database connections when a request starts and
    finishes, which would end the test's transaction; the test client avoids
    it the same way."""
    seen = []

    def count(**kwargs):
        seen.append(1)

    request_started.connect(count)
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield seen
    request_started.disconnect(count)
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def servers(redis_cache, django_requests):
    """Two app processes' worth of hot tiers in front of Django, sharing one Redis."""
    made = []

    def start():
        # Each with a listener of its own, as each process has.
        server = HotPageApplication(WSGIHandler(), listener=broadcast.Listener())
        get(server, "/")  # configures it and starts its purge listener
        deadline = time.monotonic() + 5
        while not server.listener.is_listening:
            assert time.monotonic() < deadline, "the purge listener never subscribed"
            time.sleep(0.02)
        made.append(server)
        return server

    yield start
    for server in made:
        server.listener.stop()


class Response:
    def __init__(self, status, headers, body):
        self.status = status
        self.headers = dict(headers)
        self.body = body


def environ_for(path, **headers):
    return {
        "REQUEST_METHOD": "GET",
        "PATH_INFO": path,
        "QUERY_STRING": "",
        "SCRIPT_NAME": "",
        "SERVER_NAME": "testserver",
        "SERVER_PORT": "80",
        "HTTP_HOST": "testserver",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "127.0.0.1",
        "wsgi.url_scheme": "http",
        "wsgi.input": io.BytesIO(),
        "wsgi.errors": sys.stderr,
        **{"HTTP_" + name.upper(): value for name, value in headers.items()},
    }


def get(server, path, **headers):
    environ = environ_for(path, **headers)
    sent = {}

    def start_response(status, response_headers, exc_info=None):
        sent.update(status=status, headers=response_headers)

    result = server(environ, start_response)
    try:
        body = b"".join(result)
    finally:
        getattr(result, "close", lambda: None)()
    return Response(sent["status"], sent["headers"], body)


def test_repeat_reads_are_answered_from_memory_with_the_same_headers(servers, django_requests):
    server = servers()
    first = get(server, ARTICLE)
    through_django = get(server, ARTICLE)
    before = len(django_requests)
    from_memory = get(server, ARTICLE)
    assert len(django_requests) == before, "the third read should not reach Django"

    assert first.headers["X-Cache"] == "MISS"
    assert through_django.headers["X-Cache"] == from_memory.headers["X-Cache"] == "HIT"
    assert from_memory.status == "200 OK"
    assert from_memory.body == first.body
    per_response = {"Age", "X-Request-ID"}
    assert {k: v for k, v in from_memory.headers.items() if k not in per_response} == {
        k: v for k, v in through_django.headers.items() if k not in per_response
    }
    # The headers the outer middleware adds come with it: security and ids.
    assert "default-src 'self'" in from_memory.headers["Content-Security-Policy"]
    assert from_memory.headers["X-Content-Type-Options"] == "nosniff"
    assert len(from_memory.headers["X-Request-ID"]) == 32
    assert from_memory.headers["X-Request-ID"] != through_django.headers["X-Request-ID"]
    assert get(server, ARTICLE, x_request_id="nginx-7f3a9c2e41d0").headers["X-Request-ID"] == (
        "nginx-7f3a9c2e41d0"
    )


def test_a_publish_on_one_process_drops_the_copies_in_every_process(
    servers, summit_article, django_capture_on_commit_callbacks, django_requests
):
    here, there = servers(), servers()
    for server in (here, there):
        for path in (ARTICLE, ARTICLE, OTHER_SECTION_ARTICLE, OTHER_SECTION_ARTICLE):
            get(server, path)
    for server in (here, there):
        assert is_hot(server, ARTICLE) and is_hot(server, OTHER_SECTION_ARTICLE)

    summit_article.title = "Summit moved to Tuesday"
    with django_capture_on_commit_callbacks(execute=True):
        summit_article.save_revision().publish()

    for server in (here, there):
        deadline = time.monotonic() + 2
        while is_hot(server, ARTICLE):
            assert time.monotonic() < deadline, "the purge notice did not arrive within 2 s"
            time.sleep(0.01)
        before = len(django_requests)
        response = get(server, ARTICLE)
        assert b"Summit moved to Tuesday" in response.body
        assert len(django_requests) == before + 1
        # The other section's article was not purged and is still answered from memory.
        before = len(django_requests)
        assert b"Kelp" in get(server, OTHER_SECTION_ARTICLE).body
        assert len(django_requests) == before


def is_hot(server, path):
    return server.pages.get(server._key(environ_for(path))) is not None


def test_editors_and_conditional_requests_always_reach_django(servers, django_requests):
    server = servers()
    etag = get(server, ARTICLE).headers["ETag"]
    get(server, ARTICLE)
    before = len(django_requests)
    not_modified = get(server, ARTICLE, if_none_match=etag)
    assert not_modified.status.startswith("304")
    get(server, ARTICLE, cookie="theme=dark; sessionid=abc")
    get(server, ARTICLE, authorization="Basic ZWQ6cHc=")
    assert len(django_requests) == before + 3


def test_without_purge_notices_nothing_is_answered_from_memory(settings, django_requests):
    # A Redis nobody listens on: no purge notices can arrive, so no copy may be trusted.
    settings.CACHES = {
        **settings.CACHES,
        "default": {
            "BACKEND": "dateline.operations.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:9/0",
            "OPTIONS": {"SOCKET_CONNECT_TIMEOUT": 0.1, "SOCKET_TIMEOUT": 0.1},
        },
    }
    server = HotPageApplication(WSGIHandler())
    try:
        for _ in range(4):
            assert get(server, ARTICLE).status == "200 OK"
        assert len(django_requests) == 4
        assert len(server.pages) == 0
    finally:
        server.listener.stop()


def test_without_redis_the_tier_is_off(settings, django_requests):
    server = HotPageApplication(WSGIHandler())
    for _ in range(3):
        get(server, ARTICLE)
    assert not server.enabled
    assert len(django_requests) == 3


def copy(path, size=10, lifetime=60):
    return HotCopy(
        status="200 OK",
        headers=[],
        body=b"x" * size,
        path=path,
        rendered_at=time.time(),
        expires_at=time.monotonic() + lifetime,
    )


def test_a_copy_looked_up_before_a_purge_notice_is_not_kept():
    pages = HotPages(max_entries=10, max_bytes=10_000)
    looked_up_at = time.monotonic()
    pages.purge(["/world/"])
    assert not pages.keep("a", copy("/world/"), looked_up_at)
    assert pages.keep("b", copy("/science/"), looked_up_at)
    pages.purge([broadcast.EVERY_PATH])
    assert pages.get("b") is None
    assert not pages.keep("c", copy("/science/"), looked_up_at)
    assert pages.keep("c", copy("/science/"), time.monotonic())


def test_copies_are_bounded_by_count_bytes_and_age():
    pages = HotPages(max_entries=3, max_bytes=1600)
    for name in "abcd":
        pages.keep(name, copy("/" + name), time.monotonic())
    assert [pages.get(k) is not None for k in "abcd"] == [False, True, True, True]
    assert not pages.keep("huge", copy("/huge", size=101), time.monotonic())  # over max_bytes/16
    pages.keep("e", copy("/e", size=100), time.monotonic())
    assert len(pages) == 3
    pages.keep("old", copy("/old", lifetime=-1), time.monotonic())
    assert pages.get("old") is None
    pages.reset()
    assert len(pages) == 0
