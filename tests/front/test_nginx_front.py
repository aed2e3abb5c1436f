"""deploy/nginx.conf in front of a live Dateline: page files, purges and editors, for real.

Runs Debian's nginx with the shipped configuration (filled in as an operator
would) in front of a live server with the page cache and page files on.
Skipped where nginx is not installed, except under CI, where it must be.
"""

import contextlib
import http.client
import os
import shutil
import signal
import socket
import ssl
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

pytestmark = pytest.mark.django_db(transaction=True)

ROOT = Path(__file__).resolve().parents[2]
ARTICLE = "/world/president-heads-north-for-skarholm-summit/"
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"


def free_ports(count):
    """`count` different free ports: each socket stays open until all are chosen,
    or the kernel may hand the same port out twice."""
    with contextlib.ExitStack() as stack:
        sockets = [stack.enter_context(socket.socket()) for _ in range(count)]
        for sock in sockets:
            sock.bind(("127.0.0.1", 0))
        return [sock.getsockname()[1] for sock in sockets]


# The test's own certificate: trusted for what it is, not checked against a CA.
UNCHECKED_TLS = ssl._create_unverified_context()  # noqa: S323


def get(url, headers=None):
    request = urllib.request.Request(url, headers=headers or {})  # noqa: S310
    with urllib.request.urlopen(request, timeout=10, context=UNCHECKED_TLS) as response:  # noqa: S310
        return response.headers, response.read().decode()


def start_front(settings, tmp_path, listen, port_count=1, http_extra=""):
    """nginx with deploy/nginx.conf, filled in as an operator would, before a live app.

    `listen(*ports)` gives what replaces the shipped `listen ${LISTEN}` line for
    `port_count` free ports. Yields those ports once nginx answers.
    """
    if not Path(NGINX).exists():
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail("nginx is required under CI: apt-get install nginx")
        pytest.skip("nginx not installed: apt-get install nginx")
    from pytest_django.live_server_helper import LiveServer

    settings.DATELINE_PAGE_CACHE = {"enabled": True, "fresh_seconds": 300, "stale_seconds": 600}
    settings.DATELINE_PAGE_FILES_DIR = str(tmp_path / "page-files")
    settings.ALLOWED_HOSTS = ["127.0.0.1", "localhost", "testserver"]
    app = LiveServer("127.0.0.1")  # built now, so its middleware sees these settings
    app._live_server_modified_settings.enable()
    nginx = None
    try:
        # Ports are chosen once the app holds its own, and chosen again if
        # another process takes one before nginx binds it.
        for _attempt in range(3):
            ports = free_ports(port_count)
            nginx, output = _run_nginx(settings, tmp_path, app, listen(*ports), http_extra)
            if _wait_for_nginx(nginx, output, ports[0]):
                break
        else:
            pytest.fail(f"nginx could not bind free ports: {output.read_text()[-2000:]}")
        yield ports
    finally:
        if nginx is not None and nginx.poll() is None:
            os.killpg(nginx.pid, signal.SIGTERM)
            nginx.wait(timeout=10)
        app._live_server_modified_settings.disable()
        app.stop()


def _run_nginx(settings, tmp_path, app, listen, http_extra):
    values = {
        "APP": app.url.removeprefix("http://"),
        "STATIC_ROOT": str(tmp_path / "static"),
        "MEDIA_ROOT": str(settings.MEDIA_ROOT),
        "CACHE_DIR": str(tmp_path / "nginx-cache"),
        "PAGE_FILES_DIR": settings.DATELINE_PAGE_FILES_DIR,
    }
    server_conf = (ROOT / "deploy" / "nginx.conf").read_text()
    server_conf = server_conf.replace("listen ${LISTEN}", listen)
    for name, value in values.items():
        server_conf = server_conf.replace("${" + name + "}", value)
    conf = tmp_path / "nginx.conf"
    conf.write_text(
        ("user root;\n" if os.geteuid() == 0 else "")
        + f"worker_processes 1;\npid {tmp_path}/nginx.pid;\nerror_log {tmp_path}/error.log;\n"
        "events { worker_connections 256; }\n"
        f"http {{\n include /etc/nginx/mime.types;\n access_log off;\n"
        f" client_body_temp_path {tmp_path}/body; proxy_temp_path {tmp_path}/proxy;\n"
        f" fastcgi_temp_path {tmp_path}/f; uwsgi_temp_path {tmp_path}/u;\n"
        f" scgi_temp_path {tmp_path}/s;\n"
        f"{http_extra}{server_conf}\n}}\n"
    )
    output = tmp_path / "nginx-output.log"
    with output.open("w") as sink:
        nginx = subprocess.Popen(
            [NGINX, "-c", str(conf), "-g", "daemon off;"],
            stdout=sink,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    return nginx, output


def _wait_for_nginx(nginx, output, port):
    """True once nginx answers; False if it stopped because a port was taken."""
    deadline = time.monotonic() + 10
    while True:
        try:
            get(f"http://127.0.0.1:{port}/healthz")
            return True
        except OSError:
            if nginx.poll() is not None:
                if "Address already in use" in output.read_text():
                    return False
                pytest.fail(f"nginx exited: {output.read_text()[-2000:]}")
            if time.monotonic() > deadline:
                raise
            time.sleep(0.1)


@pytest.fixture
def front(settings, demo_site, tmp_path):
    for (port,) in start_front(settings, tmp_path, lambda port: f"listen 127.0.0.1:{port}"):
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
        return f"listen 127.0.0.1:{plain};\n    listen 127.0.0.1:{secure} ssl"

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
