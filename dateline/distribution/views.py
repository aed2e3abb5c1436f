"""Sitemaps, robots.txt and oEmbed. Feeds are in feeds.py."""

import io

from django.core.paginator import EmptyPage, PageNotAnInteger
from django.http import Http404, HttpResponse, JsonResponse
from django.template.response import TemplateResponse
from django.urls import reverse
from django.views.decorators.http import require_safe
from wagtail.models import Page

from .articles import Freshness, absolute, site_for
from .oembed import OEmbedError, article_for_url, oembed_for
from .policy import SitemapPolicy
from .sitemap_xml import write_urlset
from .sitemaps import site_sitemaps

SITEMAP_CONTENT_TYPE = "application/xml; charset=utf-8"


def _sitemap_freshness(site):
    """Changes whenever any page of the site is published, republished or withdrawn."""
    return Freshness.of(Page.objects.descendant_of(site.root_page, inclusive=True).live().public())


@require_safe
def sitemap_index(request):
    site = site_for(request)
    freshness = _sitemap_freshness(site)

    def build():
        sitemaps = site_sitemaps(request, site)
        entries = []
        for name, sitemap in sitemaps.items():
            location = sitemap.base_url() + reverse("distribution:sitemap", args=[name])
            lastmod = sitemap.get_latest_lastmod()
            entries.append((location, lastmod))
            entries.extend(
                (f"{location}?p={number}", lastmod)
                for number in range(2, sitemap.paginator.num_pages + 1)
            )
        return TemplateResponse(
            request,
            "distribution/sitemap_index.xml",
            {"entries": entries},
            content_type=SITEMAP_CONTENT_TYPE,
        )

    policy = SitemapPolicy.current()
    return freshness.respond(request, ("index", policy, request.get_host()), build, policy.max_age)


@require_safe
def sitemap_section(request, section):
    site = site_for(request)
    freshness = _sitemap_freshness(site)
    policy = SitemapPolicy.current()
    variant = (section, request.GET.get("p", "1"), policy, request.get_host())

    def build():
        sitemap = site_sitemaps(request, site, names=[section]).get(section)
        if sitemap is None:
            raise Http404("No such sitemap")
        # The same rules as Django's sitemap view: a page that is not a
        # number, or is past the end, is a 404.
        try:
            urls = sitemap.get_urls(page=request.GET.get("p", 1))
        except (EmptyPage, PageNotAnInteger):
            raise Http404("No such page of this sitemap") from None
        # Written to a buffer, then set at once: 2,000 URLs are some 60,000 small
        # writes, which cost more through the response than into a string.
        xml = io.StringIO()
        write_urlset(xml, urls)
        response = HttpResponse(xml.getvalue(), content_type=SITEMAP_CONTENT_TYPE)
        # Crawlers should follow the sitemap, not list it in search results.
        response.headers["X-Robots-Tag"] = "noindex, noodp, noarchive"
        return response

    return freshness.respond(request, variant, build, policy.max_age)


@require_safe
def robots_txt(request):
    """Crawlers may read everything readers can; the sitemaps say where it is.

    The admin path is deliberately not named: it is configurable so that it
    is not guessable, and robots.txt is public.
    """
    site = site_for(request)
    sitemaps = [reverse("distribution:sitemap-index")]
    if site_sitemaps(request, site, names=["news"]):
        sitemaps.append(reverse("distribution:sitemap", args=["news"]))
    # Plain text, not a template: HTML escaping would corrupt a URL's "&".
    lines = ["User-agent: *", "Allow: /", ""]
    lines += [f"Sitemap: {absolute(request, path)}" for path in sitemaps]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")


@require_safe
def oembed(request):
    """oEmbed 1.0 (https://oembed.com/): an article as a rich card, JSON only."""
    if request.GET.get("format", "json") != "json":
        return HttpResponse("Only format=json is supported.", status=501, content_type="text/plain")
    try:
        article = article_for_url(request, request.GET.get("url", ""))
        data = oembed_for(
            request, article, request.GET.get("maxwidth"), request.GET.get("maxheight")
        )
    except OEmbedError as error:
        return HttpResponse(error.message, status=error.status, content_type="text/plain")
    return JsonResponse(data, json_dumps_params={"ensure_ascii": False})
