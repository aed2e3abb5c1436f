"""Fixtures for distribution tests: articles published at chosen times, and the schemas."""

from datetime import timedelta

import pytest
from django.utils import timezone

from dateline.news.models import ArticleAuthor, ArticlePage, AuthorPage, SectionPage

from .support import xml_schema


@pytest.fixture
def publish_article(demo_site):
    """Publish an article in the demo site, first published `hours_ago` hours ago."""

    def publish(
        title,
        section="world",
        authors=("maria-lund",),
        tags=(),
        hours_ago=1.0,
        updated_hours_ago=None,
        deck="A deck for the story.",
        slug=None,
        **fields,
    ):
        parent = SectionPage.objects.get(slug=section)
        article = ArticlePage(
            title=title,
            slug=slug or f"story-{ArticlePage.objects.count() + 1}",
            deck=deck,
            body=fields.pop("body", [{"type": "paragraph", "value": "<p>Body text.</p>"}]),
            **fields,
        )
        article.bylines = [
            ArticleAuthor(author=AuthorPage.objects.get(slug=slug)) for slug in authors
        ]
        parent.add_child(instance=article)
        if tags:
            article.tags.add(*tags)
        article.save_revision().publish()
        now = timezone.now()
        first = now - timedelta(hours=hours_ago)
        last = now - timedelta(hours=updated_hours_ago) if updated_hours_ago is not None else first
        ArticlePage.objects.filter(pk=article.pk).update(
            first_published_at=first, last_published_at=last
        )
        article.refresh_from_db()
        return article

    return publish


@pytest.fixture(scope="session")
def sitemap_schema():
    """sitemaps.org's urlset schema with Google's image and news extensions."""
    return xml_schema("sitemap-with-extensions.xsd")


@pytest.fixture(scope="session")
def sitemap_index_schema():
    return xml_schema("siteindex.xsd")
