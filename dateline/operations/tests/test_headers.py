"""Security headers on every kind of reader page, and the production settings check."""

import os
import secrets
import subprocess
import sys

import pytest

from dateline.news.tests.html import parse

READER_PAGES = {
    "front": ("/", 200),
    "section": ("/world/", 200),
    "article": ("/world/president-heads-north-for-skarholm-summit/", 200),
    "tag": ("/tags/fisheries/", 200),
    "author index": ("/authors/", 200),
    "404": ("/no/such/page/", 404),
}


def csp_directives(header):
    directives = {}
    for part in header.split(";"):
        name, *sources = part.split()
        directives[name] = sources
    return directives


@pytest.fixture
def https_site(settings):
    settings.SECURE_HSTS_SECONDS = 31536000
    settings.SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    settings.SESSION_COOKIE_SECURE = settings.CSRF_COOKIE_SECURE = True


def author_page_path(client):
    listing = parse(client.get("/authors/"))
    return listing.select_one("main a[href^='/authors/']")["href"]


@pytest.mark.parametrize("kind", [*READER_PAGES, "author"])
def test_every_reader_page_carries_the_security_headers(client, demo_site, https_site, kind):
    path, status = READER_PAGES.get(kind) or (author_page_path(client), 200)
    response = client.get(path, secure=True)
    assert response.status_code == status

    csp = csp_directives(response["Content-Security-Policy"])
    allowed_sources = {"'self'", "'none'", "data:"}
    for name, sources in csp.items():
        assert set(sources) <= allowed_sources, f"{name} allows {sources}"
    assert csp["script-src"] == ["'self'"] and csp["style-src"] == ["'self'"]
    assert csp["frame-ancestors"] == ["'none'"] and csp["object-src"] == ["'none'"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert response["X-Frame-Options"] == "DENY"
    assert "geolocation=()" in response["Permissions-Policy"]
    assert response["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"
    assert len(response["X-Request-ID"]) == 32

    # What the policy forbids is not on the page either, so nothing breaks under it.
    page = parse(response)
    # JSON-LD is data the browser never runs, so the policy does not apply to it.
    inline = [
        s for s in page.find_all("script", src=False) if s.get("type") != "application/ld+json"
    ]
    assert inline == []
    assert page.find("style") is None
    assert page.select("[style]") == []
    assert all(s["src"].startswith("/static/") for s in page.find_all("script", src=True))


def run_deploy_check(**environment):
    # Only the documented variables: not the test run's database, nor the
    # async override the browser tests set for Playwright.
    ignored = {"DATABASE_URL", "REDIS_URL", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    env = {k: v for k, v in os.environ.items() if k not in ignored}
    env.update(environment)
    return subprocess.run(
        [sys.executable, "-m", "dateline.cli", "check", "--deploy", "--fail-level", "WARNING"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_documented_production_environment_passes_the_deploy_check(tmp_path):
    """The environment docs/reliability-and-security.md gives for production."""
    documented = {
        "SECURE_HTTPS": "1",
        "SECURE_HSTS_PRELOAD": "1",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "news.example",
        "DATELINE_VAR_DIR": str(tmp_path),
    }
    result = run_deploy_check(**documented)
    assert result.returncode == 0, result.stderr
    assert "System check identified no issues" in result.stdout

    # The embedded run is not a production setup, and the check says so.
    embedded = run_deploy_check(DATELINE_VAR_DIR=str(tmp_path), SECURE_HTTPS="0")
    assert embedded.returncode != 0
    assert "security.W012" in embedded.stderr  # session cookie not HTTPS-only
