"""Which paths show a live page besides the article's own: its poll document."""

from django.urls import reverse


def paths_showing_live_page(page):
    from .models import LivePage

    if page.specific_class is not None and issubclass(page.specific_class, LivePage):
        # The page itself, its windows (query variants of its path) and the
        # listings, feeds and sitemaps come from the news and distribution
        # providers, which see an article.
        yield reverse("live:updates", args=[page.pk])
