"""What a new user's `make run` does, step by step, against a fresh var/ folder.

These run the real commands in subprocesses (migrate, collectstatic,
load_demo, serve through Granian) and talk HTTP to the server.
"""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from dateline.testing.servers import DatelineServer, dateline, fetch

ARTICLE = "/world/president-heads-north-for-skarholm-summit/"


@pytest.fixture(scope="module")
def embedded(tmp_path_factory):
    var = tmp_path_factory.mktemp("var")
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DATABASE_URL", "REDIS_URL", "SECRET_KEY", "MEDIA_ROOT"}
    }
    env.update(DATELINE_VAR_DIR=str(var), DJANGO_SETTINGS_MODULE="dateline.settings")

    dateline(env, "migrate", "--noinput")
    dateline(env, "collectstatic", "--noinput", "--verbosity", "0")
    first = dateline(env, "load_demo").stdout
    second = dateline(env, "load_demo").stdout
    return var, env, first, second


def test_first_run_prints_the_editor_password_once(embedded):
    _, _, first, second = embedded
    assert "username: editor" in first
    assert "password: " in first
    assert "password" not in second
    assert "Demo site created" not in second  # existing data is kept as it was


def test_embedded_database_and_secret_key_live_under_var(embedded):
    var = embedded[0]
    assert (var / "dateline.sqlite3").stat().st_size > 0
    key = (var / "secret_key").read_text()
    assert len(key) >= 50
    assert oct((var / "secret_key").stat().st_mode & 0o777) == "0o600"


def test_settings_follow_the_environment(embedded):
    _, env, _, _ = embedded
    probe = (
        "from django.conf import settings as s;"
        "print(s.DATABASES['default']['ENGINE'], s.DATABASES['default']['NAME'],"
        " s.DEBUG, s.ALLOWED_HOSTS, s.CACHES['default']['BACKEND'])"
    )
    default = subprocess.run(
        [sys.executable, "-c", "import django; django.setup();" + probe],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    assert default.stdout.split()[:3] == [
        "django.db.backends.sqlite3",
        str(embedded[0] / "dateline.sqlite3"),
        "False",
    ]
    production = subprocess.run(
        [sys.executable, "-c", "import django; django.setup();" + probe],
        env={
            **env,
            "DATABASE_URL": "postgres://news:pw@db.internal:5432/newsroom",
            "REDIS_URL": "redis://127.0.0.1:6379/3",
            "ALLOWED_HOSTS": "news.example",
            "SECRET_KEY": "x" * 60,
        },
        capture_output=True,
        text=True,
        check=True,
    )
    assert production.stdout.split() == [
        "django.db.backends.postgresql",
        "newsroom",
        "False",
        "['news.example']",
        # django-redis, tolerant of a Redis outage (dateline/operations/redis.py).
        "dateline.operations.redis.RedisCache",
    ]


@pytest.fixture(scope="module")
def server(embedded, tmp_path_factory):
    _, env, _, _ = embedded
    log = tmp_path_factory.mktemp("server") / "serve.log"  # var/ holds only what `make run` makes
    with DatelineServer(env, workers=2, log_path=log) as running:
        yield running.url


def get(url, **headers):
    """(status, headers, body bytes): compressed files and photos are compared as bytes."""
    return fetch(url, headers=headers, decode=False)


def test_production_server_serves_the_article(server):
    status, headers, body = get(server + ARTICLE)
    assert status == 200
    assert "WSGIServer" not in headers.get("Server", "")  # not Django's development server
    html = body.decode()
    assert "<h1>President Varga heads north for the Skarholm fisheries summit</h1>" in html
    assert "default-src 'self'" in headers["Content-Security-Policy"]
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "strict-origin-when-cross-origin"


def test_static_files_are_cache_busted_and_compressed(server):
    _, _, body = get(server + ARTICLE)
    html = body.decode()
    start = html.index('href="/static/css/dateline.') + len('href="')
    css_url = html[start : html.index('"', start)]
    assert css_url.count(".") == 2  # dateline.<hash>.css
    status, headers, compressed = get(server + css_url, **{"Accept-Encoding": "br, gzip"})
    assert status == 200
    assert headers["Content-Encoding"] in {"br", "gzip"}
    assert "immutable" in headers["Cache-Control"]
    _, _, plain = get(server + css_url)
    assert len(compressed) < len(plain) / 2


def test_photos_are_served(server):
    _, _, body = get(server + ARTICLE)
    html = body.decode()
    start = html.index('src="/media/images/') + len('src="')
    src = html[start : html.index('"', start)]
    status, headers, data = get(server + src)
    assert status == 200
    assert headers["Content-Type"] == "image/jpeg"
    assert data[:3] == b"\xff\xd8\xff"


def test_unknown_url_is_a_404_page_not_a_stack_trace(server):
    status, _, body = get(server + "/no/such/page/")
    assert status == 404
    assert "We couldn’t find that page" in body.decode()
    assert "Traceback" not in body.decode()


def test_makefile_documents_the_two_commands():
    readme = (Path(__file__).parents[1] / "README.md").read_text().splitlines()
    first_lines = "\n".join(readme[:15])
    assert "make run" in first_lines and "make test" in first_lines
