"""Template tags: share-card metadata on article pages, feed discovery on every page."""

import functools
from urllib.parse import urlencode

from django import template
from django.template.loader import render_to_string
from django.urls import reverse

from dateline.news.models import ArticlePage, AuthorPage, SectionPage

from ..articles import absolute
from ..structured_data import ArticleMetadata, ld_json_script

register = template.Library()

# Media type and the name a feed reader shows, by format.
FEED_TYPES = {
    "rss": ("application/rss+xml", "RSS"),
    "atom": ("application/atom+xml", "Atom"),
    "json": ("application/feed+json", "JSON Feed"),
}


@register.inclusion_tag("distribution/article_metadata.html", takes_context=True)
def article_metadata(context, page):
    request = context["request"]
    canonical = context.get("canonical_url") or page.canonical_url(request)
    metadata = ArticleMetadata(page, request, canonical)
    return {
        "json_ld": [
            ld_json_script(metadata.news_article()),
            ld_json_script(metadata.breadcrumbs()),
        ],
        "open_graph": metadata.open_graph(),
        "twitter_card": metadata.twitter_card(),
        "oembed_url": absolute(
            request,
            reverse("distribution:oembed") + "?" + urlencode({"url": canonical, "format": "json"}),
        ),
        "title": metadata.title,
    }


def _parent_section(article):
    section = article.get_parent()
    return ("section", section.slug, section.title)


# The feed a page announces besides the whole site's, by the kind of page.
PAGE_FEEDS = {
    SectionPage: lambda page: ("section", page.slug, page.title),
    AuthorPage: lambda page: ("author", page.slug, page.title),
    ArticlePage: _parent_section,
}


@register.simple_tag(takes_context=True)
def feed_discovery_links(context):
    """<link rel="alternate"> for the feeds that match this page, then the whole site's."""
    page, tag = context.get("page"), context.get("tag")
    scope = None
    if tag is not None:
        scope = ("tag", tag.slug, f"Tagged “{tag.name}”")
    elif type(page) in PAGE_FEEDS:
        scope = PAGE_FEEDS[type(page)](page)
    return _feed_links_html(scope, context.get("site_name", ""))


@functools.lru_cache(maxsize=4096)
def _feed_links_html(scope, site_name):
    """The links for one scope and site name, rendered once per process.

    Every page of a scope (all of a section's articles) has the same links, and
    the URLs reversed here do not change while a process runs: rendering them
    on every page was about a twentieth of an article served from its fragments.
    """
    scopes = [scope] if scope else []
    links = []
    for scope_name, slug, label in scopes:
        for format_name, (mime, kind) in FEED_TYPES.items():
            url = reverse(f"distribution:{scope_name}-{format_name}", args=[slug])
            links.append((mime, url, f"{label} – {site_name} ({kind})"))
    for format_name, (mime, kind) in FEED_TYPES.items():
        url = reverse(f"distribution:site-{format_name}")
        links.append((mime, url, f"{site_name} ({kind})"))
    return render_to_string("distribution/feed_links.html", {"feed_links": links})
