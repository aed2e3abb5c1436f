"""Reader search: what a reader finds, in what order, and what they never find."""

import pytest
from wagtail.models import PageViewRestriction

from dateline.news.models import ArticlePage
from dateline.news.tests.content import figure_block, paragraph
from dateline.news.tests.html import parse, text


def results(client, query, **params):
    response = client.get("/search/", {"q": query, **params})
    assert response.status_code == 200
    page = parse(response)
    return page, [text(a) for a in page.select(".search-result .card-title a")]


@pytest.fixture
def cormorant_story(new_article, demo_image):
    # "cormorants" appears only in a figure caption.
    return new_article(
        "seabird-survey",
        "Seabird survey finds fewer gulls",
        [
            paragraph("Counters walked the cliffs for three days in June."),
            figure_block(demo_image, "Two cormorants dry their wings on the breakwater."),
        ],
        tags=["Wildlife"],
    )


def test_a_word_only_in_a_caption_finds_its_article_highlighted(client, cormorant_story):
    page, titles = results(client, "cormorants")
    # Never kept by a shared cache: results change with every publication.
    assert "private" in client.get("/search/", {"q": "x"})["Cache-Control"]
    assert titles == ["Seabird survey finds fewer gulls"]
    snippet = page.select_one(".search-result .search-snippet")
    assert [text(mark) for mark in snippet.select("mark")] == ["cormorants"]
    assert "dry their wings" in text(snippet)
    assert text(page.select_one(".search-count")) == "1 result for “cormorants”"


def test_unpublished_and_private_articles_never_appear(client, new_article, cormorant_story):
    new_article(
        "draft-cormorants",
        "Draft about cormorants",
        [paragraph("More cormorants than ever, says a draft.")],
        publish=False,
    )
    # A published article that later got a draft still shows its published version.
    live = ArticlePage.objects.get(pk=cormorant_story.pk)
    live.title = "Unpublished headline about cormorants"
    live.save_revision()
    page, titles = results(client, "cormorants")
    assert titles == ["Seabird survey finds fewer gulls"]
    assert "Unpublished" not in text(page) and "Draft about" not in text(page)
    # Behind a password: not for the public search.
    restriction = PageViewRestriction.objects.create(
        page=cormorant_story, restriction_type=PageViewRestriction.PASSWORD, password="s3cret"
    )
    assert results(client, "cormorants")[1] == []
    restriction.delete()
    # Taken down: gone from search.
    ArticlePage.objects.get(pk=cormorant_story.pk).unpublish()
    _, titles = results(client, "cormorants")
    assert titles == []


def test_search_covers_authors_and_tags(client, cormorant_story):
    _, by_tag = results(client, "wildlife")
    assert by_tag == ["Seabird survey finds fewer gulls"]
    _, by_author = results(client, "Okafor")
    assert "Seabird survey finds fewer gulls" in by_author
    assert "Parliament passes fisheries bill after late sitting" in by_author
    _, nobody = results(client, "Lund")
    assert "Seabird survey finds fewer gulls" not in nobody


def test_ranking_and_pagination(client, settings, new_article):
    settings.DATELINE_PAGE_SIZE = 2
    new_article(
        "herring-return",
        "Herring return to the northern banks",
        [paragraph("Skippers report the first good catch in years.")],
    )
    page, first_page = results(client, "herring")
    assert first_page[0] == "Herring return to the northern banks"
    count = int(text(page.select_one(".search-count")).split()[0])
    assert count >= 2
    seen = list(first_page)
    number = 2
    while page.select_one(".pagination a[rel=next]"):
        page, titles = results(client, "herring", page=number)
        seen += titles
        number += 1
    assert len(seen) == len(set(seen)) == count
    assert client.get("/search/", {"q": "herring", "page": 99}).status_code == 404


def test_bad_queries_get_a_clear_answer(client, demo_site):
    page, titles = results(client, "")
    assert titles == [] and page.select_one("input[name=q]")
    _, titles = results(client, "%%% <script> ''' OR 1=1 --")
    assert titles == []
    response = client.get("/search/", {"q": "x" * 201})
    assert response.status_code == 400
    assert "at most 200 characters" in text(parse(response).select_one(".form-error"))
