"""oEmbed: another site asks how to embed one of our stories."""

import json

import pytest
from lxml import html as lxml_html

from dateline.news.tests.html import parse

from .support import AWKWARD_TITLE

ARTICLE = "http://testserver/world/president-heads-north-for-skarholm-summit/"


def test_article_page_announces_its_oembed_endpoint(client, summit_article):
    page = parse(client.get(summit_article.url))
    link = page.find("link", type="application/json+oembed")
    assert link["href"].startswith("http://testserver/oembed/?")
    response = client.get(link["href"].removeprefix("http://testserver"))
    assert response.status_code == 200
    assert json.loads(response.content)["title"] == summit_article.title


def test_oembed_is_a_rich_card_without_script(client, summit_article):
    response = client.get("/oembed/", {"url": ARTICLE, "format": "json"})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    data = json.loads(response.content)
    assert data["version"] == "1.0"
    assert data["type"] == "rich"
    assert data["provider_name"] == "Dateline"
    assert data["provider_url"] == "http://testserver/"
    assert data["author_name"] == "Maria Lund"
    assert data["author_url"] == "http://testserver/authors/maria-lund/"
    assert (data["width"], data["height"]) == (600, 200)
    assert (data["thumbnail_width"], data["thumbnail_height"]) == (1200, 630)
    card = lxml_html.fragment_fromstring(data["html"])
    assert card.tag == "blockquote"
    assert card.xpath("string(.//a/@href)") == ARTICLE
    assert card.xpath("string(.//a)") == summit_article.title
    assert not card.xpath("//script|//iframe|//*[@style]")


def test_oembed_respects_maxwidth_and_ignores_nonsense(client, summit_article):
    narrow = json.loads(client.get("/oembed/", {"url": ARTICLE, "maxwidth": "320"}).content)
    assert narrow["width"] == 320
    odd = json.loads(client.get("/oembed/", {"url": ARTICLE, "maxwidth": "-5x"}).content)
    assert odd["width"] == 600


def test_oembed_escapes_awkward_headlines(client, publish_article):
    article = publish_article(AWKWARD_TITLE, deck=AWKWARD_TITLE)
    data = json.loads(client.get("/oembed/", {"url": "http://testserver" + article.url}).content)
    assert data["title"] == AWKWARD_TITLE
    card = lxml_html.fragment_fromstring(data["html"])
    assert card.xpath("string(.//a)") == AWKWARD_TITLE
    assert not card.xpath("//b")  # the <b> in the headline stayed text


@pytest.mark.parametrize(
    ("params", "status"),
    [
        ({}, 400),
        ({"url": "http://elsewhere.example/world/president-heads-north-for-skarholm-summit/"}, 404),
        ({"url": "http://testserver/world/no-such-story/"}, 404),
        ({"url": "http://testserver/world/"}, 404),  # a section, not an article
        ({"url": "javascript:alert(1)"}, 404),
        ({"url": ARTICLE, "format": "xml"}, 501),
    ],
)
def test_oembed_bad_requests_get_clear_errors(client, summit_article, params, status):
    response = client.get("/oembed/", params)
    assert response.status_code == status
    assert response.content  # says why


def test_oembed_finds_an_article_without_its_trailing_slash(client, summit_article):
    response = client.get("/oembed/", {"url": ARTICLE.rstrip("/")})
    assert response.status_code == 200
