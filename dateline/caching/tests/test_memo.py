"""Per-process memos: the site, its menu and the comment policy, remembered until changed."""

import time

import pytest
from django.core.cache import caches
from wagtail import hooks
from wagtail.models import Site

from dateline.caching import broadcast, memo
from dateline.comments.models import CommentPolicyOverride
from dateline.news.tests.html import parse, text

ARTICLE = "/world/president-heads-north-for-skarholm-summit/"


@pytest.fixture
def generation_reads(monkeypatch):
    """How many times the shared memo generation is read from the cache."""
    reads = []
    backend = caches["default"]
    original = backend.get

    def counting_get(key, *args, **kwargs):
        if key == memo.GENERATION_KEY:
            reads.append(key)
        return original(key, *args, **kwargs)

    monkeypatch.setattr(backend, "get", counting_get)
    return reads


def test_without_notices_an_article_reads_the_shared_cache_once_for_every_memo(
    client, summit_article, generation_reads
):
    # The embedded run: no Redis, so no notices. The site memo and the comment
    # policy memo both check the one shared generation, read once per request.
    for _ in range(3):
        assert client.get(ARTICLE).status_code == 200
    assert len(generation_reads) == 3


def test_with_notices_an_article_reads_nothing_for_its_memos(
    client, summit_article, redis_cache, generation_reads
):
    client.get(ARTICLE)  # starts this process's listener
    listener = broadcast.process_listener()
    deadline = time.monotonic() + 5
    while not listener.is_listening:
        assert time.monotonic() < deadline, "the notice listener never subscribed"
        time.sleep(0.02)
    client.get(ARTICLE)  # loads both memos again after the subscription reset them
    generation_reads.clear()
    assert client.get(ARTICLE).status_code == 200
    assert generation_reads == []


def test_a_change_announced_elsewhere_reaches_this_process(
    client, summit_article, redis_cache, django_capture_on_commit_callbacks
):
    listener = broadcast.process_listener()
    client.get(ARTICLE)
    deadline = time.monotonic() + 5
    while not listener.is_listening:
        assert time.monotonic() < deadline
        time.sleep(0.02)
    client.get(ARTICLE)
    # Another process renames the site: only its notice reaches this one.
    Site.objects.filter(is_default_site=True).update(site_name="Renamed elsewhere")
    assert "Renamed elsewhere" not in client.get(ARTICLE).content.decode()
    broadcast.announce_memo_change("site")
    deadline = time.monotonic() + 5
    while "Renamed elsewhere" not in client.get(ARTICLE).content.decode():
        assert time.monotonic() < deadline, "the notice never dropped the remembered site"
        time.sleep(0.05)


def test_a_render_that_overlaps_a_memo_change_is_served_but_not_stored(client, settings, demo_site):
    settings.DATELINE_PAGE_CACHE = {"enabled": True, "fresh_seconds": 300, "stale_seconds": 600}
    caches["default"].clear()

    def change_meanwhile(page, request, serve_args, serve_kwargs):
        memo._drop_named("site")  # what a notice arriving during the render does

    with hooks.register_temporarily("before_serve_page", change_meanwhile):
        first = client.get(ARTICLE)
        second = client.get(ARTICLE)
    assert first.status_code == second.status_code == 200
    # Served to the reader, but neither was stored: each was rendered afresh.
    assert "X-Cache" not in first and "X-Cache" not in second
    assert client.get(ARTICLE)["X-Cache"] == "MISS"  # no change meanwhile: stored
    assert client.get(ARTICLE)["X-Cache"] == "HIT"


def test_closing_comments_reaches_pages_in_every_process(
    client, summit_article, django_capture_on_commit_callbacks
):
    elsewhere = memo.ProcessMemo(
        "comment-policy-overrides-elsewhere",
        lambda _key: {o.page_id: o.comments_open for o in CommentPolicyOverride.objects.all()},
        max_age=10,
    )
    assert elsewhere.get() == {}
    with django_capture_on_commit_callbacks(execute=True):
        CommentPolicyOverride.objects.create(page=summit_article, comments_open=False)
    assert elsewhere.get() == {summit_article.pk: False}
    page = parse(client.get(ARTICLE))
    assert text(page.select_one(".comments-closed")) == "Comments are closed on this article."
