"""Rendered fragments kept by revision: reused by the next reader, never past a change."""

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from dateline.caching import fragments, keys
from dateline.comments.models import Comment, Status

ARTICLE = "/world/president-heads-north-for-skarholm-summit/"
STORED = "<p>stored fragment</p>"


@pytest.fixture(autouse=True)
def fragments_on(settings, demo_site):
    # The page cache off: every request renders, from fragments where it may.
    settings.DATELINE_PAGE_CACHE = {"enabled": False, "fragments": True}
    cache.clear()
    yield
    cache.clear()


def queries_for(client, path=ARTICLE, **extra):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path, **extra)
    assert response.status_code == 200
    return response, [q["sql"] for q in queries.captured_queries]


def test_the_next_reader_gets_the_same_page_without_a_query(client):
    first, cold = queries_for(client)
    second, warm = queries_for(client)
    assert len(cold) >= 6  # the page, its byline, tags, notes, renditions, comments
    assert warm == []
    assert second.content == first.content


def test_a_new_revision_is_rendered_at_once(
    client, summit_article, django_capture_on_commit_callbacks
):
    queries_for(client)
    summit_article.title = "Summit moved to Tuesday"
    summit_article.deck = "The talks start a day late."
    with django_capture_on_commit_callbacks(execute=True):
        summit_article.save_revision().publish()
    response, after = queries_for(client)
    assert b"Summit moved to Tuesday" in response.content
    assert b"The talks start a day late." in response.content
    assert len(after) >= 6


def test_an_image_whose_renditions_change_is_rendered_again(
    client, summit_article, django_capture_on_commit_callbacks, private_media
):
    first, _ = queries_for(client)
    image = summit_article.lead_image
    stale_urls = [r.url for r in image.renditions.all()]
    assert any(url.encode() in first.content for url in stale_urls)
    with django_capture_on_commit_callbacks(execute=True):
        # What Wagtail does when an image gets a new file or focal point.
        image.renditions.all().delete()
    response, after = queries_for(client)
    assert any("wagtailimages_rendition" in sql for sql in after)
    fresh_urls = [r.url for r in image.renditions.all()]
    assert fresh_urls
    assert all(url.encode() in response.content for url in fresh_urls if "1200x630" in url)


def test_an_approved_comment_shows_on_the_next_page(
    client, summit_article, django_capture_on_commit_callbacks
):
    queries_for(client)
    with django_capture_on_commit_callbacks(execute=True):
        Comment.objects.create(
            article=summit_article,
            name="Ines",
            email="ines@example.com",
            body="Approved while the page was kept.",
            status=Status.APPROVED,
            idempotency_key="fragment-test",
        )
    response, _ = queries_for(client)
    assert b"Approved while the page was kept." in response.content


def test_a_deploy_renders_every_fragment_again(client, monkeypatch):
    queries_for(client)
    monkeypatch.setattr(keys, "release", lambda: "the-next-release")
    _, after = queries_for(client)
    assert len(after) >= 6


def poison_stored_fragments():
    """Replace every stored fragment's HTML: what a reader then sees came from the store."""
    store = fragments._store()
    poisoned = 0
    for key in list(store._cache):  # locmem: the test settings' cache
        raw_key = key.split(":", 2)[-1]
        value = store.get(raw_key)
        if isinstance(value, tuple) and len(value) == 3 and isinstance(value[0], str):
            store.set(raw_key, (STORED, value[1], value[2]))
            poisoned += 1
    return poisoned


def test_stored_fragments_are_what_anonymous_readers_get(client):
    queries_for(client)
    assert poison_stored_fragments() == 3  # its metadata, the article, its comments
    response, _ = queries_for(client)
    assert response.content.count(STORED.encode()) == 3


def test_editors_never_get_fragments_rendered_for_readers(client, django_user_model):
    queries_for(client)
    poison_stored_fragments()
    editor = django_user_model.objects.create_user("ed", password="pw-for-tests-only")
    client.force_login(editor)
    response, _ = queries_for(client)
    assert STORED.encode() not in response.content
    assert b"President Varga heads north" in response.content


def test_previews_never_get_fragments_rendered_for_readers(client, summit_article):
    queries_for(client)
    poison_stored_fragments()
    response = summit_article.make_preview_request()
    assert STORED.encode() not in response.content
    assert b"President Varga heads north" in response.content


def test_a_readers_own_view_never_gets_or_makes_fragments(client):
    queries_for(client)
    poison_stored_fragments()
    for own in ({"posted": "x"}, {"replytocom": "1"}):
        response, _ = queries_for(client, data=own)
        assert STORED.encode() not in response.content.split(b'id="comments"')[-1], own
