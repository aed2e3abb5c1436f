"""Front, section, tag and author pages, pagination and the 404 page."""

import pytest

from dateline.news.models import ArticlePage, SectionPage

from .html import parse, text


def card_titles(page):
    return [text(a) for a in page.select(".card-title a")]


def test_front_page_puts_the_newest_story_first(client, demo_site):
    page = parse(client.get("/"))
    lead = page.select_one(".lead .card-title a")
    assert text(lead) == "President Varga heads north for the Skarholm fisheries summit"
    assert card_titles(page) == [
        "President Varga heads north for the Skarholm fisheries summit",
        "What is at stake on the northern banks",
        "Parliament passes fisheries bill after late sitting",
        "Kelp forests are coming back, survey finds",
    ]
    # Each card names its section.
    kickers = [text(k) for k in page.select(".card .kicker")]
    assert kickers == ["World", "World", "Politics", "Science"]


def test_unpublished_articles_never_reach_readers(client, summit_article):
    summit_article.unpublish()
    assert summit_article.title not in card_titles(parse(client.get("/")))
    assert summit_article.title not in card_titles(parse(client.get("/world/")))
    assert client.get(summit_article.url_path.replace("/home", "", 1)).status_code == 404


def test_section_page_lists_only_its_stories(client, demo_site):
    page = parse(client.get("/world/"))
    assert text(page.h1) == "World"
    assert card_titles(page) == [
        "President Varga heads north for the Skarholm fisheries summit",
        "What is at stake on the northern banks",
    ]
    nav = page.select_one("nav.sections a[aria-current=page]")
    assert text(nav) == "World"


@pytest.fixture
def many_stories(demo_site, settings):
    settings.DATELINE_PAGE_SIZE = 2
    return demo_site


def test_pagination_walks_through_every_story_once(client, many_stories):
    seen = []
    first = parse(client.get("/"))
    seen += card_titles(first)
    assert text(first.select_one(".pagination span")) == "Page 1 of 2"
    second = parse(client.get("/?page=2"))
    seen += card_titles(second)
    assert second.select_one(".lead") is None  # the lead story belongs to page 1 only
    assert sorted(seen) == sorted(ArticlePage.objects.published().values_list("title", flat=True))
    assert second.select_one("a[rel=prev]")["href"] == "?page=1"


@pytest.mark.parametrize("number", ["abc", "", "1.5", "-", "%00", "1e3"])
def test_malformed_page_number_gives_page_one(client, many_stories, number):
    response = client.get("/", {"page": number})
    assert response.status_code == 200
    assert text(parse(response).select_one(".pagination span")) == "Page 1 of 2"


@pytest.mark.parametrize("number", ["3", "0", "-1", "99999", "9" * 40])
def test_page_number_past_the_end_is_not_found(client, many_stories, number):
    assert client.get("/world/", {"page": number}).status_code == 404


def test_tag_pages(client, demo_site):
    page = parse(client.get("/tags/fisheries/"))
    assert text(page.h1) == "Fisheries"
    assert len(card_titles(page)) == 3
    assert client.get("/tags/no-such-tag/").status_code == 404
    assert client.get("/tags/%3Cscript%3E/").status_code == 404


def test_author_index_lists_both_reporters(client, demo_site):
    page = parse(client.get("/authors/"))
    assert [text(a) for a in page.select(".author-list a")] == ["Maria Lund", "Tomas Okafor"]


def test_unknown_url_gives_a_helpful_404(client, demo_site):
    response = client.get("/world/no-such-story/")
    assert response.status_code == 404
    page = parse(response)
    assert text(page.h1) == "We couldn’t find that page"
    links = [a["href"] for a in page.select(".not-found a")]
    assert "/" in links and "/world/" in links
    assert "/world/president-heads-north-for-skarholm-summit/" in links


def test_empty_section_says_so(client, demo_site):
    demo_site.add_child(instance=SectionPage(title="Sport", slug="sport")).save_revision().publish()
    page = parse(client.get("/sport/"))
    assert "No stories in this section yet." in text(page)


def test_listing_query_count_does_not_grow_with_stories(
    client, demo_site, django_assert_max_num_queries
):
    # Warm renditions and the site-root cache so the count is the steady state.
    client.get("/")
    with django_assert_max_num_queries(15):
        client.get("/")


def listing_addresses():
    summit = ArticlePage.objects.get(slug="president-heads-north-for-skarholm-summit")
    month = summit.first_published_at
    return ["/", "/world/", "/tags/fisheries/", "/authors/maria-lund/"] + [
        f"/archive/{month.year}/{month.month}/"
    ]


def test_every_listing_pages_through_its_stories_once_newest_first(client, demo_site, settings):
    from wagtail.models import PageViewRestriction

    # A story behind a password is in no listing, nor in any listing's count.
    kelp = ArticlePage.objects.get(slug="kelp-forests-are-coming-back-survey-finds")
    PageViewRestriction.objects.create(page=kelp, restriction_type="password", password="x")
    for address in listing_addresses():
        settings.DATELINE_PAGE_SIZE = 50
        whole = card_titles(parse(client.get(address)))
        assert whole and kelp.title not in whole, address
        settings.DATELINE_PAGE_SIZE = 1
        walked, number = [], 1
        while (response := client.get(address, {"page": number})).status_code == 200:
            page = parse(response)
            walked += card_titles(page)
            if len(whole) > 1:
                pages = text(page.select_one(".pagination span"))
                assert pages == f"Page {number} of {len(whole)}", address
            number += 1
        assert response.status_code == 404
        assert walked == whole, address
