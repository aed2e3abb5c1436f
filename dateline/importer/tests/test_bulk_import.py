"""What makes a large import quick: re-runs that skip what did not change, one purge
at the end instead of one per page, and progress a log can hold."""

import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from wagtail.models import Revision

from dateline.caching import keys
from dateline.caching.middleware import cache_backend
from dateline.importer.management.commands.import_wordpress import Progress
from dateline.importer.models import ImportRecord
from dateline.news.models import ArticlePage
from dateline.news.tests.html import parse

from .conftest import SITE_EXPORT, run_import

pytestmark = pytest.mark.django_db


def article(wordpress_id):
    record = ImportRecord.objects.get(kind="post", wordpress_id=str(wordpress_id))
    return ArticlePage.objects.get(pk=record.object_id)


def test_progress_is_plain_lines_when_not_on_a_terminal():
    run = run_import(SITE_EXPORT)  # the output is a StringIO: not a terminal
    assert run.status == 0, run.output
    lines = run.output.splitlines()
    assert any(line.startswith("Checking: started (") for line in lines)
    assert "Posts: done, 9 posts, 5 comments" in lines
    assert (
        "Authors, sections, tags, images: done, 2 authors, 3 categories, 2 tags, 5 attachments"
        in (lines)
    )
    # No bar: no carriage returns, no redraws.
    assert "\r" not in run.output and "it/s" not in run.output


def test_no_progress_when_asked_for_none():
    run = run_import(SITE_EXPORT, "--progress", "never")
    assert run.status == 0
    assert "Posts:" not in run.output and "Checking:" not in run.output


def test_plain_progress_lines_at_each_tenth_of_the_file():
    out = io.StringIO()
    progress = Progress(out, "lines")
    progress.phase("Posts", 1000)
    for _ in range(3):
        progress.item("post")
    progress.advance(250)  # a quarter of the file: the 10% and 20% marks passed
    progress.advance(50)
    progress.item("comment")
    progress.advance(700)
    progress.close()
    assert out.getvalue().splitlines() == [
        "Posts: started (0.0 MB)",
        "Posts: 20%, 3 posts",
        "Posts: 30%, 3 posts",
        "Posts: done, 3 posts, 1 comments",
    ]


def test_rerun_skips_unchanged_posts_without_reading_their_articles(uploads):
    assert run_import(SITE_EXPORT, "--uploads", str(uploads)).status == 0
    revisions = Revision.objects.count()
    with CaptureQueriesContext(connection) as queries:
        second = run_import(SITE_EXPORT, "--uploads", str(uploads))
    assert second.status == 0, second.output
    assert second.summary_line("post")["unchanged"] == 7
    assert Revision.objects.count() == revisions
    # One query lists the articles that exist; none loads an article's content.
    article_queries = [q["sql"] for q in queries if "news_articlepage" in q["sql"]]
    assert len(article_queries) == 1, article_queries
    assert '"news_articlepage"."body"' not in article_queries[0]


def test_a_changed_photo_updates_only_the_articles_showing_it(uploads, tmp_path, client):
    assert run_import(SITE_EXPORT, "--uploads", str(uploads)).status == 0
    ferry_story = article(202)
    ferry_revision = ferry_story.latest_revision_id
    changed = tmp_path / "changed.xml"
    changed.write_text(
        SITE_EXPORT.read_text().replace(
            "Grey waves breaking over a stone pier", "Grey waves over the pier"
        )
    )
    run = run_import(changed, "--uploads", str(uploads))
    assert run.status == 0, run.output
    assert run.summary_line("attachment")["updated"] == 1
    # Post 201 shows the storm photo, undescribed in the post: it takes the library's words.
    assert run.summary_line("post")["updated"] == 1
    assert run.summary_line("post")["unchanged"] == 6
    figure = parse(client.get(article(201).url)).select_one(".article-body figure.figure")
    assert figure.img["alt"] == "Grey waves over the pier"
    assert article(202).latest_revision_id == ferry_revision
    # Converted again (the library changed), the same article: remembered, not rewritten.
    third = run_import(changed, "--uploads", str(uploads))
    assert third.summary_line("post")["unchanged"] == 7


def test_an_import_purges_the_site_once_and_a_rerun_not_at_all(
    uploads, django_capture_on_commit_callbacks
):
    cache = cache_backend()
    cache.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert run_import(SITE_EXPORT, "--uploads", str(uploads)).status == 0
    purged_at = cache.get(keys.SITE_MARKER)
    assert purged_at is not None
    # Held back: no article, section or front page was purged one by one.
    for path in ["/", article(201).url, article(201).get_parent().url]:
        assert cache.get(keys.path_marker(path)) is None, path
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        assert run_import(SITE_EXPORT, "--uploads", str(uploads)).status == 0
    assert callbacks == []
    assert cache.get(keys.SITE_MARKER) == purged_at
