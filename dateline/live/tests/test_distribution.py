"""Live pages for search engines, feed readers and the worker: LiveBlogPosting, feeds, sitemaps,
and coverage that ends itself."""

from datetime import timedelta

import extruct
import feedparser
import pytest
from django.utils import timezone
from lxml import etree
from wagtail.models import Page

from dateline.distribution.tests.support import assert_valid, xml_schema
from dateline.live import changes, ending
from dateline.live.models import Coverage

pytestmark = pytest.mark.django_db

NS = {
    "s": "http://www.sitemaps.org/schemas/sitemap/0.9",
    "news": "http://www.google.com/schemas/sitemap-news/0.9",
}


def live_blog(client, page, query=""):
    html = client.get(page.url + query).content.decode()
    data = extruct.extract(html, base_url="http://testserver" + page.url, syntaxes=["json-ld"])
    (posting,) = [item for item in data["json-ld"] if item["@type"] == "LiveBlogPosting"]
    return posting


def test_a_live_page_is_a_live_blog_posting_with_its_updates(client, live_page, demo_image):
    first = changes.post(
        live_page, None, {"text": "Talks resumed at nine.", "title": "Talks resume"}
    )
    photo = changes.post(
        live_page,
        None,
        {
            "text": "",
            "image": demo_image,
            "image_alt": "Delegates in the hall",
            "caption": "Delegates arrive.",
            "credit": "Maria Lund",
        },
    )
    changes.edit(first, None, {"text": "Talks resumed at ten."})
    posting = live_blog(client, live_page)
    coverage = Coverage.objects.get(page=live_page)
    canonical = "http://testserver" + live_page.url
    assert posting["headline"] == live_page.title
    assert posting["url"] == canonical
    assert posting["coverageStartTime"] == coverage.started_at.isoformat()
    # While it runs: when it would end itself with nothing more posted.
    assert (
        posting["coverageEndTime"] == (coverage.last_update_at + timedelta(minutes=360)).isoformat()
    )
    updates = posting["liveBlogUpdate"]
    assert [u["url"] for u in updates] == [
        f"{canonical}?update={photo.pk}#update-{photo.pk}",
        f"{canonical}?update={first.pk}#update-{first.pk}",
    ]
    assert updates[1]["@type"] == "BlogPosting" and updates[1]["headline"] == "Talks resume"
    assert updates[1]["articleBody"] == "Talks resumed at ten."
    assert updates[1]["dateModified"] > updates[1]["datePublished"]
    assert updates[0]["image"]["caption"] == "Delegates arrive."
    assert updates[0]["image"]["url"].startswith("http://testserver/")
    # Ended: the real end time.
    changes.set_state(live_page, Coverage.ENDED)
    ended = live_blog(client, live_page)
    assert ended["coverageEndTime"] == Coverage.objects.get(page=live_page).ended_at.isoformat()


def test_feeds_date_a_live_page_by_its_latest_update_and_carry_the_updates(client, live_page):
    # Coverage opened a minute ago: its first update comes well within the grace in
    # which an article's own republishing is not yet news, and still dates the item.
    opened = timezone.now() - timedelta(minutes=1)
    Page.objects.filter(pk=live_page.pk).update(first_published_at=opened, last_published_at=opened)
    before = timezone.now()
    changes.post(
        live_page,
        None,
        {"text": "The [statement](https://example.org/s) is out.", "title": "Statement"},
    )
    feed = feedparser.parse(client.get("/feeds/atom/").content)
    (entry,) = [e for e in feed.entries if e.link.endswith(live_page.url)]
    assert entry.updated_parsed >= before.replace(microsecond=0).utctimetuple()
    content = entry.content[0].value
    assert "Latest updates" in content and "Statement" in content
    assert 'href="https://example.org/s"' in content
    assert "?update=" in content


def test_the_news_sitemap_lists_a_live_page_with_its_latest_change(client, live_page):
    update = changes.post(live_page, None, {"text": "Talks resumed."})
    document = assert_valid(
        xml_schema("sitemap-with-extensions.xsd"), client.get("/sitemap-news.xml").content
    )
    locations = [loc.text for loc in document.findall("s:url/s:loc", NS)]
    assert "http://testserver" + live_page.url in locations
    articles = etree.fromstring(client.get("/sitemap-articles.xml").content)
    (entry,) = [
        u
        for u in articles.findall("s:url", NS)
        if u.findtext("s:loc", namespaces=NS).endswith(live_page.url)
    ]
    assert entry.findtext("s:lastmod", namespaces=NS) == (
        update.published_at.replace(microsecond=0).isoformat()
    )


def test_coverage_left_idle_ends_itself_but_not_if_someone_just_posted(live_page, settings):
    settings.DATELINE_LIVE = {**settings.DATELINE_LIVE, "idle_end_minutes": 30}
    changes.post(live_page, None, {"text": "Talks resumed."})
    assert ending.end_idle_coverage() == []
    later = timezone.now() + timedelta(minutes=31)
    assert [page.pk for page in ending.end_idle_coverage(now=later)] == [live_page.pk]
    coverage = Coverage.objects.get(page=live_page)
    assert coverage.state == Coverage.ENDED and coverage.ended_at is not None
    # An update posted between the worker's query and its lock keeps the page live.
    changes.set_state(live_page, Coverage.LIVE)
    cutoff = ending.idle_cutoff(later)
    changes.post(live_page, None, {"text": "Just in."})
    assert (
        changes.set_state(live_page, Coverage.ENDED, idle_before=cutoff - timedelta(hours=1)).state
        == Coverage.LIVE
    )


def test_the_worker_runs_the_idle_ending_on_its_scheduling_pass(live_page, settings):
    from dateline.operations.worker import Worker, periodic_jobs

    assert ending.end_idle_coverage in periodic_jobs()
    settings.DATELINE_LIVE = {**settings.DATELINE_LIVE, "idle_end_minutes": 1}
    changes.post(live_page, None, {"text": "Talks resumed."})
    Coverage.objects.filter(page=live_page).update(
        last_update_at=timezone.now() - timedelta(minutes=2)
    )
    Worker(publish_interval=1).publish_due_pages()
    assert Coverage.objects.get(page=live_page).state == Coverage.ENDED
