"""deploy/nginx.conf in front of a live Dateline: page files, purges and editors, for real.

Runs Debian's nginx with the shipped configuration (filled in as an operator
would) in front of a live server with the page cache and page files on.
Skipped where nginx is not installed, except under CI, where it must be.
"""

import http.client
import ssl
import subprocess
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor

import pytest

from dateline.testing.requirements import require
from dateline.testing.servers import Nginx

pytestmark = pytest.mark.django_db(transaction=True)

ARTICLE = "/world/president-heads-north-for-skarholm-summit/"


def _unchecked_tls():
    """The test's own certificate: trusted for what it is, not checked against a CA."""
    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    return context


UNCHECKED_TLS = _unchecked_tls()


def get(url, headers=None):
    request = urllib.request.Request(url, headers=headers or {})  # noqa: S310
    with urllib.request.urlopen(request, timeout=10, context=UNCHECKED_TLS) as response:  # noqa: S310
        return response.headers, response.read().decode()


def start_front(settings, tmp_path, listen=None, port_count=1, http_extra="", render_pool=""):
    """nginx with deploy/nginx.conf, filled in as an operator would, before a live app.

    `listen(*ports)` gives what fills the shipped `listen ${LISTEN}` line for
    `port_count` free ports (by default 127.0.0.1 on the one port). Yields
    those ports once nginx answers.
    """
    require("front")
    from pytest_django.live_server_helper import LiveServer

    settings.DATELINE_PAGE_CACHE = {
        "enabled": True,
        "fresh_seconds": 300,
        "stale_seconds": 600,
        "render_pool": render_pool,
    }
    settings.DATELINE_PAGE_FILES_DIR = str(tmp_path / "page-files")
    # The live server's own host is among these: it needs no setting of its own.
    settings.ALLOWED_HOSTS = ["127.0.0.1", "localhost", "testserver"]
    app = LiveServer("127.0.0.1")  # built now, so its middleware sees these settings
    nginx = Nginx.front(
        tmp_path / "nginx",
        app=app.url.removeprefix("http://"),
        static_root=tmp_path / "static",
        media_root=settings.MEDIA_ROOT,
        page_files_dir=settings.DATELINE_PAGE_FILES_DIR,
        listen=listen,
        ports=port_count,
        http_extra=http_extra,
        worker_processes=1,
        worker_connections=256,
    )
    try:
        # Ports are chosen once the app holds its own, and chosen again if
        # another process takes one before nginx binds it.
        nginx.start()
        yield nginx.ports
    finally:
        nginx.stop()
        app.stop()


@pytest.fixture
def front(settings, demo_site, tmp_path):
    for (port,) in start_front(settings, tmp_path):
        yield f"http://127.0.0.1:{port}"


@pytest.fixture
def pooled_front(settings, demo_site, tmp_path):
    """The front with cold renders handed to the render pool (docs/caching.md, "Crawlers").

    The pool is the live app itself here (RENDER_APP=APP, as the shipped file
    allows): what is tested is nginx's part, the hand-over and the limits.
    """
    for (port,) in start_front(settings, tmp_path, render_pool="/_dateline/render"):
        yield f"http://127.0.0.1:{port}"


@pytest.fixture
def https_front(settings, demo_site, tmp_path):
    """The app as production runs it behind HTTPS (SECURE_HTTPS=1), nginx ending TLS.

    nginx answers plain HTTP on one port and HTTPS on another, in the one
    shipped server block, with a certificate made for the test.
    """
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    settings.SECURE_SSL_REDIRECT = True
    settings.SECURE_HSTS_SECONDS = 31536000
    settings.SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    key, certificate = tmp_path / "key.pem", tmp_path / "cert.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1"]
        + ["-subj", "/CN=127.0.0.1", "-keyout", str(key), "-out", str(certificate)],
        check=True,
        capture_output=True,
    )

    def listen(plain, secure):
        return f"127.0.0.1:{plain};\n    listen 127.0.0.1:{secure} ssl"

    tls = f" ssl_certificate {certificate};\n ssl_certificate_key {key};\n"
    for plain, secure in start_front(settings, tmp_path, listen, port_count=2, http_extra=tls):
        yield f"http://127.0.0.1:{plain}", f"https://127.0.0.1:{secure}"


def test_nginx_sends_the_written_file_with_the_reader_headers(front):
    first_headers, first = get(front + ARTICLE)
    assert first_headers["X-Front-Cache"] != "FILE"  # rendered by the app, then written
    headers, body = get(front + ARTICLE)
    assert headers["X-Front-Cache"] == "FILE"
    assert body == first
    assert headers["Content-Type"] == "text/html; charset=utf-8"
    assert headers["Content-Security-Policy"].startswith("default-src 'self'")
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["Last-Modified"]
    assert "Strict-Transport-Security" not in headers  # plain HTTP: HSTS only over TLS


def test_a_published_change_reaches_readers_through_nginx_within_two_seconds(front, summit_article):
    get(front + ARTICLE)
    assert get(front + ARTICLE)[0]["X-Front-Cache"] == "FILE"
    summit_article.title = "Summit moved to Tuesday"
    summit_article.save_revision().publish()
    published = time.monotonic()
    while "Summit moved to Tuesday" not in get(front + ARTICLE)[1]:
        assert time.monotonic() - published < 2, "the old headline is still served"
        time.sleep(0.05)


def test_editors_and_addresses_with_a_query_string_reach_the_app(front):
    get(front + ARTICLE)
    assert get(front + ARTICLE)[0]["X-Front-Cache"] == "FILE"
    editor, _ = get(front + ARTICLE, headers={"Cookie": "sessionid=someone"})
    assert editor["X-Front-Cache"] != "FILE"
    assert "private" in editor["Cache-Control"]
    query, _ = get(front + ARTICLE + "?page=1")
    assert query["X-Front-Cache"] != "FILE"


def test_a_missing_page_is_the_apps_own_404(front):
    with pytest.raises(urllib.error.HTTPError) as missing:
        get(front + "/world/no-such-story/")
    assert missing.value.code == 404
    assert "Content-Security-Policy" in missing.value.headers
    assert "<html" in missing.value.read().decode()


def test_behind_https_files_carry_hsts_and_plain_http_is_redirected(https_front):
    plain, secure = https_front
    first, _ = get(secure + ARTICLE)
    assert first["X-Front-Cache"] != "FILE"
    headers, _ = get(secure + ARTICLE)
    assert headers["X-Front-Cache"] == "FILE"
    assert headers["Strict-Transport-Security"] == first["Strict-Transport-Security"]
    assert headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"
    # The https file exists, yet a reader asking over plain HTTP is sent to HTTPS.
    connection = http.client.HTTPConnection(plain.removeprefix("http://"), timeout=10)
    connection.request("GET", ARTICLE)
    redirect = connection.getresponse()
    assert redirect.status == 301
    assert redirect.headers["Location"].startswith("https://")
    assert redirect.headers["Location"].endswith(ARTICLE)


def status_and_headers(url, headers=None):
    try:
        response_headers, _ = get(url, headers)
        return 200, response_headers
    except urllib.error.HTTPError as error:
        return error.code, error.headers


def test_a_first_render_goes_through_the_render_pool_and_then_is_a_file(pooled_front):
    headers, body = get(pooled_front + ARTICLE)
    assert headers["X-Front-Cache"] == "RENDER"
    assert "<h1" in body
    assert get(pooled_front + ARTICLE)[0]["X-Front-Cache"] == "FILE"
    # A client cannot pass itself off as nginx's render request: the header is cleared.
    status, forged = status_and_headers(
        pooled_front + "/science/", headers={"X-Dateline-Render-Pool": "1"}
    )
    assert (status, forged["X-Front-Cache"]) == (200, "RENDER")


def test_a_crawler_asking_for_many_cold_pages_at_once_is_told_to_come_back(pooled_front):
    def ask(agent):
        # Pages nobody asked for yet: each one a first render.
        def one(number):
            url = f"{pooled_front}/world/no-such-story-{len(agent)}-{number}/"
            return status_and_headers(url, headers={"User-Agent": agent})

        with ThreadPoolExecutor(12) as pool:
            return list(pool.map(one, range(12)))

    # A reader's browser: renders wait their turn, none is refused.
    browser = ask("Mozilla/5.0 (X11; Linux x86_64) Firefox/133.0")
    assert sorted({status for status, _ in browser}) == [404]
    time.sleep(2.5)  # the address's allowance refills
    crawler = ask("Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)")
    refused = [headers for status, headers in crawler if status == 429]
    assert len(refused) >= 4
    assert all(headers["Retry-After"] == "1" for headers in refused)
    assert {status for status, _ in crawler} == {404, 429}
