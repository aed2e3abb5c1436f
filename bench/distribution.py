"""Distribution benchmark: a 10,000-article site, timed.

Builds a throwaway site in a temporary directory (SQLite, its own media
folder; nothing of yours is touched), then renders the sitemap index, the
article sitemap pages, the Google News sitemap, the feeds and the listing
pages (front, section, tag, author, the date archive), with the page cache
off, in a process primed as a server's is at its start (one page of each kind
rendered: caching/warming.py), and prints for each: its first request's time
(cold: the target is at most 200 ms, PASS/FAIL), the best wall time of several runs, peak Python
memory (tracemalloc), the number of SQL queries and the response size. The
tests hold the query counts fixed whatever the number of articles.

    .venv/bin/python bench/distribution.py [--articles 10000] [--runs 3]
    .venv/bin/python bench/distribution.py --articles 100000   # make bench-listings
"""

import argparse
import os
import shutil
import sys
import tempfile
import time
import tracemalloc
from datetime import timedelta
from pathlib import Path

# First byte of each, cold (its first request, nothing cached), at most this.
TARGET_COLD_MS = 200
ENDPOINTS = [
    ("/sitemap.xml", "sitemap index"),
    ("/sitemap-articles.xml", "article sitemap, page 1"),
    ("/sitemap-articles.xml?p=2", "article sitemap, page 2"),
    ("/sitemap-articles.xml?p=5", "article sitemap, page 5"),
    ("/sitemap-news.xml", "Google News sitemap (48 h)"),
    ("/sitemap-pages.xml", "pages sitemap"),
    ("/feeds/rss/", "site feed, RSS, full text"),
    ("/feeds/atom/", "site feed, Atom, full text"),
    ("/feeds/json/", "site feed, JSON Feed, full text"),
    ("/feeds/section/world/rss/", "section feed, RSS"),
    ("/feeds/tag/bench-tag-7/json/", "tag feed, JSON Feed"),
    ("/feeds/author/maria-lund/rss/", "author feed, RSS"),
    ("/", "front page"),
    ("/world/", "section page 1"),
    ("/world/?page={section_deep}", "section page {section_deep}"),
    ("/tags/bench-tag-7/", "tag page"),
    ("/tags/bench-tag-7/?page={tag_deep}", "tag page {tag_deep}"),
    ("/authors/maria-lund/", "author page"),
    ("/archive/{year}/", "archive, a whole year"),
    ("/archive/{year}/{month}/", "archive, a month"),
    ("/archive/{year}/{month}/?page={month_deep}", "archive, a month, page {month_deep}"),
]


def endpoints(count):
    """ENDPOINTS for the site `build_site(count)` made: the deep pages are page 1000 of a
    section, 200 of a tag and 50 of a month at 100,000 articles, or the last one there is."""
    from django.conf import settings
    from django.utils import timezone

    from dateline.news.models import ArticlePage, SectionPage

    def last_page(listing, at_most):
        return max(1, min(at_most, -(-listing.count() // settings.DATELINE_PAGE_SIZE)))

    live = ArticlePage.objects.live()
    middle = timezone.now() - timedelta(minutes=30 * (count // 2))  # a month full of stories
    world = SectionPage.objects.get(slug="world")
    values = {
        "year": middle.year,
        "month": middle.month,
        "section_deep": last_page(live.child_of(world), 1000),
        "tag_deep": last_page(live.filter(tags__slug="bench-tag-7"), 200),
        "month_deep": last_page(
            live.filter(
                first_published_at__year=middle.year, first_published_at__month=middle.month
            ),
            50,
        ),
    }
    paths = [(path.format(**values), label.format(**values)) for path, label in ENDPOINTS]
    pages = -(-count // _sitemap_page_size())
    if pages > 5:
        paths.insert(4, (f"/sitemap-articles.xml?p={pages}", f"article sitemap, page {pages}"))
    return paths


def _sitemap_page_size():
    from django.conf import settings

    return settings.DATELINE_SITEMAP_PAGE_SIZE


def _setup_django(workdir):
    # A private database and media folder: never the operator's.
    os.environ.pop("DATABASE_URL", None)
    os.environ["DATELINE_VAR_DIR"] = str(workdir)
    os.environ["MEDIA_ROOT"] = str(workdir / "media")
    # Every request is the view's own work: the page cache would answer repeats.
    os.environ["PAGE_CACHE"] = "0"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dateline.settings")
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    import django

    django.setup()
    from django.conf import settings
    from django.test.utils import override_settings

    # Static files by name, as in development: no collectstatic manifest needed.
    override_settings(
        STORAGES={
            **settings.STORAGES,
            "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
        }
    ).enable()


def build_site(count):
    """The demo site plus `count` published articles, one every 30 minutes back in time."""
    from django.db import transaction
    from django.db.models import F
    from django.utils import timezone
    from taggit.models import Tag

    from dateline.demo.loader import load_demo_site
    from dateline.news.bulk import add_children
    from dateline.news.models import (
        ArticleAuthor,
        ArticlePage,
        ArticlePageTag,
        AuthorPage,
        SectionPage,
    )

    home = load_demo_site()
    template = ArticlePage.objects.get(slug="president-heads-north-for-skarholm-summit")
    body = list(template.body.raw_data)
    sections = list(SectionPage.objects.child_of(home).order_by("path"))
    authors = list(AuthorPage.objects.order_by("pk"))
    tags = Tag.objects.bulk_create(
        [Tag(name=f"Bench tag {i}", slug=f"bench-tag-{i}") for i in range(40)]
    )
    now = timezone.now()

    with transaction.atomic():
        by_section = {section.pk: [] for section in sections}
        pages = []
        for n in range(count):
            section = sections[n % len(sections)]
            slug = f"bench-story-{n}"
            first = now - timedelta(minutes=30 * n + 5)
            last = first + timedelta(hours=3) if n % 7 == 0 else first
            page = ArticlePage(
                title=f"Bench story {n}: fish & “quotes” <tags>",
                draft_title=f"Bench story {n}",
                slug=slug,
                live=True,
                has_unpublished_changes=False,
                first_published_at=first,
                last_published_at=last,
                latest_revision_created_at=last,
                search_description=f"What story {n} adds, in a sentence.",
                deck=f"What story {n} adds, in a sentence.",
                dateline="BENCHVILLE",
                lead_image_id=template.lead_image_id,
                body=body,
                figure_image_ids=template.figure_image_ids,
            )
            by_section[section.pk].append(page)
            pages.append(page)
        for section in sections:
            add_children(section, by_section[section.pk])
        ArticleAuthor.objects.bulk_create(
            [
                ArticleAuthor(page_id=page.pk, author=authors[n % len(authors)], sort_order=0)
                for n, page in enumerate(pages)
            ],
            batch_size=2000,
        )
        ArticlePageTag.objects.bulk_create(
            [
                ArticlePageTag(content_object_id=page.pk, tag=tags[(n + k) % len(tags)])
                for n, page in enumerate(pages)
                for k in range(2)
            ],
            batch_size=2000,
        )
        SectionPage.objects.filter(pk__in=[s.pk for s in sections]).update(
            latest_revision_created_at=F("latest_revision_created_at")
        )
    return ArticlePage.objects.live().count()


def feed_renditions():
    """Make the feeds' renditions of every photo in the library; returns how many photos.

    A photo's rendition is made once, the first time a page or feed shows it,
    then stored: an archive's photos have theirs. The bench's articles show
    the same few photos (the demo's), so without this the first feed measured
    would pay for making them (about 50 ms each), once, for the whole archive.
    """
    from wagtail.images import get_image_model

    from dateline.distribution.feed_content import FEED_IMAGE_SPEC
    from dateline.news.models import SOCIAL_IMAGE

    images = list(get_image_model().objects.all())
    for image in images:
        image.get_rendition(FEED_IMAGE_SPEC)
        image.get_rendition(SOCIAL_IMAGE)
    return len(images)


def measure(client, path, runs):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    # Cold: the first request for it since the site was built (renditions are
    # made then too); the view's response is not streamed, so this is its first byte.
    start = time.perf_counter()
    response = client.get(path)
    cold = time.perf_counter() - start
    assert response.status_code == 200, (path, response.status_code)
    timings = []
    for _ in range(runs):
        start = time.perf_counter()
        response = client.get(path)
        timings.append(time.perf_counter() - start)
    with CaptureQueriesContext(connection) as queries:
        client.get(path)
    query_count = len(queries)
    tracemalloc.start()
    client.get(path)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    status_304, conditional = None, 0.0
    if response.has_header("ETag"):  # feeds and sitemaps; pages only through the page cache
        status_304 = client.get(path, HTTP_IF_NONE_MATCH=response["ETag"]).status_code
        start = time.perf_counter()
        client.get(path, HTTP_IF_NONE_MATCH=response["ETag"])
        conditional = time.perf_counter() - start
    return {
        "cold": cold,
        "best": min(timings),
        "peak": peak,
        "queries": query_count,
        "bytes": len(response.content),
        "status_304": status_304,
        "conditional": conditional,
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--keep", action="store_true", help="keep the temporary site")
    args = parser.parse_args()

    workdir = Path(tempfile.mkdtemp(prefix="dateline-bench-"))
    try:
        _setup_django(workdir)
        from django.core.management import call_command
        from django.test import Client

        start = time.perf_counter()
        call_command("migrate", verbosity=0)
        migrated = time.perf_counter()
        total = build_site(args.articles)
        built = time.perf_counter()
        print(f"site: {total:,} published articles (demo + {args.articles:,} bulk-created)")
        print(f"migrate {migrated - start:.1f} s, build {built - migrated:.1f} s")
        from django.conf import settings

        print(
            f"sitemap page size {settings.DATELINE_SITEMAP_PAGE_SIZE:,} URLs, "
            f"feeds carry {settings.DATELINE_FEED_ITEMS} items ({settings.DATELINE_FEED_CONTENT})"
        )
        print()

        from dateline.caching import warming

        # As each server process does at its start (dateline/wsgi.py): one page of
        # each kind rendered, so "cold" below is a page no cache holds, not a
        # process's first use of a template.
        primed = warming.prime_process()
        print(f"process primed as a server's is at its start: {', '.join(primed)}")
        made = feed_renditions()
        print(f"feed and share-card renditions of the library's {made} photos made, as on a")
        print("site whose photos were each in a feed once (priming made the article page's)")
        print()

        client = Client(HTTP_HOST="localhost")
        header = (
            f"{'endpoint':<36} {'what':<30} {'cold ms':>7} {'best ms':>7} {'peak MiB':>8} "
            f"{'queries':>7} {'KiB':>6} {'304 ms':>6}"
        )
        print(header)
        print("-" * len(header))
        slow = []
        for path, label in endpoints(args.articles):
            r = measure(client, path, args.runs)
            assert r["status_304"] in (304, None), path
            if r["cold"] * 1000 > TARGET_COLD_MS:
                slow.append(path)
            print(
                f"{path:<36} {label:<30} {r['cold'] * 1000:7.0f} {r['best'] * 1000:7.0f} "
                f"{r['peak'] / 2**20:8.1f} {r['queries']:7d} {r['bytes'] / 1024:6.0f} "
                f"{r['conditional'] * 1000:6.1f}"
            )
        print(
            f"\nfirst byte cold <= {TARGET_COLD_MS} ms: "
            + ("PASS" if not slow else "FAIL (" + ", ".join(slow) + ")")
        )
    finally:
        if args.keep:
            print(f"\nkept {workdir}")
        else:
            shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
