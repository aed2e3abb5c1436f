"""oEmbed for articles: what another site needs to show one of our stories as a card.

The card is plain HTML (a linked headline, the deck and our name): no script,
no iframe, so embedding a story never runs our code on someone else's page.
"""

from urllib.parse import urlsplit

from django.utils.html import format_html

from dateline.news.models import ArticlePage

from .articles import absolute, same_site, site_for, site_name

DEFAULT_WIDTH, DEFAULT_HEIGHT = 600, 200


class OEmbedError(Exception):
    def __init__(self, status, message):
        super().__init__(message)
        self.status, self.message = status, message


def article_for_url(request, url):
    """The published article at `url` on this site, or an OEmbedError saying why not."""
    if not url:
        raise OEmbedError(400, "The url parameter is required.")
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not same_site(request, url):
        raise OEmbedError(404, "Only this site's articles can be embedded.")
    site = site_for(request)
    path = parts.path if parts.path.endswith("/") else parts.path + "/"
    article = (
        ArticlePage.objects.published()
        .filter(url_path=site.root_page.url_path.rstrip("/") + path)
        .select_related("lead_image")
        .first()
    )
    if article is None:
        raise OEmbedError(404, "No published article at that address.")
    return article


def _dimension(raw, default):
    """A maxwidth/maxheight limit; anything that is not a positive number is ignored."""
    try:
        value = int(raw)
    except (TypeError, ValueError):
        return default
    return min(value, default) if value > 0 else default


def oembed_for(request, article, maxwidth=None, maxheight=None):
    provider = site_name(site_for(request))
    url = article.canonical_url(request)
    authors = article.authors
    data = {
        "version": "1.0",
        "type": "rich",
        "title": article.seo_title or article.title,
        "provider_name": provider,
        "provider_url": absolute(request, "/"),
        "width": _dimension(maxwidth, DEFAULT_WIDTH),
        "height": _dimension(maxheight, DEFAULT_HEIGHT),
        "html": format_html(
            '<blockquote class="dateline-embed" cite="{}"><p><a href="{}">{}</a></p>'
            "<p>{}</p><footer>{}</footer></blockquote>",
            url,
            url,
            article.title,
            article.search_description or article.deck,
            provider,
        ),
        "cache_age": 3600,
    }
    if authors:
        data["author_name"] = ", ".join(author.title for author in authors)
        data["author_url"] = absolute(request, authors[0].get_url(request))
    if article.lead_image:
        rendition = article.social_image
        data.update(
            thumbnail_url=absolute(request, rendition.url),
            thumbnail_width=rendition.width,
            thumbnail_height=rendition.height,
        )
    return data
