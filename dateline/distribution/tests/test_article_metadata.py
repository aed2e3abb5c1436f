"""What search engines and social networks read from an article page: JSON-LD parsed by
extruct, OpenGraph and Twitter tags, the canonical URL and feed / oEmbed discovery."""

import json
from datetime import datetime, timedelta
from urllib.parse import parse_qs, urlsplit

import extruct
import pytest
from PIL import Image

from dateline.news.models import ArticlePage
from dateline.news.tests.html import parse

from .support import AWKWARD_TITLE

ARTICLE_URL = "/world/president-heads-north-for-skarholm-summit/"
CANONICAL = "http://testserver" + ARTICLE_URL


def _extract(response):
    return extruct.extract(
        response.content.decode(), base_url=CANONICAL, syntaxes=["json-ld", "opengraph"]
    )


def _open_graph(response):
    """OpenGraph properties as extruct reads them, each with all its values in order."""
    (graph,) = _extract(response)["opengraph"]
    properties = {}
    for name, value in graph["properties"]:
        properties.setdefault(name, []).append(value)
    return properties


def _by_type(data, schema_type):
    (found,) = [item for item in data["json-ld"] if item["@type"] == schema_type]
    return found


def _meta(page, attribute, name):
    return [tag["content"] for tag in page.find_all("meta", attrs={attribute: name})]


@pytest.fixture
def updated_summit(summit_article):
    """The summit story without promote fields, republished an hour after it went out."""
    summit_article.search_description = ""
    summit_article.save_revision().publish()
    ArticlePage.objects.filter(pk=summit_article.pk).update(
        last_published_at=summit_article.first_published_at + timedelta(hours=1)
    )
    summit_article.refresh_from_db()
    return summit_article


def test_news_article_json_ld_field_by_field(client, updated_summit):
    article = updated_summit
    response = client.get(ARTICLE_URL)
    news = _by_type(_extract(response), "NewsArticle")

    assert news["@context"] == "https://schema.org"
    assert news["headline"] == article.title
    assert news["description"] == article.deck  # no search description: the deck
    assert news["url"] == CANONICAL
    assert news["mainEntityOfPage"] == {"@type": "WebPage", "@id": CANONICAL}
    assert datetime.fromisoformat(news["datePublished"]) == article.first_published_at
    assert datetime.fromisoformat(news["dateModified"]) == article.last_published_at
    assert news["author"] == [
        {"@type": "Person", "name": "Maria Lund", "url": "http://testserver/authors/maria-lund/"}
    ]
    assert news["articleSection"] == "World"
    assert news["keywords"] == ["Diplomacy", "Fisheries", "Skarholm summit"]
    assert news["locationCreated"] == {"@type": "Place", "name": "SKARHOLM, Northern Isles"}

    (image,) = news["image"]
    assert image["@type"] == "ImageObject"
    assert (image["width"], image["height"]) == (1200, 630)
    assert image["url"].startswith("http://testserver/media/images/")
    assert client.get(image["url"].removeprefix("http://testserver")).status_code == 200

    publisher = news["publisher"]
    assert publisher["@type"] == "Organization"
    assert publisher["name"] == "Dateline"
    logo = publisher["logo"]
    assert logo["url"] == "http://testserver/static/distribution/logo.png"
    from django.contrib.staticfiles import finders

    with Image.open(finders.find("distribution/logo.png")) as png:
        assert png.format == "PNG"
        assert (logo["width"], logo["height"]) == png.size


def test_breadcrumbs_lead_from_the_front_page_to_the_story(client, summit_article):
    crumbs = _by_type(_extract(client.get(ARTICLE_URL)), "BreadcrumbList")
    assert [
        (item["position"], item["name"], item["item"]) for item in crumbs["itemListElement"]
    ] == [
        (1, "Dateline", "http://testserver/"),
        (2, "World", "http://testserver/world/"),
        (3, summit_article.title, CANONICAL),
    ]


def test_open_graph_and_twitter_cards(client, summit_article):
    response = client.get(ARTICLE_URL)
    og = _open_graph(response)
    assert og["og:type"] == ["article"]
    assert og["og:title"] == [summit_article.title]
    assert og["og:description"] == [summit_article.search_description]
    assert og["og:url"] == [CANONICAL]
    assert og["og:site_name"] == ["Dateline"]
    assert og["og:locale"] == ["en_US"]
    (image,) = og["og:image"]
    assert image.startswith("http://testserver/media/images/")
    assert og["og:image:width"] == ["1200"] and og["og:image:height"] == ["630"]
    assert og["og:image:alt"] == [summit_article.lead_image.default_alt_text]
    assert og["article:published_time"] == [summit_article.first_published_at.isoformat()]
    assert og["article:author"] == ["http://testserver/authors/maria-lund/"]
    assert og["article:section"] == ["World"]
    assert og["article:tag"] == ["Diplomacy", "Fisheries", "Skarholm summit"]

    page = parse(response)
    assert _meta(page, "name", "twitter:card") == ["summary_large_image"]
    assert _meta(page, "name", "twitter:title") == [summit_article.title]
    assert _meta(page, "name", "twitter:description") == [summit_article.search_description]
    assert _meta(page, "name", "twitter:image") == [image]
    assert _meta(page, "name", "twitter:image:alt") == og["og:image:alt"]


def test_canonical_share_bar_and_metadata_agree(client, summit_article):
    response = client.get(ARTICLE_URL)
    page = parse(response)
    canonical = page.find("link", rel="canonical")["href"]
    assert canonical == CANONICAL
    assert _open_graph(response)["og:url"] == [canonical]
    assert _by_type(_extract(response), "NewsArticle")["url"] == canonical
    shared = [
        parse_qs(urlsplit(a["href"]).query).get("u", parse_qs(urlsplit(a["href"]).query).get("url"))
        for a in page.select(".share a")
    ]
    assert shared == [[canonical]] * 4
    assert page.select_one(".share-copy")["data-copy-url"] == canonical


def test_promote_fields_win_for_social_title_and_description(client, summit_article):
    summit_article.seo_title = "Varga goes north"
    summit_article.search_description = "The summit, in one line."
    summit_article.save_revision().publish()
    response = client.get(ARTICLE_URL)
    page = parse(response)
    assert _open_graph(response)["og:title"] == ["Varga goes north"]
    assert _meta(page, "name", "twitter:description") == ["The summit, in one line."]
    # The headline in structured data stays the real headline.
    ld = json.loads(page.find("script", type="application/ld+json").string)
    assert ld["headline"] == summit_article.title
    assert ld["description"] == "The summit, in one line."


def test_awkward_headlines_are_escaped_in_json_ld_and_meta_tags(client, publish_article):
    article = publish_article(AWKWARD_TITLE, deck=AWKWARD_TITLE + " </script><script>x()")
    response = client.get(article.url)
    html = response.content.decode()
    # The JSON-LD cannot end its own <script> early: < > & are escaped inside it.
    for script in parse(response).find_all("script", type="application/ld+json"):
        assert "<" not in script.string and "&" not in script.string
    assert "</script><script>x()" not in html
    news = _by_type(_extract(response), "NewsArticle")
    assert news["headline"] == AWKWARD_TITLE
    assert news["description"] == AWKWARD_TITLE + " </script><script>x()"
    assert _open_graph(response)["og:title"] == [AWKWARD_TITLE]
    assert _meta(parse(response), "name", "twitter:title") == [AWKWARD_TITLE]


def test_an_article_without_a_lead_photo_has_a_plain_summary_card(client, publish_article):
    article = publish_article("No photo today")
    response = client.get(article.url)
    page = parse(response)
    assert _meta(page, "name", "twitter:card") == ["summary"]
    assert "og:image" not in _open_graph(response)
    assert "image" not in _by_type(_extract(response), "NewsArticle")


@pytest.mark.parametrize(
    ("address", "own_feed"),
    [
        ("/", None),
        ("/world/", "/feeds/section/world/"),
        ("/authors/maria-lund/", "/feeds/author/maria-lund/"),
        ("/tags/fisheries/", "/feeds/tag/fisheries/"),
        (ARTICLE_URL, "/feeds/section/world/"),
    ],
)
def test_pages_announce_their_feeds(client, demo_site, address, own_feed):
    page = parse(client.get(address))
    links = [
        (link["type"], link["href"])
        for link in page.find_all("link", rel="alternate")
        if link["type"] != "application/json+oembed"
    ]
    site_feeds = [
        ("application/rss+xml", "/feeds/rss/"),
        ("application/atom+xml", "/feeds/atom/"),
        ("application/feed+json", "/feeds/json/"),
    ]
    own = (
        [(mime, own_feed + href.removeprefix("/feeds/")) for mime, href in site_feeds]
        if own_feed
        else []
    )
    assert links == own + site_feeds
    for _, href in links:  # every announced feed exists
        assert client.get(href).status_code == 200, href


def test_feed_links_name_the_section_and_site_as_they_are_now(client, demo_site):
    """The links are kept per process by section and site name: a rename shows at once."""

    def section_feed_titles():
        page = parse(client.get(ARTICLE_URL))
        return [
            link["title"]
            for link in page.find_all("link", rel="alternate")
            if "/feeds/section/" in link["href"]
        ]

    from dateline.news.models import SectionPage

    assert section_feed_titles()[0].startswith("World – ")
    world = SectionPage.objects.get(slug="world")
    world.title = "World & <Region>"
    world.save_revision().publish()
    titles = section_feed_titles()
    assert [title.split(" – ")[0] for title in titles] == ["World & <Region>"] * 3


def test_corrections_are_published_as_schema_org_corrections(client, summit_article):
    from dateline.news.models import ArticleNote

    response = client.get(ARTICLE_URL)
    assert "correction" not in _by_type(_extract(response), "NewsArticle")

    summit_article.notes.add(
        ArticleNote(kind=ArticleNote.CORRECTION, text="The summit is on Friday, not Thursday."),
        ArticleNote(kind=ArticleNote.UPDATE, text="The leaders have arrived."),
    )
    summit_article.save_revision().publish()
    news = _by_type(_extract(client.get(ARTICLE_URL)), "NewsArticle")
    (correction,) = news["correction"]  # updates are not corrections
    assert correction["@type"] == "CorrectionComment"
    assert correction["text"] == "The summit is on Friday, not Thursday."
    assert datetime.fromisoformat(correction["datePublished"])
