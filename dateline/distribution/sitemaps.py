"""Sitemaps built on django.contrib.sitemaps: listing pages, articles (paged, with
their photos) and a Google News sitemap of the last 48 hours.

Every sitemap is created per request (it needs the request for page URLs) and
costs a fixed number of queries per page whatever the number of articles.
"""

from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.sitemaps import Sitemap
from django.core.paginator import Paginator
from django.db.models import Count, Max
from django.utils import timezone
from django.utils.functional import cached_property
from wagtail.models import Page

from dateline.news.models import (
    ArticlePage,
    AuthorIndexPage,
    AuthorPage,
    HomePage,
    SectionPage,
    article_pages,
)
from dateline.news.paging import KeysFirst

from .articles import image_file_urls, page_path, site_name
from .policy import SitemapPolicy, publication_language


def _whole_seconds(moment):
    return moment.replace(microsecond=0) if moment else None


class SiteSitemap(Sitemap):
    """A sitemap of one Wagtail site, with absolute URLs on BASE_URL when it is set."""

    def __init__(self, request, site, policy):
        self.request, self.site, self.policy = request, site, policy
        self.limit = policy.page_size

    def get_protocol(self, protocol=None):
        if settings.BASE_URL:
            return urlsplit(settings.BASE_URL).scheme
        return protocol or self.request.scheme

    def get_domain(self, site=None):
        if settings.BASE_URL:
            return urlsplit(settings.BASE_URL).netloc
        return self.request.get_host()

    def base_url(self):
        return f"{self.get_protocol()}://{self.get_domain()}"

    @cached_property
    def paginator(self):
        # Django's builds a new Paginator, and counts the items again, on every use.
        return Paginator(self._items(), self.limit)

    def location(self, page):
        return page_path(page, self.request)

    def lastmod(self, page):
        return _whole_seconds(page.last_published_at)

    def get_latest_lastmod(self):
        # One aggregate instead of Django's default loop over every item.
        newest = self.items().order_by().aggregate(newest=Max("last_published_at"))["newest"]
        return _whole_seconds(newest)


class PagesSitemap(SiteSitemap):
    """The front page, sections and author profiles."""

    types = (HomePage, SectionPage, AuthorIndexPage, AuthorPage)

    def items(self):
        return (
            Page.objects.descendant_of(self.site.root_page, inclusive=True)
            .type(*self.types)
            .live()
            .public()
            .order_by("path")
        )


class ArticleRowsSitemap(SiteSitemap):
    """Articles as plain rows, not page objects.

    Building a Wagtail page object costs far more than reading its row, and
    a sitemap page lists thousands of articles; it needs only the columns
    below. The path is the page's url_path below the site's root, which is
    what Wagtail serves it at (its URLs are mounted at the site root).
    """

    columns = ("pk", "url_path", "first_published_at", "last_published_at")

    def articles(self):
        return ArticlePage.objects.descendant_of(self.site.root_page).published()

    def location(self, row):
        return "/" + row["url_path"][len(self.site.root_page.url_path) :]

    def lastmod(self, row):
        return _whole_seconds(row["last_published_at"])


class ArticlesSitemap(ArticleRowsSitemap):
    """Every published article, oldest first so page numbers stay stable, with its photos."""

    def items(self):
        return (
            self.articles()
            .order_by("pk")
            .values(*self.columns, "lead_image_id", "figure_image_ids")
        )

    def article_pages(self):
        """The same articles as `articles()`, found in the page table alone (by their
        types, not through a join): at 100,000 articles, counting them so costs a fifth
        of counting through the join, and skipping to a deep sitemap page a fifth too."""
        return article_pages().descendant_of(self.site.root_page)

    @cached_property
    def stats(self):
        """How many articles and the newest publication, in one aggregate."""
        pages = self.article_pages().order_by()
        return pages.aggregate(count=Count("pk"), newest=Max("last_published_at"))

    @cached_property
    def paginator(self):
        rows = KeysFirst(
            self.article_pages().order_by("pk").values_list("pk", flat=True), self.items()
        )
        paginator = Paginator(rows, self.limit)
        paginator.count = self.stats["count"]  # Paginator's own is a count of items()
        return paginator

    def get_latest_lastmod(self):
        return _whole_seconds(self.stats["newest"])

    def get_urls(self, page=1, site=None, protocol=None):
        urls = super().get_urls(page=page, site=site, protocol=protocol)
        wanted = {
            url["item"]["pk"]: [url["item"]["lead_image_id"], *url["item"]["figure_image_ids"]]
            for url in urls
        }
        base = self.base_url()
        image_urls = {
            pk: (url if url.startswith(("http://", "https://")) else base + url)
            for pk, url in image_file_urls(
                [pk for ids in wanted.values() for pk in ids if pk]
            ).items()
        }
        for url in urls:
            # Each photo once, lead photo first, in the order readers meet them.
            ids = dict.fromkeys(pk for pk in wanted[url["item"]["pk"]] if pk in image_urls)
            url["images"] = list(dict.fromkeys(image_urls[pk] for pk in ids))
        return urls


class NewsSitemap(ArticleRowsSitemap):
    """Google News: only articles first published in the last 48 hours, newest first."""

    def items(self):
        since = timezone.now() - self.policy.news_window
        return (
            self.articles()
            .filter(first_published_at__gte=since)
            .newest_first()
            .values(*self.columns, "title")
        )[: self.policy.news_limit]

    def get_latest_lastmod(self):
        return max((self.lastmod(row) for row in self.items()), default=None)

    def get_urls(self, page=1, site=None, protocol=None):
        urls = super().get_urls(page=page, site=site, protocol=protocol)
        name = site_name(self.site)
        for url in urls:
            url["news"] = {
                "publication_name": name,
                "language": publication_language(),
                "publication_date": _whole_seconds(url["item"]["first_published_at"]),
                "title": url["item"]["title"],
            }
        return urls


SITEMAPS = {"pages": PagesSitemap, "articles": ArticlesSitemap, "news": NewsSitemap}


def site_sitemaps(request, site, names=SITEMAPS):
    """The sitemaps of this site (of `names`) that have something in them, by section name."""
    policy = SitemapPolicy.current()
    sitemaps = {name: SITEMAPS[name](request, site, policy) for name in names if name in SITEMAPS}
    return {name: sitemap for name, sitemap in sitemaps.items() if sitemap.paginator.count}
