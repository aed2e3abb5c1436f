"""Published articles prepared for distribution, with a fixed number of queries.

A feed or a sitemap page shows many articles at once; asking each one for its
byline, tags or photos would cost a query per article. These helpers fetch
what a whole batch needs in one query per kind and hang it on the articles.
"""

import hashlib
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import urlsplit

from django.conf import settings
from django.db.models import Count, Max, Prefetch, prefetch_related_objects
from django.http import Http404
from django.utils.cache import patch_cache_control
from django.views.decorators.http import condition
from wagtail.images import get_image_model
from wagtail.models import Site

from dateline.news.models import (
    NEWEST_FIRST,
    ArticleAuthor,
    ArticlePageTag,
    attach_sections,
)


def site_for(request):
    """The Wagtail site serving this request; 404 for a host with no site."""
    site = Site.find_for_request(request)
    if site is None:
        raise Http404("No site is configured for this host")
    return site


def site_name(site):
    return site.site_name or settings.WAGTAIL_SITE_NAME


def absolute(request, url):
    """`url` as an address that works outside the site: BASE_URL, else the request's host."""
    if not url or url.startswith(("http://", "https://")):
        return url
    if settings.BASE_URL:
        return settings.BASE_URL + url
    return request.build_absolute_uri(url)


def page_path(page, request):
    """The page's path on its site, without scheme or host."""
    _, _, path = page.get_url_parts(request) or (None, None, None)
    return path


def with_bylines_and_tags(articles):
    """The articles' bylines (in order, with their authors) and tags, two queries for all.

    Each article's `byline_authors` and `tag_names` come from the prefetched rows.
    """
    prefetch_related_objects(
        articles,
        Prefetch(
            "bylines",
            queryset=ArticleAuthor.objects.select_related("author").order_by("sort_order", "pk"),
        ),
        Prefetch(
            "tagged_items",
            queryset=ArticlePageTag.objects.select_related("tag").order_by("tag__name"),
        ),
    )
    for article in articles:
        article.byline_authors = [byline.author for byline in article.bylines.all()]
        article.tag_names = [item.tag.name for item in article.tagged_items.all()]
    return articles


def images_by_id(ids, with_renditions=False):
    """The images with these keys, in one query (plus one for their renditions)."""
    images = get_image_model().objects.filter(pk__in=set(ids))
    if with_renditions:
        images = images.prefetch_related("renditions")
    return {image.pk: image for image in images}


def image_file_urls(ids):
    """{pk: URL of the original upload} for these images, in one query."""
    images = get_image_model().objects.filter(pk__in=set(ids))
    return {image.pk: image.file.url for image in images}


def prepare(articles, figures=False):
    """Attach sections, bylines and tags (and, if asked, figure photos) to a batch."""
    articles = with_bylines_and_tags(attach_sections(articles))
    if figures:
        # Stored with the article when it is saved: no body to read for them.
        wanted = [pk for article in articles for pk in article.figure_image_ids]
        images = images_by_id(wanted, with_renditions=True)
        for article in articles:
            article.figure_images = images
    return articles


@dataclass(frozen=True)
class Freshness:
    """How many articles a feed or sitemap covers and when the newest change was published.

    One query, made before the response is built. The ETag changes when a story
    it covers is published, republished or withdrawn; Last-Modified follows the
    newest publication among them.
    """

    count: int
    newest: datetime | None
    # The articles covered, newest first, when a response shows only the newest few.
    keys: tuple = ()

    @classmethod
    def of(cls, queryset):
        """Every article of `queryset` (a sitemap): counted and dated in one aggregate."""
        stats = queryset.order_by().aggregate(count=Count("pk"), newest=Max("last_published_at"))
        return cls(stats["count"], stats["newest"])

    @classmethod
    def of_newest(cls, pages, limit):
        """Only the newest `limit` of `pages` (a feed's items), as bare page rows.

        A feed shows its newest items and nothing of the rest, so its ETag is
        theirs: a story older than all of them changes nothing the feed holds.
        Counting and dating a whole scope instead read every page of it, 25,000
        for one author of a 100,000-article site, and the feed then read its
        items in a second pass over the same pages to sort them.
        """
        rows = list(pages.order_by(*NEWEST_FIRST).values_list("pk", "last_published_at")[:limit])
        dates = [published for _pk, published in rows if published]
        return cls(len(rows), max(dates, default=None), tuple(pk for pk, _date in rows))

    def respond(self, request, variant, build, max_age):
        """`build()` behind Django's `condition`: a 304 when the client's copy is current.

        Feed readers and crawlers poll; when nothing was published since their
        last visit they get a 304 with no body, decided from this one cheap
        query before the feed or sitemap is built.
        """
        view = condition(
            etag_func=lambda request: self.etag(*variant),
            last_modified_func=lambda request: self.newest,
        )(lambda request: build())
        response = view(request)
        if response.status_code in (200, 304):
            patch_cache_control(response, public=True, max_age=max_age)
        return response

    def etag(self, *variant):
        newest = self.newest.isoformat() if self.newest else "-"
        stamp = "|".join([str(self.count), newest, *map(str, self.keys), *map(str, variant)])
        return '"' + hashlib.sha256(stamp.encode()).hexdigest()[:32] + '"'


def same_site(request, url):
    """Whether `url` points at this site (BASE_URL's host or the request's)."""
    host = urlsplit(url).netloc.lower()
    allowed = {request.get_host().lower()}
    if settings.BASE_URL:
        allowed.add(urlsplit(settings.BASE_URL).netloc.lower())
    return host in allowed
