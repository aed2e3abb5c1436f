"""Chromium reads the article's structured data under the strict CSP without complaint."""

import pytest

ARTICLE = "/world/president-heads-north-for-skarholm-summit/"

pytestmark = pytest.mark.django_db


def test_json_ld_is_data_the_csp_allows(open_reader_page, reader_server):
    page, response, watcher = open_reader_page(ARTICLE)
    assert response.status == 200
    assert "script-src 'self'" in response.headers["content-security-policy"]
    blocks = page.evaluate(
        """() => [...document.querySelectorAll('script[type="application/ld+json"]')]
                 .map(s => JSON.parse(s.textContent))"""
    )
    assert [block["@type"] for block in blocks] == ["NewsArticle", "BreadcrumbList"]
    assert blocks[0]["url"] == reader_server.url + ARTICLE
    assert blocks[0]["headline"] == page.locator("h1").inner_text()
    feeds = page.evaluate(
        """() => [...document.querySelectorAll('link[rel="alternate"]')].map(l => l.type)"""
    )
    assert "application/rss+xml" in feeds and "application/json+oembed" in feeds
    # A CSP violation or a JSON-LD parse problem would be logged here.
    assert watcher.console_errors == []
    assert watcher.foreign_requests == []
