"""RSS, Atom and JSON feeds as feed readers see them: parsed by feedparser, jsonschema and lxml."""

import json
from datetime import UTC, datetime

import feedparser
import jsonschema
import pytest
from lxml import etree

from dateline.news.models import ArticlePage, HomePage, SectionPage

from .support import AWKWARD_TITLE, json_feed_schema

SUMMIT = "President Varga heads north for the Skarholm fisheries summit"
STAKES = "What is at stake on the northern banks"
BILL = "Parliament passes fisheries bill after late sitting"
KELP = "Kelp forests are coming back, survey finds"

# Each feed's address (without the format) and the demo stories it carries, newest first.
DEMO_FEEDS = {
    "/feeds/": [SUMMIT, STAKES, BILL, KELP],
    "/feeds/section/world/": [SUMMIT, STAKES],
    "/feeds/author/maria-lund/": [SUMMIT, STAKES, KELP],
    "/feeds/tag/fisheries/": [SUMMIT, STAKES, BILL],
}


def _as_utc(struct):
    return datetime(*struct[:6], tzinfo=UTC)


def _published(title):
    article = ArticlePage.objects.get(title=title)
    return article, article.first_published_at.replace(microsecond=0)


@pytest.mark.parametrize("format_name", ["rss", "atom"])
def test_every_xml_feed_parses_cleanly_newest_first_with_real_dates(client, demo_site, format_name):
    for address, expected in DEMO_FEEDS.items():
        response = client.get(f"{address}{format_name}/")
        assert response.status_code == 200, address
        parsed = feedparser.parse(response.content)
        assert parsed.bozo == 0, (address, parsed.get("bozo_exception"))
        assert parsed.version == ("rss20" if format_name == "rss" else "atom10")
        assert [entry.title for entry in parsed.entries] == expected, address
        assert parsed.feed.language.startswith("en")
        for entry in parsed.entries:
            article, first_published = _published(entry.title)
            canonical = "http://testserver" + article.url
            assert entry.link == canonical
            assert entry.id == canonical
            assert _as_utc(entry.published_parsed) == first_published
            assert entry.summary == article.search_description
            # The lead photo travels as an enclosure, with an absolute URL.
            (enclosure,) = entry.enclosures
            assert enclosure.type == "image/jpeg"
            assert enclosure.href.startswith("http://testserver/media/images/")
            assert int(enclosure.length) > 0
            authors = [a.title for a in article.authors]
            assert entry.author == " and ".join(authors)
            terms = [tag.term for tag in entry.tags]
            assert terms[0] == article.get_parent().title
            assert sorted(terms[1:]) == sorted(t.name for t in article.tags.all())
            # Full content is on by default: the whole story, figures with absolute URLs.
            content = entry.content[0].value
            assert "<p>" in content
            assert 'src="/' not in content and 'href="/' not in content


def test_an_updated_story_carries_its_update_time(client, publish_article):
    article = publish_article(
        "Ferry strike ends", hours_ago=30, updated_hours_ago=2, tags=["Ferries"]
    )
    first = article.first_published_at.replace(microsecond=0)
    updated = article.last_published_at.replace(microsecond=0)

    atom = feedparser.parse(client.get("/feeds/tag/ferries/atom/").content)
    (entry,) = atom.entries
    assert _as_utc(entry.published_parsed) == first
    assert _as_utc(entry.updated_parsed) == updated
    assert _as_utc(atom.feed.updated_parsed) == updated

    rss = feedparser.parse(client.get("/feeds/tag/ferries/rss/").content)
    assert _as_utc(rss.entries[0].published_parsed) == first

    item = json.loads(client.get("/feeds/tag/ferries/json/").content)["items"][0]
    assert datetime.fromisoformat(item["date_published"]) == article.first_published_at
    assert datetime.fromisoformat(item["date_modified"]) == article.last_published_at


def test_json_feeds_validate_against_the_json_feed_schema(client, demo_site):
    schema = json_feed_schema()
    for address, expected in DEMO_FEEDS.items():
        response = client.get(f"{address}json/")
        assert response.status_code == 200
        assert response["Content-Type"] == "application/feed+json; charset=utf-8"
        feed = json.loads(response.content)
        jsonschema.validate(feed, schema, format_checker=jsonschema.FormatChecker())
        assert feed["feed_url"] == f"http://testserver{address}json/"
        assert [item["title"] for item in feed["items"]] == expected
        for item in feed["items"]:
            article = ArticlePage.objects.get(title=item["title"])
            assert item["url"] == "http://testserver" + article.url
            assert item["authors"] == [
                {"name": a.title, "url": "http://testserver" + a.url} for a in article.authors
            ]
            assert item["image"].startswith("http://testserver/media/images/")
            assert "content_html" in item and "content_text" not in item


def test_full_story_in_feeds_keeps_figures_with_alt_text_and_credit(client, summit_article):
    feed = json.loads(client.get("/feeds/section/world/json/").content)
    html = next(i for i in feed["items"] if i["title"] == SUMMIT)["content_html"]
    document = etree.fromstring(f"<div>{html}</div>", etree.HTMLParser())
    figures = document.findall(".//figure")
    assert len(figures) == 3
    first_image = figures[0].find("img")
    assert first_image.get("alt").startswith("A line of dark cars")
    assert first_image.get("src").startswith("http://testserver/media/images/")
    assert "Photo: Maria Lund / Dateline" in "".join(figures[0].find("figcaption").itertext())
    assert [h.text for h in document.findall(".//h2")] == ["A road closed for four hours"]
    # The editor's relative link to another story is made absolute for readers elsewhere.
    links = [a.get("href") for a in document.findall(".//a")]
    assert "http://testserver/world/what-is-at-stake-on-the-northern-banks/" in links


def test_summary_mode_leaves_the_story_on_the_site(client, demo_site, settings):
    settings.DATELINE_FEED_CONTENT = "summary"
    feed = json.loads(client.get("/feeds/json/").content)
    jsonschema.validate(feed, json_feed_schema(), format_checker=jsonschema.FormatChecker())
    for item in feed["items"]:
        assert "content_html" not in item
        assert item["content_text"] == ArticlePage.objects.get(title=item["title"]).deck
    rss = feedparser.parse(client.get("/feeds/rss/").content)
    assert rss.bozo == 0
    assert all("content" not in entry for entry in rss.entries)


def test_feed_length_follows_the_setting(client, demo_site, settings):
    settings.DATELINE_FEED_ITEMS = 2
    parsed = feedparser.parse(client.get("/feeds/atom/").content)
    assert [entry.title for entry in parsed.entries] == [SUMMIT, STAKES]


@pytest.mark.parametrize(
    "address",
    [
        "/feeds/section/no-such-section/rss/",
        "/feeds/author/nobody/atom/",
        "/feeds/tag/no-such-tag/json/",
        "/feeds/section/empty/rss/",  # exists, but nothing published in it
        "/feeds/tag/draft-only/json/",  # only on an unpublished story
        "/feeds/author/maria-lund/xml/",  # no such format
        "/feeds/section/authors/rss/",  # a page that is not a section
    ],
)
def test_unknown_or_empty_feeds_are_404_not_empty(client, publish_article, address):
    home = HomePage.objects.get()
    home.add_child(instance=SectionPage(title="Empty", slug="empty")).save_revision().publish()
    draft = publish_article("Not yet", tags=["Draft only"])
    draft.unpublish()
    response = client.get(address)
    assert response.status_code == 404


def test_awkward_headlines_come_out_exactly_in_every_format(client, publish_article):
    publish_article(AWKWARD_TITLE, deck=AWKWARD_TITLE, tags=["Awkward"])

    rss = etree.fromstring(client.get("/feeds/tag/awkward/rss/").content)
    assert rss.findtext("channel/item/title") == AWKWARD_TITLE
    assert rss.findtext("channel/item/description") == AWKWARD_TITLE

    atom = etree.fromstring(client.get("/feeds/tag/awkward/atom/").content)
    ns = {"a": "http://www.w3.org/2005/Atom"}
    assert atom.findtext("a:entry/a:title", namespaces=ns) == AWKWARD_TITLE

    raw = client.get("/feeds/tag/awkward/json/").content
    feed = json.loads(raw)
    assert feed["items"][0]["title"] == AWKWARD_TITLE
    # Emoji and Hebrew travel as UTF-8 text, not as escapes.
    assert "🐟 in שלום".encode() in raw

    for format_name in ("rss", "atom"):
        parsed = feedparser.parse(client.get(f"/feeds/tag/awkward/{format_name}/").content)
        assert parsed.bozo == 0
