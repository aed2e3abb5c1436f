"""Page weight and database work per page: budgets a reader on a phone would feel."""

import gzip
from pathlib import Path

import pytest
from django.contrib.staticfiles import finders
from django.core.cache import caches
from django.db import connection
from django.template.loader import get_template
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from dateline.news.models import (
    ARTICLE_PAGE_RENDITIONS,
    FIGURE_PICTURE,
    SOCIAL_IMAGE,
    ArticleAuthor,
    ArticlePage,
    AuthorPage,
    SectionPage,
)

from .html import parse

ARTICLE = "/world/president-heads-north-for-skarholm-summit/"


def compressed_size(data):
    return len(gzip.compress(data, compresslevel=6))


def test_article_html_css_and_js_fit_in_30_kb_compressed(client, demo_site):
    response = client.get(ARTICLE)
    page = parse(response)
    total = compressed_size(response.content)
    assets = [link["href"] for link in page.select("link[rel=stylesheet]")]
    assets += [script["src"] for script in page.select("script[src]")]
    for url in assets:
        total += compressed_size(Path(finders.find(url.removeprefix("/static/"))).read_bytes())
    assert total <= 30 * 1024, f"{total} bytes compressed"


def add_articles(section, count, image, author):
    for n in range(count):
        article = ArticlePage(
            title=f"Extra story {n}",
            slug=f"extra-story-{n}",
            deck="One more.",
            lead_image=image,
            body=[
                {
                    "type": "figure",
                    "value": {
                        "image": {"image": image.pk, "alt_text": f"Photo {n}", "decorative": False},
                        "caption": f"Caption {n}.",
                        "credit": "Staff",
                    },
                }
            ],
        )
        article.bylines = [ArticleAuthor(author=author)]
        section.add_child(instance=article)
        article.tags.add("Fisheries", f"extra-{n}")
        article.save_revision().publish()


THIS_MONTH = timezone.now()


@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/world/",
        "/tags/fisheries/",
        "/authors/maria-lund/",
        f"/archive/{THIS_MONTH.year}/",
        f"/archive/{THIS_MONTH.year}/{THIS_MONTH.month}/",
    ],
)
def test_listing_pages_make_the_same_queries_whatever_the_number_of_stories(
    client, summit_article, path, django_assert_num_queries, django_assert_max_num_queries
):
    client.get(path)
    with django_assert_max_num_queries(100) as before:
        client.get(path)
    queries = len(before)  # read now: the query log is reset by the next request
    add_articles(
        SectionPage.objects.get(slug="world"),
        8,
        summit_article.lead_image,
        AuthorPage.objects.get(slug="maria-lund"),
    )
    client.get(path)
    with django_assert_num_queries(queries):
        client.get(path)


def test_article_queries_do_not_grow_with_figures_authors_or_tags(
    client, summit_article, django_assert_num_queries, django_assert_max_num_queries
):
    client.get(ARTICLE)
    with django_assert_max_num_queries(100) as before:
        client.get(ARTICLE)
    queries = len(before)  # read now: the query log is reset by the next request

    image = summit_article.lead_image
    extra_figures = [
        {
            "type": "figure",
            "value": {
                "image": {"image": image.pk, "alt_text": f"Extra {n}", "decorative": False},
                "caption": f"Extra caption {n}.",
                "credit": "Staff",
            },
        }
        for n in range(5)
    ]
    summit_article.body = list(summit_article.body.raw_data) + extra_figures
    summit_article.bylines.add(ArticleAuthor(author=AuthorPage.objects.get(slug="tomas-okafor")))
    summit_article.tags.add("More", "Tags", "Here")
    summit_article.save_revision().publish()

    client.get(ARTICLE)
    with django_assert_num_queries(queries):
        response = client.get(ARTICLE)
    assert len(parse(response).select("figure.figure")) == 8


def test_the_share_image_comes_with_the_figures_renditions(client, summit_article, settings):
    """No query of its own, and no write to the renditions cache, on each view."""
    # A renditions cache that keeps what it is given (the tests' own keeps nothing).
    settings.CACHES = {
        **settings.CACHES,
        "renditions": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "share-image-test",  # not the default cache's store
        },
    }
    client.get(ARTICLE)  # the renditions exist from here on
    with CaptureQueriesContext(connection) as warm:
        client.get(ARTICLE)
    renditions = caches["renditions"]
    renditions.clear()
    with CaptureQueriesContext(connection) as cold:
        response = client.get(ARTICLE)
    assert len(cold) == len(warm)
    share_image = parse(response).select_one('meta[property="og:image"]')["content"]
    assert "fill-1200x630" in share_image
    # Nothing was written back: the share card's rendition came from the page's own fetch.
    image = summit_article.lead_image
    key = image.get_rendition_model().construct_cache_key(
        image, SOCIAL_IMAGE.get_cache_key(image), SOCIAL_IMAGE.spec
    )
    assert renditions.get(key) is None


def test_the_article_fetches_only_the_renditions_it_shows(client, summit_article):
    """Each photo's card and feed renditions stay in the database: the page shows none."""
    images = [*summit_article.figure_images(), summit_article.lead_image]
    for image in images:
        image.get_rendition("fill-400x225|format-webp")  # a card's, as listings make
    response = client.get(ARTICLE)
    assert response.status_code == 200
    sources = [
        source["srcset"] for source in parse(response).select("figure.figure picture source")
    ]
    assert sources and all("fill-400x225" not in srcset for srcset in sources)

    page = ArticlePage.objects.get(pk=summit_article.pk)
    page._page_view = True
    page.prefetch_renditions()
    fetched = {
        rendition.filter_spec
        for image in [*page.figure_images(), page.lead_image]
        for rendition in image.prefetched_renditions
    }
    # Every rendition the page asked for came in the one query, and nothing else did.
    assert fetched == set(ARTICLE_PAGE_RENDITIONS)


def test_the_renditions_fetched_are_the_ones_the_figure_template_shows():
    template = Path(get_template("blocks/figure.html").origin.name)
    assert f"{{% picture value.image {FIGURE_PICTURE} " in template.read_text()
