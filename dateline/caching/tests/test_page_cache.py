"""The page cache as readers and editors meet it: headers, 304s, purges, stale copies."""

import pytest
from django.core.cache import cache
from django.utils.http import http_date

from dateline.caching import keys
from dateline.news.models import ArticlePage

ARTICLE = "/world/president-heads-north-for-skarholm-summit/"
OTHER_SECTION_ARTICLE = "/science/kelp-forests-are-coming-back-survey-finds/"


@pytest.fixture(autouse=True)
def page_cache(settings, demo_site):
    settings.DATELINE_PAGE_CACHE = {"enabled": True, "fresh_seconds": 300, "stale_seconds": 600}
    cache.clear()
    yield
    cache.clear()


def test_second_anonymous_request_is_served_from_the_cache(client):
    first = client.get(ARTICLE)
    second = client.get(ARTICLE)
    assert first["X-Cache"] == "MISS"
    assert second["X-Cache"] == "HIT"
    assert second.content == first.content
    assert second["Cache-Control"] == "public, max-age=0, s-maxage=1, stale-while-revalidate=600"
    assert second["ETag"] == first["ETag"]
    assert "Cookie" not in second.get("Vary", "")
    # Security headers come with cached copies too.
    assert "default-src 'self'" in second["Content-Security-Policy"]
    assert second["X-Content-Type-Options"] == "nosniff"


def test_conditional_requests_get_304(client):
    etag = client.get(ARTICLE)["ETag"]
    response = client.get(ARTICLE, headers={"If-None-Match": etag})
    assert response.status_code == 304
    assert response.content == b""
    assert client.get(ARTICLE, headers={"If-None-Match": '"other"'}).status_code == 200
    later = http_date(2_000_000_000)
    assert client.get(ARTICLE, headers={"If-Modified-Since": later}).status_code == 304


def test_head_is_answered_from_the_cache(client):
    client.get(ARTICLE)
    response = client.head(ARTICLE)
    assert response["X-Cache"] == "HIT"


def test_tracking_parameters_share_one_copy_but_other_parameters_do_not(client):
    client.get("/")
    assert client.get("/", {"utm_source": "x", "utm_medium": "y", "fbclid": "z"})["X-Cache"] == (
        "HIT"
    )
    assert client.get("/", {"page": "1"})["X-Cache"] == "MISS"
    client.get("/sitemap-articles.xml", {"p": "1"})
    assert client.get("/sitemap-articles.xml", {"p": "2"})["X-Cache"] != "HIT"


def test_signed_in_editors_never_get_or_make_cached_pages(client, django_user_model):
    client.get(ARTICLE)  # an anonymous copy is now cached
    ArticlePage.objects.filter(slug="president-heads-north-for-skarholm-summit").update(
        title="A headline changed without publishing"
    )
    editor = django_user_model.objects.create_user("ed", password="pw-for-tests-only")
    client.force_login(editor)
    response = client.get(ARTICLE)
    assert "X-Cache" not in response
    assert "private" in response["Cache-Control"]
    assert b"A headline changed without publishing" in response.content
    client.logout()
    client.cookies.clear()
    assert b"A headline changed without publishing" not in client.get(ARTICLE).content


def test_publishing_purges_the_pages_that_show_the_article_and_nothing_else(
    client, summit_article, django_capture_on_commit_callbacks
):
    showing = [
        ARTICLE,
        "/",
        "/world/",
        "/tags/skarholm-summit/",
        "/authors/maria-lund/",
        "/feeds/rss/",
        "/feeds/section/world/atom/",
        "/feeds/tag/diplomacy/json/",
        "/sitemap-news.xml",
    ]
    # Sitemaps list addresses and times, not headlines: they must re-render all the same.
    showing_without_headline = ["/sitemap.xml", "/sitemap-articles.xml"]
    unrelated = [
        OTHER_SECTION_ARTICLE,
        "/science/",
        "/authors/tomas-okafor/",
        "/feeds/section/science/rss/",
        "/feeds/author/tomas-okafor/rss/",
    ]
    for path in showing + showing_without_headline + unrelated:
        assert client.get(path).status_code == 200, path

    summit_article.title = "Summit moved to Tuesday"
    with django_capture_on_commit_callbacks(execute=True):
        summit_article.save_revision().publish()

    for path in showing:
        response = client.get(path)
        assert response["X-Cache"] == "MISS", path
        assert b"Summit moved to Tuesday" in response.content, path
    for path in showing_without_headline:
        assert client.get(path)["X-Cache"] == "MISS", path
    for path in unrelated:
        assert client.get(path)["X-Cache"] == "HIT", path


def test_unpublished_article_disappears_at_once(
    client, summit_article, django_capture_on_commit_callbacks
):
    assert client.get(ARTICLE).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        summit_article.unpublish()
    assert client.get(ARTICLE).status_code == 404
    assert b"President Varga heads north" not in client.get("/").content


def test_making_a_section_private_stops_serving_its_cached_articles_at_once(
    client, summit_article, django_capture_on_commit_callbacks
):
    from wagtail.models import PageViewRestriction

    client.get(ARTICLE)
    assert client.get(ARTICLE)["X-Cache"] == "HIT"
    with django_capture_on_commit_callbacks(execute=True):
        PageViewRestriction.objects.create(
            page=summit_article.get_parent(),
            restriction_type=PageViewRestriction.PASSWORD,
            password="north",
        )
    response = client.get(ARTICLE)
    assert b"President Varga heads north" not in response.content
    assert b'type="password"' in response.content
    assert "X-Cache" not in response


def test_renaming_the_site_purges_every_page(client, django_capture_on_commit_callbacks):
    from wagtail.models import Site

    for path in (ARTICLE, "/", "/science/"):
        client.get(path)
        assert client.get(path)["X-Cache"] == "HIT"
    site = Site.objects.get(is_default_site=True)
    site.site_name = "The Northern Dispatch"
    with django_capture_on_commit_callbacks(execute=True):
        site.save()
    for path in (ARTICLE, "/", "/science/"):
        response = client.get(path)
        assert response["X-Cache"] == "MISS", path
        assert b"The Northern Dispatch" in response.content, path


def test_while_one_request_renders_a_purged_page_others_get_the_stale_copy(
    client, summit_article, django_capture_on_commit_callbacks
):
    old = client.get(ARTICLE).content
    summit_article.title = "A new headline"
    with django_capture_on_commit_callbacks(execute=True):
        summit_article.save_revision().publish()

    # Another worker has started re-rendering: it holds the render lock.
    entry_key = keys.entry_key("http", "testserver", ARTICLE, "")
    assert cache.add(keys.lock_key(entry_key), 1, 30)
    waiting = client.get(ARTICLE)
    assert waiting["X-Cache"] == "STALE"
    assert waiting.content == old

    cache.delete(keys.lock_key(entry_key))
    fresh = client.get(ARTICLE)
    assert fresh["X-Cache"] == "MISS"
    assert b"A new headline" in fresh.content
    assert client.get(ARTICLE)["X-Cache"] == "HIT"


def test_a_request_that_waited_for_the_lock_serves_the_new_copy_instead_of_rendering_again(
    client, summit_article, django_capture_on_commit_callbacks, monkeypatch, caplog
):
    from dateline.caching import middleware

    client.get(ARTICLE)
    summit_article.title = "A new headline"
    with django_capture_on_commit_callbacks(execute=True):
        summit_article.save_revision().publish()

    class OtherWorkerRendersFirst:
        """The cache, except that another worker renders the page and releases
        the lock just before this request asks for it."""

        def __init__(self, backend):
            self.backend, self.raced = backend, False

        def __getattr__(self, name):
            return getattr(self.backend, name)

        def add(self, key, *args):
            if not self.raced:
                self.raced = True
                monkeypatch.setattr(middleware, "cache_backend", lambda: self.backend)
                assert client.get(ARTICLE)["X-Cache"] == "MISS"
                monkeypatch.setattr(middleware, "cache_backend", lambda: self)
            return self.backend.add(key, *args)

    racing = OtherWorkerRendersFirst(cache)
    monkeypatch.setattr(middleware, "cache_backend", lambda: racing)
    with caplog.at_level("INFO", logger="dateline.caching"):
        response = client.get(ARTICLE)
    assert response["X-Cache"] == "HIT"
    assert b"A new headline" in response.content
    assert [r.getMessage() for r in caplog.records if r.getMessage().startswith("rendered")] == [
        f"rendered {ARTICLE}"
    ]
    assert cache.get(keys.lock_key(keys.entry_key("http", "testserver", ARTICLE, ""))) is None


def test_admin_pages_are_never_cached(client, settings):
    client.get("/" + settings.DATELINE_ADMIN_PATH + "login/")
    assert "X-Cache" not in client.get("/" + settings.DATELINE_ADMIN_PATH + "login/")


def test_cache_can_be_switched_off(client, settings):
    settings.DATELINE_PAGE_CACHE = {"enabled": False}
    client.get(ARTICLE)
    assert "X-Cache" not in client.get(ARTICLE)


def test_a_misspelt_policy_option_is_a_clear_error(settings):
    from dateline.caching.policy import PageCachePolicy

    settings.DATELINE_PAGE_CACHE = {"fresh_secs": 10}
    with pytest.raises(ValueError, match="Unknown DATELINE_PAGE_CACHE options \\['fresh_secs'\\]"):
        PageCachePolicy.from_settings()


def test_pages_are_cached_and_purged_in_redis(
    client, redis_cache, summit_article, django_capture_on_commit_callbacks
):
    assert client.get(ARTICLE)["X-Cache"] == "MISS"
    assert client.get(ARTICLE)["X-Cache"] == "HIT"
    stored = redis_cache.get(keys.entry_key("http", "testserver", ARTICLE, ""))
    assert b"President Varga heads north" in stored.body

    summit_article.title = "Redis saw this"
    with django_capture_on_commit_callbacks(execute=True):
        summit_article.save_revision().publish()
    response = client.get(ARTICLE)
    assert response["X-Cache"] == "MISS"
    assert b"Redis saw this" in response.content


def test_deleting_a_whole_branch_purges_every_page(
    client, settings, demo_site, django_capture_on_commit_callbacks
):
    from wagtail.models import Page

    settings.DATELINE_PAGE_CACHE = {"enabled": True, "fresh_seconds": 300, "stale_seconds": 600}
    assert client.get("/world/").status_code == 200
    assert client.get("/world/")["X-Cache"] == "HIT"
    authors = Page.objects.get(slug="authors")
    # The author pages' parent is deleted in the same query as they are.
    with django_capture_on_commit_callbacks(execute=True):
        authors.delete()
    assert client.get("/world/")["X-Cache"] != "HIT"


def test_a_first_render_is_handed_to_the_render_pool_and_rendered_there(
    client, settings, django_capture_on_commit_callbacks
):
    settings.DATELINE_PAGE_CACHE = {
        **settings.DATELINE_PAGE_CACHE,
        "render_pool": "/_dateline/render",
    }
    handed = client.get(ARTICLE)
    assert handed["X-Accel-Redirect"] == "/_dateline/render"
    assert handed.content == b""
    assert "private" in handed["Cache-Control"]
    # nginx sends it to the pool, marked: rendered and stored there.
    rendered = client.get(ARTICLE, headers={"X-Dateline-Render-Pool": "1"})
    assert rendered["X-Cache"] == "MISS"
    assert b"<h1" in rendered.content
    # A page in the cache is answered where it is asked for, fresh or stale.
    assert client.get(ARTICLE)["X-Cache"] == "HIT"
    with django_capture_on_commit_callbacks(execute=True):
        ArticlePage.objects.get(
            slug="president-heads-north-for-skarholm-summit"
        ).save_revision().publish()
    stale = client.get(ARTICLE)
    assert "X-Accel-Redirect" not in stale
    assert stale["X-Cache"] == "MISS"  # rendered here, by the one request that found it stale


def test_the_worker_warming_a_page_renders_it_itself_with_a_render_pool(client, settings):
    """The worker's renders reach no nginx: handing them over would warm nothing."""
    from dateline.caching.middleware import WARM_REQUEST

    settings.DATELINE_PAGE_CACHE = {
        **settings.DATELINE_PAGE_CACHE,
        "render_pool": "/_dateline/render",
    }
    warmed = client.get(ARTICLE, **{WARM_REQUEST: True})
    assert "X-Accel-Redirect" not in warmed
    assert b"<h1" in warmed.content
    assert client.get(ARTICLE)["X-Cache"] == "HIT"
