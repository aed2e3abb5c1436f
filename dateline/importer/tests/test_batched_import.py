"""New articles written a batch at a time are the articles written one at a time.

The same export is imported both ways (each rolled back after it is read),
and everything an editor, a reader or the next import sees of the articles
is compared: pages, revisions, history, bylines, tags, old addresses, flags,
import records, search and references.
"""

import json
import re

import pytest
from django.db import connection, transaction
from taggit.models import Tag
from wagtail.contrib.redirects.models import Redirect
from wagtail.images import get_image_model
from wagtail.models import PageLogEntry, ReferenceIndex
from wagtail.search.models import IndexEntry

from dateline.comments.models import Comment
from dateline.importer import batch as batch_module
from dateline.importer.batch import BATCH_SIZE
from dateline.importer.models import ImportedArticleFlags, ImportRecord
from dateline.importer.run import WordPressImport
from dateline.news.models import ArticlePage, AuthorPage, SectionPage

from .conftest import SITE_EXPORT

pytestmark = pytest.mark.django_db

# Keys whose values differ between two imports of the same file by nature:
# row ids, generated keys and the moments rows were written.
VOLATILE = {
    "pk", "id", "page_ptr", "page", "content_object", "translation_key",
    "latest_revision", "live_revision", "latest_revision_created_at", "path", "created",
}  # fmt: skip


# A row's key or a block's id in a reference's path ("bylines.12.author").
ROW_IN_PATH = re.compile(r"\.(\d+|None|[0-9a-f-]{36})\.")


def content(revision):
    """A revision's content with its body's blocks read (they are stored as JSON text)."""
    return revision.content | {"body": json.loads(revision.content["body"])}


class Rollback(Exception):
    pass


def names_for_ids(value, names):
    """`value` with row ids (which differ between the two imports on PostgreSQL,
    whose sequences a rollback does not rewind) as what they name."""
    if isinstance(value, dict):
        return {key: named(key, item, names) for key, item in value.items() if key not in VOLATILE}
    if isinstance(value, list):
        return [names_for_ids(item, names) for item in value]
    return value


def named(key, value, names):
    if key == "figure_image_ids":
        return [names["image"][pk] for pk in value]
    kind = {"lead_image": "image"}.get(key, key)
    if kind in names and isinstance(value, int):
        return names[kind][value]
    return names_for_ids(value, names)


def snapshot():
    images = {image.pk: image.title for image in get_image_model().objects.all()}
    names = {
        "image": images,
        "author": dict(AuthorPage.objects.values_list("pk", "title")),
        "tag": dict(Tag.objects.values_list("pk", "name")),
    }
    pages = {}
    for page in ArticlePage.objects.order_by("url_path"):
        revisions = list(page.revisions.order_by("pk"))
        latest = revisions[-1]
        log = PageLogEntry.objects.filter(page=page).order_by("pk")
        pages[page.url_path] = {
            "page": names_for_ids(
                {f.name: f.value_from_object(page) for f in type(page)._meta.concrete_fields}
                | {
                    "body": list(page.body.raw_data),
                },
                names,
            ),
            "revisions": [
                (r.object_str, r.user_id, r.approved_go_live_at, names_for_ids(content(r), names))
                for r in revisions
            ],
            "latest is live": page.live_revision_id == latest.pk if page.live else None,
            "latest": page.latest_revision_id == latest.pk,
            "log": [
                (
                    e.action,
                    e.label,
                    e.content_changed,
                    names_for_ids(e.data, names),
                    e.revision_id and e.revision_id == latest.pk,
                )
                for e in log
            ],  # fmt: skip
            "bylines": [(b.author.title, b.sort_order) for b in page.bylines.order_by("pk")],
            "tags": sorted(page.tags.names()),
            "redirects": sorted(
                (r.old_path, r.is_permanent, r.redirect_link, r.site_id)
                for r in Redirect.objects.filter(redirect_page=page)
            ),
            "flags": list(ImportedArticleFlags.objects.filter(article=page).values("sticky")),
            "record": list(
                # Its digests are checked by importing again (nothing changes).
                ImportRecord.objects.filter(kind="post", object_id=page.pk).values(
                    "source", "wordpress_id", "guid"
                )
            ),
            "search": list(
                IndexEntry.objects.filter(
                    object_id=str(page.pk), content_type__model="articlepage"
                ).values("content_type__model", "title", "autocomplete", "body")
            ),
            "references": sorted(
                (r.to_content_type.model, r.model_path, ROW_IN_PATH.sub(".*.", r.content_path))
                for r in ReferenceIndex.get_references_for_object(page)
            ),
            "comments": sorted(
                Comment.objects.filter(article=page).values_list("name", "status", "body")
            ),
        }
    sections = dict(SectionPage.objects.values_list("url_path", "numchild"))
    return pages, sections, sorted(Tag.objects.values_list("name", flat=True))


def imported(uploads, batch_size):
    try:
        with transaction.atomic():
            summary = WordPressImport(SITE_EXPORT, uploads, batch_size=batch_size).run()
            taken = snapshot(), summary.table()
            again = WordPressImport(SITE_EXPORT, uploads, batch_size=batch_size).run()
            assert again.counts["post"]["created"] == again.counts["post"]["updated"] == 0
            raise Rollback
    except Rollback:
        return taken


def test_articles_written_in_a_batch_are_those_written_one_at_a_time(uploads):
    one_by_one, table = imported(uploads, 0)
    batched, batched_table = imported(uploads, 3)
    pages = one_by_one[0]
    assert len(pages) >= 6 and any(p["page"]["live"] for p in pages.values())
    assert any(not p["page"]["live"] for p in pages.values())  # drafts are batched too
    assert all(p["search"] and p["references"] for p in pages.values())
    assert batched_table == table
    for url_path, article in pages.items():
        assert batched[0].get(url_path) == article, url_path
    assert batched == one_by_one


def test_a_batch_that_fails_is_written_one_article_at_a_time(uploads, monkeypatch):
    (one_by_one, table) = imported(uploads, 0)
    failures = []

    def failing(self, batch):
        failures.append(len(batch))
        raise RuntimeError("the batch could not be written")

    monkeypatch.setattr(batch_module.ArticleBatch, "write", failing)
    (after_failure, failed_table) = imported(uploads, 100)
    assert failures and failures[0] >= 3  # the new published and draft articles
    assert failed_table == table
    assert after_failure == one_by_one


def export_of(posts):
    """A WordPress export of `posts` new posts in two sections, with tags and a byline."""
    items = "".join(
        f"""<item><title>Harbour note {n}</title>
<link>https://bench.example/2024/03/{1 + n % 28:02d}/note-{n}/</link>
<dc:creator>reporter</dc:creator><guid isPermaLink="false">https://bench.example/?p={n}</guid>
<content:encoded><![CDATA[<p>The ferry left at {n} past six.</p><p>It came back <b>late</b>.</p>]]>
</content:encoded><excerpt:encoded></excerpt:encoded>
<wp:post_id>{n}</wp:post_id><wp:post_date>2024-03-{1 + n % 28:02d} 06:{n % 60:02d}:00</wp:post_date>
<wp:post_date_gmt>2024-03-{1 + n % 28:02d} 06:{n % 60:02d}:00</wp:post_date_gmt>
<wp:post_name>note-{n}</wp:post_name><wp:status>{"draft" if n % 10 == 0 else "publish"}</wp:status>
<wp:post_type>post</wp:post_type>
<category domain="category" nicename="quay-{n % 2}"><![CDATA[Quay {n % 2}]]></category>
<category domain="post_tag" nicename="tide-{n % 3}"><![CDATA[Tide {n % 3}]]></category>
</item>"""
        for n in range(1, posts + 1)
    )
    return f"""<?xml version="1.0" encoding="UTF-8" ?>
<rss version="2.0" xmlns:excerpt="http://wordpress.org/export/1.2/excerpt/"
 xmlns:content="http://purl.org/rss/1.0/modules/content/"
 xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:wp="http://wordpress.org/export/1.2/">
<channel><title>Notes</title><link>https://bench.example</link>
<wp:base_site_url>https://bench.example</wp:base_site_url>
<wp:author><wp:author_login>reporter</wp:author_login>
<wp:author_display_name>A Reporter</wp:author_display_name></wp:author>
{items}</channel></rss>"""


def queries_to_import(export, batch_size):
    """How many queries importing `export` takes (then rolled back), and its summary."""
    count = []

    def counting(execute, *args):
        count.append(1)
        return execute(*args)

    try:
        with transaction.atomic(), connection.execute_wrapper(counting):
            summary = WordPressImport(export, batch_size=batch_size).run()
            raise Rollback
    except Rollback:
        return len(count), summary


def test_each_new_article_costs_a_few_queries_in_a_batch(demo_site, tmp_path):
    few, many = tmp_path / "few.xml", tmp_path / "many.xml"
    few.write_text(export_of(20), encoding="utf-8")
    many.write_text(export_of(100), encoding="utf-8")
    per_post = {}
    for batch_size in (0, BATCH_SIZE):
        (for_few, _), (for_many, summary) = (
            queries_to_import(few, batch_size),
            queries_to_import(many, batch_size),
        )
        assert summary.counts["post"]["created"] == 100 and not summary.failed
        per_post[batch_size] = (for_many - for_few) / 80
    # One at a time (Wagtail's add_child, save_revision, publish): about 100 a post.
    assert per_post[0] > 40, per_post
    # In a batch: its reference index rows, and a share of each batch statement.
    assert per_post[BATCH_SIZE] <= 6, per_post
