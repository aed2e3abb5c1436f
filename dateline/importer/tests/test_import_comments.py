"""Comments come across with their threads, authors and moderation state."""

import pytest

from dateline.comments.models import Comment, Status
from dateline.importer.models import ImportRecord
from dateline.news.models import ArticlePage
from dateline.news.tests.html import parse, text

from .conftest import SITE_EXPORT, run_import

pytestmark = pytest.mark.django_db


def imported_comment(wordpress_id):
    record = ImportRecord.objects.get(kind="comment", wordpress_id=str(wordpress_id))
    return Comment.objects.get(pk=record.object_id)


@pytest.fixture
def first_run(uploads):
    run = run_import(SITE_EXPORT, "--uploads", str(uploads))
    assert run.status == 0, run.output
    return run


def test_threads_people_and_statuses(first_run):
    assert first_run.summary_line("comment") == {
        "created": 5, "updated": 0, "unchanged": 0, "skipped": 0, "failed": 0,
    }  # fmt: skip
    story = ArticlePage.objects.get(title="Storm closes the north mole")
    first, reply, answer, spam, binned = (imported_comment(n) for n in range(1, 6))
    assert {c.article_id for c in (first, reply, answer, spam, binned)} == {story.pk}
    assert (first.name, first.email, first.website) == (
        "Kari Nordmann",
        "kari@example.org",
        "https://kari.example.org",
    )
    assert first.ip_address == "192.0.2.10" and reply.ip_address == "2001:db8::7"
    assert str(first.created_at) == "2025-08-14 08:00:00+00:00"
    assert [c.status for c in (first, reply, answer, spam, binned)] == [
        Status.APPROVED,
        Status.PENDING,
        Status.APPROVED,
        Status.SPAM,
        Status.TRASH,
    ]
    assert (first.parent, reply.parent, answer.parent, binned.parent) == (None, first, reply, first)
    assert (first.depth, reply.depth, answer.depth) == (0, 1, 2)
    assert "Held for moderation in WordPress" in reply.held_reasons
    assert answer.body == "Berth 4 lost a bollard."


def test_readers_see_approved_comments_only_and_escaped(first_run, client):
    story = ArticlePage.objects.get(title="Storm closes the north mole")
    page = parse(client.get(story.url))
    shown = [text(c) for c in page.select(".comment-content")]
    assert shown == ["Saw it from the ferry. Huge waves.", "Berth 4 lost a bollard."]
    assert "Buy now" not in text(page) and "rude" not in text(page)
    assert "Were the berths damaged?" not in text(page)
    assert "kari@example.org" not in client.get(story.url).content.decode()
    assert "<script>alert" not in client.get(story.url).content.decode()


def test_second_run_keeps_moderators_decisions(first_run, uploads):
    pending = imported_comment(2)
    pending.status = Status.APPROVED
    pending.save()
    second = run_import(SITE_EXPORT, "--uploads", str(uploads))
    assert second.summary_line("comment")["unchanged"] == 5
    assert Comment.objects.filter(article__title="Storm closes the north mole").count() == 5
    pending.refresh_from_db()
    assert pending.status == Status.APPROVED


def comment_xml(n, parent):
    return (
        f"<wp:comment><wp:comment_id>{n}</wp:comment_id><wp:comment_author>Reader {n}"
        f"</wp:comment_author><wp:comment_author_email>r{n}@example.org</wp:comment_author_email>"
        f"<wp:comment_date_gmt>2025-08-1{n} 08:00:00</wp:comment_date_gmt>"
        f"<wp:comment_content>Reply number {n}</wp:comment_content>"
        f"<wp:comment_approved>1</wp:comment_approved><wp:comment_parent>{parent}"
        f"</wp:comment_parent></wp:comment>"
    )


def test_deep_threads_in_any_order(tmp_path):
    """A chain five replies deep, listed newest first: replies past our deepest
    level sit beside their parent, and nothing is lost or reordered."""
    comments = "".join(comment_xml(n, n - 1 if n > 1 else 0) for n in range(5, 0, -1))
    export = tmp_path / "deep.xml"
    export.write_text(
        '<rss xmlns:wp="http://wordpress.org/export/1.2/" '
        'xmlns:dc="http://purl.org/dc/elements/1.1/"><channel>'
        "<wp:base_site_url>https://deep.example</wp:base_site_url>"
        "<item><title>Deep thread</title><wp:post_id>1</wp:post_id>"
        "<wp:post_type>post</wp:post_type><wp:status>publish</wp:status>"
        "<wp:post_date_gmt>2025-08-01 08:00:00</wp:post_date_gmt>"
        f"{comments}</item></channel></rss>"
    )
    run = run_import(export)
    assert run.status == 0, run.output
    assert run.summary_line("comment")["created"] == 5
    chain = [imported_comment(n) for n in range(1, 6)]
    assert [c.depth for c in chain] == [0, 1, 2, 3, 3]
    assert chain[4].parent == chain[2]  # beside reply 4, under reply 3
    assert [c.body for c in chain] == [f"Reply number {n}" for n in range(1, 6)]
