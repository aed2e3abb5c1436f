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
from django.db.models import Count, Max
from django.http import Http404
from wagtail.images import get_image_model
from wagtail.models import Site

from dateline.news.models import ArticleAuthor, ArticlePageTag, attach_sections


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


def attach_bylines(articles):
    """Set `byline_authors` (in byline order) on each article, in one query."""
    by_page = {article.pk: [] for article in articles}
    bylines = (
        ArticleAuthor.objects.filter(page_id__in=by_page)
        .select_related("author")
        .order_by("page_id", "sort_order", "pk")
    )
    for byline in bylines:
        by_page[byline.page_id].append(byline.author)
    for article in articles:
        article.byline_authors = by_page[article.pk]
    return articles


def attach_tags(articles):
    """Set `tag_names` (alphabetical) on each article, in one query."""
    by_page = {article.pk: [] for article in articles}
    tagged = (
        ArticlePageTag.objects.filter(content_object_id__in=by_page)
        .select_related("tag")
        .order_by("tag__name")
    )
    for item in tagged:
        by_page[item.content_object_id].append(item.tag.name)
    for article in articles:
        article.tag_names = by_page[article.pk]
    return articles


def figure_image_ids(body):
    """Primary keys of the photos in an article body's figures, read from the stored blocks."""
    ids = []
    for block in body.raw_data:
        if block.get("type") != "figure":
            continue
        image = (block.get("value") or {}).get("image")
        image_id = image.get("image") if isinstance(image, dict) else image
        if isinstance(image_id, int):
            ids.append(image_id)
    return ids


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
    articles = attach_sections(articles)
    attach_bylines(articles)
    attach_tags(articles)
    if figures:
        wanted = [pk for article in articles for pk in figure_image_ids(article.body)]
        images = images_by_id(wanted, with_renditions=True)
        for article in articles:
            article.figure_images = images
    return articles


@dataclass(frozen=True)
class Freshness:
    """How many articles a feed or sitemap covers and when the newest change was published.

    One aggregate query, cheap whatever the number of articles. The ETag
    changes when a story is published, republished or withdrawn; Last-Modified
    follows the newest publication.
    """

    count: int
    newest: datetime | None

    @classmethod
    def of(cls, queryset):
        stats = queryset.order_by().aggregate(count=Count("pk"), newest=Max("last_published_at"))
        return cls(stats["count"], stats["newest"])

    def etag(self, *variant):
        stamp = "|".join(
            [str(self.count), self.newest.isoformat() if self.newest else "-", *map(str, variant)]
        )
        return '"' + hashlib.sha256(stamp.encode()).hexdigest()[:32] + '"'


def same_site(request, url):
    """Whether `url` points at this site (BASE_URL's host or the request's)."""
    host = urlsplit(url).netloc.lower()
    allowed = {request.get_host().lower()}
    if settings.BASE_URL:
        allowed.add(urlsplit(settings.BASE_URL).netloc.lower())
    return host in allowed
