"""Live pages as search engines and feed readers see them (filled into distribution's hooks).

- schema.org: a live page's NewsArticle becomes a LiveBlogPosting, with
  coverageStartTime, coverageEndTime and a liveBlogUpdate (BlogPosting) for
  each update on the page. While the coverage runs, coverageEndTime is when
  it will end itself if nothing more is posted (LIVE_IDLE_END_MINUTES).
- Feeds: a live page is an article there, dated by its latest change
  (changes.py moves `last_published_at`); its item also carries its latest
  updates, newest first.
- Sitemaps need nothing: the news sitemap lists it as an article, with its
  latest change as lastmod.
"""

from collections import defaultdict
from datetime import timedelta

from django.conf import settings
from django.db.models import Window
from django.db.models.functions import RowNumber
from django.utils.html import format_html, format_html_join

from dateline.distribution.articles import absolute

from .models import Coverage, LivePage, LiveUpdate
from .text import plain_text

FEED_UPDATES = 10


def _is_live_page(page):
    model = page.specific_class
    return model is not None and issubclass(model, LivePage)


def coverage_times(coverage, page):
    start = coverage.started_at or page.first_published_at
    if coverage.state == Coverage.ENDED:
        end = coverage.ended_at
    elif coverage.state == Coverage.LIVE and settings.DATELINE_LIVE["idle_end_minutes"]:
        last = coverage.last_update_at or start
        end = last + timedelta(minutes=settings.DATELINE_LIVE["idle_end_minutes"])
    else:
        end = None
    return start, end


def blog_posting(update, canonical_url, request):
    data = {
        "@type": "BlogPosting",
        "@id": f"{canonical_url}#{update.anchor}",
        "url": canonical_url + update.permalink(),
        "headline": update.label[:110],
        "articleBody": plain_text("\n".join(part for part in (update.text, update.quote) if part)),
        "datePublished": update.published_at.isoformat(),
        "dateModified": (update.edited_at or update.published_at).isoformat(),
    }
    names = update.byline_names
    if names:
        data["author"] = [{"@type": "Person", "name": name} for name in names]
    if update.image is not None:
        rendition = update.image.get_rendition("width-1200|format-jpeg")
        data["image"] = {
            "@type": "ImageObject",
            "url": absolute(request, rendition.url),
            "width": rendition.width,
            "height": rendition.height,
            "caption": update.caption or update.image_alt,
        }
    return data


def live_blog_posting(metadata, data):
    """distribution's `register_article_data`: NewsArticle becomes LiveBlogPosting."""
    page = metadata.page
    if not isinstance(page, LivePage):
        return
    timeline = getattr(page, "live_timeline", None)
    if timeline is not None:
        updates = timeline.updates
    else:
        visible = LiveUpdate.objects.filter(page=page).visible().for_display()
        updates = list(visible.order_by("-pk")[: settings.DATELINE_LIVE["page_size"]])
    start, end = coverage_times(page.coverage_state, page)
    data["@type"] = "LiveBlogPosting"
    if start:
        data["coverageStartTime"] = start.isoformat()
    if end:
        data["coverageEndTime"] = end.isoformat()
    data["liveBlogUpdate"] = [
        blog_posting(update, metadata.canonical_url, metadata.request) for update in updates
    ]


def feed_items(articles, request):
    """distribution's `register_feed_items`: each live page's latest updates in its item."""
    live = [article for article in articles if _is_live_page(article) and article.feed_content]
    if not live:
        return
    by_page = defaultdict(list)
    latest = (
        LiveUpdate.objects.filter(page_id__in=[article.pk for article in live])
        .visible()
        .annotate(rank=Window(RowNumber(), partition_by="page_id", order_by="-pk"))
        .filter(rank__lte=FEED_UPDATES)
        .for_display()
        .order_by("page_id", "-pk")
    )
    for update in latest:
        by_page[update.page_id].append(update)
    for article in live:
        updates = by_page.get(article.pk)
        if not updates:
            continue
        items = format_html_join(
            "\n",
            '<li><p><a href="{}">{}</a> {}</p>{}</li>',
            (
                (
                    article.feed_link + update.permalink(),
                    update.published_at.strftime("%H:%M %Z").strip(),
                    update.title,
                    update.body_html,
                )
                for update in updates
            ),
        )
        article.feed_content += format_html("\n<h2>Latest updates</h2>\n<ol>{}</ol>", items)
        article.feed_updated = max(update.published_at for update in updates)
