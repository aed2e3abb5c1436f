"""What article pages say about comments being open, as editors change the policy."""

from django.db import connection
from django.test.utils import CaptureQueriesContext

from dateline.caching.memo import ProcessMemo
from dateline.comments.models import Comment, CommentPolicyOverride
from dateline.comments.overrides import load_overrides
from dateline.news.tests.html import parse, text

from .conftest import ARTICLE_URL

CLOSED = "Comments are closed on this article."


def comments_state(client):
    page = parse(client.get(ARTICLE_URL))
    closed = page.select_one(".comments-closed")
    return text(closed) if closed else ("form" if page.select_one("#respond form") else None)


def test_closing_a_section_shows_on_its_cached_articles_at_once(
    client, article, settings, django_capture_on_commit_callbacks
):
    settings.DATELINE_PAGE_CACHE = {"enabled": True, "fresh_seconds": 300, "stale_seconds": 600}
    assert comments_state(client) == "form"
    assert client.get(ARTICLE_URL)["X-Cache"] == "HIT"
    with django_capture_on_commit_callbacks(execute=True):
        CommentPolicyOverride.objects.create(page=article.get_parent(), comments_open=False)
    assert comments_state(client) == CLOSED
    with django_capture_on_commit_callbacks(execute=True):
        CommentPolicyOverride.objects.get().delete()
    assert comments_state(client) == "form"


def test_another_process_sees_a_policy_change_on_its_next_page(
    article, django_capture_on_commit_callbacks
):
    # Another process's memo: it hears of the change through the shared cache.
    other_process = ProcessMemo("elsewhere", lambda _key: load_overrides(), max_age=10)
    assert other_process.get() == {}
    section = article.get_parent()
    with django_capture_on_commit_callbacks(execute=True):
        CommentPolicyOverride.objects.create(page=section, comments_open=False)
    assert other_process.get() == {section.path: {"comments_open": False}}


def test_a_moved_article_takes_its_own_policy_along(
    client, article, news_site, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        CommentPolicyOverride.objects.create(page=article, comments_open=False)
    assert comments_state(client) == CLOSED
    other_section = news_site[1].add_child(instance=type(article.get_parent())(title="Science"))
    with django_capture_on_commit_callbacks(execute=True):
        article.move(other_section, pos="last-child")
    article.refresh_from_db()
    page = parse(client.get(article.url))
    assert text(page.select_one(".comments-closed")) == CLOSED


def test_posting_follows_the_database_even_before_pages_do(client, article, post_comment):
    assert comments_state(client) == "form"  # the overrides are now remembered
    # Written without Django's signals, so this process is not told: pages may
    # lag for a few seconds, a comment may not.
    CommentPolicyOverride.objects.bulk_create(
        [CommentPolicyOverride(page=article.get_parent(), comments_open=False)]
    )
    response = post_comment()
    assert response.status_code == 403
    assert CLOSED in response.content.decode()
    assert not Comment.objects.exists()


def test_an_article_page_reads_no_policy_rows_once_remembered(client, article):
    CommentPolicyOverride.objects.create(page=article.get_parent(), hold_link_count=1)
    client.get(ARTICLE_URL)
    with CaptureQueriesContext(connection) as queries:
        assert comments_state(client) == "form"
    assert not [q for q in queries.captured_queries if "commentpolicyoverride" in q["sql"]]
