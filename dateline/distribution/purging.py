"""Which feed and sitemap paths show an article, for the page cache's purges."""

from django.urls import reverse

from dateline.news.models import ArticlePage

from .generators import FORMATS
from .sitemaps import SITEMAPS


def paths_showing_in_distribution(page):
    if not isinstance(page, ArticlePage):
        return
    scopes = [("section", page.get_parent().slug)]
    scopes += [("author", byline.author.slug) for byline in page.bylines.select_related("author")]
    scopes += [("tag", tag.slug) for tag in page.tags.all()]
    for format_name in FORMATS:
        yield reverse(f"distribution:site-{format_name}")
        for scope, slug in scopes:
            yield reverse(f"distribution:{scope}-{format_name}", args=[slug])
    yield reverse("distribution:sitemap-index")
    for name in SITEMAPS:
        yield reverse("distribution:sitemap", args=[name])
