"""Which newsroom paths show an article, for a full-page cache's purges.

When the page-cache app (`dateline.caching`) is installed, this registers a
paths provider with it, so republishing an article (a correction, a new
version) also refreshes its change log, the corrections page and feeds, and
its archive pages. Without that app it does nothing.
"""

from django.apps import apps
from django.urls import reverse
from django.utils import timezone

from dateline.news.models import ArticlePage


def paths_showing_article_history(page):
    if not isinstance(page, ArticlePage):
        return
    url = page.get_url()
    if url:
        yield url + "changes/"
    yield reverse("corrections")
    yield reverse("corrections-rss")
    yield reverse("corrections-atom")
    if page.first_published_at:
        published = timezone.localtime(page.first_published_at)
        yield reverse("archive-year", args=[published.year])
        yield reverse("archive-month", args=[published.year, published.month])


def register():
    if not apps.is_installed("dateline.caching"):
        return
    from dateline.caching.purge import register_paths_provider

    register_paths_provider(paths_showing_article_history)
