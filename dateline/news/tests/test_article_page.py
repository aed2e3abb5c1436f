"""The demo article as a reader sees it: the shape of a classic news article page."""

from urllib.parse import parse_qs, urlsplit

import pytest

from dateline.demo import content

from .html import parse, text

ARTICLE_URL = "/world/president-heads-north-for-skarholm-summit/"
CANONICAL = "http://testserver" + ARTICLE_URL


@pytest.fixture
def page(client, summit_article):
    response = client.get(ARTICLE_URL)
    assert response.status_code == 200
    return parse(response)


def test_headline_is_the_only_h1_and_deck_follows(page):
    h1s = page.find_all("h1")
    assert [text(h) for h in h1s] == [
        "President Varga heads north for the Skarholm fisheries summit"
    ]
    deck = page.select_one(".article-header .deck")
    assert text(deck).startswith("The first face-to-face meeting with Prime Minister Halden")
    assert page.title.string.startswith("President Varga heads north")


def test_byline_links_each_author_to_their_profile(page, client):
    links = page.select(".byline .authors a[rel=author]")
    assert [(a["href"], text(a)) for a in links] == [("/authors/maria-lund/", "Maria Lund")]
    profile = parse(client.get("/authors/maria-lund/"))
    assert text(profile.h1) == "Maria Lund"
    assert "Chief correspondent" in text(profile)
    cards = [text(a) for a in profile.select(".card-title a")]
    assert "President Varga heads north for the Skarholm fisheries summit" in cards


def test_two_authors_read_as_a_byline(client, demo_site):
    page = parse(client.get("/world/what-is-at-stake-on-the-northern-banks/"))
    assert text(page.select_one(".byline .authors")) == "By Maria Lund and Tomas Okafor"


def test_dateline_place_and_published_time(page, summit_article):
    assert text(page.select_one(".dateline")) == "SKARHOLM, Northern Isles"
    times = page.select(".byline time[datetime]")
    assert [t["datetime"] for t in times] == [summit_article.first_published_at.isoformat()]
    assert "Updated" not in text(page.select_one(".byline"))


def test_an_article_republished_later_shows_its_update_time(client, summit_article):
    revision = summit_article.save_revision()
    revision.publish()
    summit_article.refresh_from_db()
    response = client.get(ARTICLE_URL)
    meta = parse(response).select_one(".byline .meta")
    assert "Updated" in text(meta)
    stamps = [t["datetime"] for t in meta.select("time")]
    assert stamps == [
        summit_article.first_published_at.isoformat(),
        summit_article.last_published_at.isoformat(),
    ]


def test_three_figures_in_order_with_alt_caption_and_credit(page):
    figures = page.select(".article-body figure.figure")
    expected = [content.SCENES[key] for key in ("motorcade", "roadblock", "limousine")]
    assert len(figures) == 3
    for figure, scene in zip(figures, expected, strict=True):
        img = figure.select_one("picture img")
        assert img["alt"] == scene["alt"]
        caption = text(figure.figcaption)
        assert caption.startswith(scene["caption"])
        assert caption.endswith("Photo: " + scene["credit"])


def test_figures_are_responsive_and_do_not_shift_the_layout(page):
    figures = page.select(".article-body figure.figure")
    for figure in figures:
        sources = figure.select("picture source")
        assert [s["type"] for s in sources] == ["image/avif", "image/webp"]
        for source in sources:
            assert len(source["srcset"].split(",")) == 3  # three widths
        img = figure.select_one("img")
        assert int(img["width"]) > 0 and int(img["height"]) > 0
        assert img["sizes"]
        assert len(img["srcset"].split(",")) == 3
    # The first photo is near the top and loads at once; the others wait for the reader.
    assert [f.img["loading"] for f in figures] == ["eager", "lazy", "lazy"]


def test_share_bar_has_four_correctly_encoded_links(page, summit_article):
    links = page.select(".share a")
    assert [text(a) for a in links] == ["Facebook", "Twitter/X", "LinkedIn", "Pinterest"]
    queries = {text(a): parse_qs(urlsplit(a["href"]).query) for a in links}
    hosts = {text(a): urlsplit(a["href"]).netloc for a in links}
    assert hosts == {
        "Facebook": "www.facebook.com",
        "Twitter/X": "twitter.com",
        "LinkedIn": "www.linkedin.com",
        "Pinterest": "www.pinterest.com",
    }
    assert queries["Facebook"]["u"] == [CANONICAL]
    assert queries["Twitter/X"]["url"] == [CANONICAL]
    assert queries["Twitter/X"]["text"] == [summit_article.title]
    assert queries["LinkedIn"]["url"] == [CANONICAL]
    assert queries["Pinterest"]["url"] == [CANONICAL]
    media = queries["Pinterest"]["media"][0]
    assert media.startswith("http://testserver/media/images/") and media.endswith(".jpg")
    # The raw href is encoded: no bare "://" of the shared URL inside the query.
    facebook = next(a["href"] for a in links if text(a) == "Facebook")
    assert "u=http%3A%2F%2Ftestserver%2Fworld%2F" in facebook
    copy = page.select_one(".share button.share-copy")
    assert copy["data-copy-url"] == CANONICAL


def test_share_links_encode_awkward_headlines(client, summit_article):
    summit_article.title = 'Fish & chips: "quotas" <cut> 50% — ünïcode 🐟'
    summit_article.save_revision().publish()
    page = parse(client.get(ARTICLE_URL))
    twitter = next(a for a in page.select(".share a") if text(a) == "Twitter/X")
    assert parse_qs(urlsplit(twitter["href"]).query)["text"] == [summit_article.title]
    assert text(page.h1) == summit_article.title


def test_comment_form_has_the_reference_fields_and_required_markers(page):
    respond = page.select_one("#respond")
    assert text(respond.h2) == "Leave a Reply"
    assert "Your email address will not be published. Required fields are marked *" in text(respond)
    labels = {label["for"]: text(label) for label in respond.select("label")}
    assert labels == {
        "id_comment": "Comment *",
        "id_name": "Name *",
        "id_email": "Email *",
        "id_website": "Website",
        "id_remember": "Save my name, email, and website in this browser for the next time "
        "I comment.",
    }
    for name in ("comment", "name", "email"):
        assert respond.select_one(f"#id_{name}").has_attr("required")
    assert not respond.select_one("#id_website").has_attr("required")
    assert text(respond.select_one("button[type=submit]")) == "Post Comment"


def test_tags_link_to_tag_pages(page, client):
    tags = [(a["href"], text(a)) for a in page.select(".tags a[rel=tag]")]
    assert ("/tags/skarholm-summit/", "Skarholm summit") in tags
    listing = parse(client.get("/tags/skarholm-summit/"))
    assert text(listing.h1) == "Skarholm summit"
    assert [text(a) for a in listing.select(".card-title a")] == [
        "President Varga heads north for the Skarholm fisheries summit"
    ]
