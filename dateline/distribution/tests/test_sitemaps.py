"""Sitemaps and robots.txt as crawlers see them, validated against the published XSDs."""

from datetime import timedelta

import pytest
from django.utils import timezone
from wagtail.images import get_image_model

from dateline.demo import content
from dateline.news.models import ArticlePage

from .support import AWKWARD_TITLE, assert_valid

NS = {
    "s": "http://www.sitemaps.org/schemas/sitemap/0.9",
    "image": "http://www.google.com/schemas/sitemap-image/1.1",
    "news": "http://www.google.com/schemas/sitemap-news/0.9",
}


def _locations(document, path="s:url/s:loc"):
    return [loc.text for loc in document.findall(path, NS)]


def test_index_names_each_child_sitemap_and_each_validates(
    client, demo_site, sitemap_schema, sitemap_index_schema
):
    response = client.get("/sitemap.xml")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/xml; charset=utf-8"
    index = assert_valid(sitemap_index_schema, response.content)
    children = _locations(index, "s:sitemap/s:loc")
    assert children == [
        "http://testserver/sitemap-pages.xml",
        "http://testserver/sitemap-articles.xml",
        "http://testserver/sitemap-news.xml",
    ]
    newest = ArticlePage.objects.latest("last_published_at").last_published_at
    lastmods = {
        s.findtext("s:loc", namespaces=NS): s.findtext("s:lastmod", namespaces=NS)
        for s in index.findall("s:sitemap", NS)
    }
    assert lastmods["http://testserver/sitemap-articles.xml"] == (
        newest.replace(microsecond=0).isoformat()
    )
    for child in children:
        assert_valid(sitemap_schema, client.get(child.removeprefix("http://testserver")).content)


def test_article_sitemap_has_real_update_times_and_figure_images(
    client, demo_site, sitemap_schema, publish_article
):
    updated = publish_article("Harbour reopens", hours_ago=80, updated_hours_ago=1)
    document = assert_valid(sitemap_schema, client.get("/sitemap-articles.xml").content)
    entries = {url.findtext("s:loc", namespaces=NS): url for url in document.findall("s:url", NS)}
    assert len(entries) == ArticlePage.objects.live().count() == 5
    for article in ArticlePage.objects.all():
        entry = entries["http://testserver" + article.url]
        assert entry.findtext("s:lastmod", namespaces=NS) == (
            article.last_published_at.replace(microsecond=0).isoformat()
        )
    assert "http://testserver" + updated.url in entries

    summit = entries["http://testserver/world/president-heads-north-for-skarholm-summit/"]
    images = _locations(summit, "image:image/image:loc")
    # The lead photo is also the first figure: listed once, then the other two figures.
    photos = [
        get_image_model().objects.get(title=content.SCENES[key]["title"])
        for key in ("motorcade", "roadblock", "limousine")
    ]
    assert images == ["http://testserver" + photo.file.url for photo in photos]
    assert client.get(images[0].removeprefix("http://testserver")).status_code == 200


def test_large_sites_page_the_article_sitemap(
    client, demo_site, settings, sitemap_schema, sitemap_index_schema
):
    settings.DATELINE_SITEMAP_PAGE_SIZE = 3
    index = assert_valid(sitemap_index_schema, client.get("/sitemap.xml").content)
    children = _locations(index, "s:sitemap/s:loc")
    assert "http://testserver/sitemap-articles.xml?p=2" in children
    first = assert_valid(sitemap_schema, client.get("/sitemap-articles.xml").content)
    second = assert_valid(sitemap_schema, client.get("/sitemap-articles.xml?p=2").content)
    assert len(_locations(first)) == 3 and len(_locations(second)) == 1
    assert set(_locations(first)).isdisjoint(_locations(second))
    # Past the end, not a number, or no such sitemap: 404, not an empty 200.
    for address in ("/sitemap-articles.xml?p=3", "/sitemap-articles.xml?p=x", "/sitemap-nope.xml"):
        assert client.get(address).status_code == 404, address


def test_news_sitemap_has_only_the_last_48_hours(client, publish_article, sitemap_schema):
    fresh = publish_article(AWKWARD_TITLE, hours_ago=47)
    publish_article("Old news", hours_ago=49)
    document = assert_valid(sitemap_schema, client.get("/sitemap-news.xml").content)
    since = timezone.now() - timedelta(hours=48)
    recent = ArticlePage.objects.filter(first_published_at__gte=since).order_by(
        "-first_published_at"
    )
    assert _locations(document) == ["http://testserver" + a.url for a in recent]
    assert "Old news" not in client.get("/sitemap-news.xml").content.decode()

    entry = document.findall("s:url", NS)[-1]
    news = entry.find("news:news", NS)
    assert news.findtext("news:publication/news:name", namespaces=NS) == "Dateline"
    assert news.findtext("news:publication/news:language", namespaces=NS) == "en"
    assert news.findtext("news:title", namespaces=NS) == AWKWARD_TITLE
    assert news.findtext("news:publication_date", namespaces=NS) == (
        fresh.first_published_at.replace(microsecond=0).isoformat()
    )


def test_without_recent_stories_there_is_no_news_sitemap(client, demo_site, sitemap_index_schema):
    ArticlePage.objects.update(first_published_at=timezone.now() - timedelta(days=5))
    assert client.get("/sitemap-news.xml").status_code == 404
    index = assert_valid(sitemap_index_schema, client.get("/sitemap.xml").content)
    assert "http://testserver/sitemap-news.xml" not in _locations(index, "s:sitemap/s:loc")
    assert "sitemap-news.xml" not in client.get("/robots.txt").content.decode()


def test_robots_txt_names_the_sitemaps_but_not_the_admin(client, demo_site, settings):
    response = client.get("/robots.txt")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    lines = response.content.decode().splitlines()
    assert "User-agent: *" in lines
    sitemaps = [line.split(": ", 1)[1] for line in lines if line.startswith("Sitemap:")]
    assert sitemaps == ["http://testserver/sitemap.xml", "http://testserver/sitemap-news.xml"]
    assert settings.DATELINE_ADMIN_PATH.strip("/") not in response.content.decode()


def test_base_url_is_used_for_every_address(client, demo_site, settings, sitemap_index_schema):
    settings.BASE_URL = "https://news.example.org"
    index = assert_valid(sitemap_index_schema, client.get("/sitemap.xml").content)
    assert all(
        loc.startswith("https://news.example.org/") for loc in _locations(index, "s:sitemap/s:loc")
    )
    articles = client.get("/sitemap-articles.xml").content.decode()
    assert "http://testserver" not in articles
    assert "<loc>https://news.example.org/world/" in articles


@pytest.mark.parametrize("address", ["/sitemap.xml", "/sitemap-articles.xml"])
def test_sitemaps_refuse_writes(client, demo_site, address):
    assert client.post(address).status_code == 405


def test_article_sitemap_lists_the_photos_of_the_published_version_not_a_draft(
    client, demo_site, sitemap_schema
):
    summit = ArticlePage.objects.get(slug="president-heads-north-for-skarholm-summit")
    address = "http://testserver" + summit.url

    def photos():
        document = assert_valid(sitemap_schema, client.get("/sitemap-articles.xml").content)
        urls = document.findall("s:url", NS)
        entry = next(url for url in urls if url.findtext("s:loc", namespaces=NS) == address)
        return _locations(entry, "image:image/image:loc")

    published = photos()
    assert len(published) == 3
    draft = summit.get_latest_revision_as_object()
    draft.body = [block for block in draft.body.raw_data if block["type"] != "figure"]
    draft.save_revision()
    assert photos() == published  # a draft is nobody's to see yet
    draft.save_revision().publish()
    assert photos() == published[:1]  # the lead photo, no figure left
