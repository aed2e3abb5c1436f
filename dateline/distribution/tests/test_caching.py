"""Conditional GET and cache headers, and a fixed number of queries whatever the article count."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils.http import http_date

FEEDS_AND_SITEMAPS = [
    "/feeds/rss/",
    "/feeds/section/world/atom/",
    "/feeds/author/maria-lund/json/",
    "/feeds/tag/fisheries/rss/",
    "/sitemap.xml",
    "/sitemap-articles.xml",
    "/sitemap-news.xml",
]


def test_unchanged_feeds_and_sitemaps_answer_304(client, publish_article):
    first = {address: client.get(address) for address in FEEDS_AND_SITEMAPS}
    for address, response in first.items():
        assert response.status_code == 200, address
        assert response["ETag"].startswith('"'), address
        assert "public" in response["Cache-Control"] and "max-age=" in response["Cache-Control"]

        again = client.get(address, HTTP_IF_NONE_MATCH=response["ETag"])
        assert again.status_code == 304, address
        assert again.content == b""
        assert again["ETag"] == response["ETag"]
        assert "max-age=" in again["Cache-Control"]

        since = client.get(address, HTTP_IF_MODIFIED_SINCE=response["Last-Modified"])
        assert since.status_code == 304, address

    # A new story in the world section by Maria Lund tagged Fisheries changes every one of them.
    new = publish_article("Breaking: the talks resume", tags=["Fisheries"], hours_ago=0)
    for address, response in first.items():
        changed = client.get(address, HTTP_IF_NONE_MATCH=response["ETag"])
        assert changed.status_code == 200, address
        assert changed["ETag"] != response["ETag"]
        if address != "/sitemap.xml":  # the index lists sitemaps, not stories
            assert new.url.encode() in changed.content, address


def test_last_modified_is_the_newest_publication(client, summit_article):
    response = client.get("/feeds/section/world/rss/")
    assert response["Last-Modified"] == http_date(summit_article.last_published_at.timestamp())
    assert response["Cache-Control"] == "public, max-age=300"
    assert client.get("/sitemap.xml")["Cache-Control"] == "public, max-age=900"


def test_withdrawing_a_story_changes_the_etag(client, summit_article):
    before = client.get("/feeds/rss/")
    summit_article.unpublish()
    after = client.get("/feeds/rss/", HTTP_IF_NONE_MATCH=before["ETag"])
    assert after.status_code == 200
    assert summit_article.title.encode() not in after.content


def test_a_feed_changes_only_when_a_story_it_carries_does(client, publish_article, settings):
    """A feed's ETag and Last-Modified are its items': a correction to a story too old
    to be in it sends nobody a new copy; one to a story it carries does."""
    settings.DATELINE_FEED_ITEMS = 2
    old = publish_article("An old story by Maria Lund", hours_ago=300)
    second = publish_article("Harbour vote: the second newest", hours_ago=2)
    newest = publish_article("Harbour vote: the newest", hours_ago=1)
    feed = "/feeds/author/maria-lund/rss/"
    before = client.get(feed)
    assert old.title.encode() not in before.content

    old.save_revision().publish()  # corrected: last published now
    unchanged = client.get(feed, HTTP_IF_NONE_MATCH=before["ETag"])
    assert unchanged.status_code == 304

    newest.save_revision().publish()
    newest.refresh_from_db()
    changed = client.get(feed, HTTP_IF_NONE_MATCH=before["ETag"])
    assert changed.status_code == 200
    assert changed["Last-Modified"] == http_date(newest.last_published_at.timestamp())
    assert newest.title.encode() in changed.content
    assert second.title.encode() in changed.content


def test_summary_and_full_feeds_have_different_etags(client, demo_site, settings):
    full = client.get("/feeds/rss/")["ETag"]
    settings.DATELINE_FEED_CONTENT = "summary"
    assert client.get("/feeds/rss/", HTTP_IF_NONE_MATCH=full).status_code == 200


QUERY_COUNTED = [
    "/feeds/rss/",
    "/feeds/atom/",
    "/feeds/json/",
    "/feeds/section/world/rss/",
    "/feeds/author/maria-lund/atom/",
    "/feeds/tag/fisheries/json/",
    "/sitemap.xml",
    "/sitemap-pages.xml",
    "/sitemap-articles.xml",
    "/sitemap-news.xml",
]


@pytest.mark.parametrize("address", QUERY_COUNTED)
def test_queries_do_not_grow_with_the_number_of_articles(
    client, publish_article, summit_article, address, django_assert_num_queries
):
    def story(number):
        # Two authors, tags, a lead photo and three figures: everything a feed or sitemap
        # entry looks up, so a per-article query anywhere would show.
        return publish_article(
            f"Story {number}",
            tags=["Fisheries", f"Extra {number}"],
            authors=("maria-lund", "tomas-okafor"),
            hours_ago=number / 10,
            lead_image=summit_article.lead_image,
            body=list(summit_article.body.raw_data),
        )

    story(1)
    client.get(address)  # renditions are made on first use; later requests only read them
    with CaptureQueriesContext(connection) as with_one:
        assert client.get(address).status_code == 200
    # Counted now: the next request resets Django's query log.
    queries_with_one = len(with_one)
    newest = [story(number) for number in range(2, 9)][-1]
    client.get(address)
    with django_assert_num_queries(queries_with_one):
        response = client.get(address)
    assert response.status_code == 200
    if address not in ("/sitemap.xml", "/sitemap-pages.xml"):  # these do not list stories
        assert newest.url.encode() in response.content


@pytest.mark.parametrize("address", ["/sitemap.xml", "/sitemap-articles.xml?p=2"])
def test_later_sitemap_pages_cost_the_same_queries_whatever_the_number_of_pages(
    client, publish_article, summit_article, settings, address, django_assert_num_queries
):
    # Two stories a sitemap page: page 2 exists from the third story on, and the
    # index lists one more page for every two stories published.
    settings.DATELINE_SITEMAP_PAGE_SIZE = 2
    for number in range(1, 4):
        publish_article(f"Story {number}", hours_ago=number)
    client.get(address)
    with CaptureQueriesContext(connection) as before:
        assert client.get(address).status_code == 200
    queries = len(before)
    for number in range(4, 12):
        publish_article(f"Story {number}", hours_ago=number)
    client.get(address)
    with django_assert_num_queries(queries):
        response = client.get(address)
    assert response.status_code == 200
    if address == "/sitemap.xml":
        assert b"sitemap-articles.xml?p=6" in response.content
