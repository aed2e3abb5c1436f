"""Which public paths show a news page, for the page cache's purges."""

from django.urls import reverse
from django.utils import timezone

from dateline.caching.purge import purge_site

from .models import ArticlePage, AuthorPage, HomePage, SectionPage
from .sites import site_memo


def paths_showing_news_page(page):
    if isinstance(page, ArticlePage):
        yield from _paths_showing_article(page)
    elif isinstance(page, AuthorPage):
        yield page.get_url()
        yield page.get_parent().get_url()
        for article in ArticlePage.objects.filter(bylines__author=page).published():
            yield article.get_url()
    elif isinstance(page, (SectionPage, HomePage)):
        # Sections are in every page's menu, which each process remembers.
        site_memo.changed()
        purge_site()


def _paths_showing_article(page):
    yield page.get_url()
    yield page.get_parent().get_url()  # its section
    site = page.get_site()
    yield site.root_page.get_url() if site else "/"
    for byline in page.bylines.select_related("author"):
        yield byline.author.get_url()
    for tag in page.tags.all():
        yield reverse("tag", args=[tag.slug])
    # A correction or update shows on the corrections page and its feeds.
    yield reverse("corrections")
    yield reverse("corrections-rss")
    yield reverse("corrections-atom")
    if page.first_published_at:
        published = timezone.localtime(page.first_published_at)
        yield reverse("archive-year", args=[published.year])
        yield reverse("archive-month", args=[published.year, published.month])
