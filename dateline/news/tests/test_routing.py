"""Reader URLs reach the right page, with Wagtail's rules, in a fixed number of queries."""

import pytest
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from wagtail.models import Page, PageViewRestriction, Site

from dateline.adapters.django import raw_host
from dateline.adapters.wagtail import set_request_site
from dateline.caching.memo import ProcessMemo
from dateline.news.models import ArticlePage, SectionPage
from dateline.news.sites import _site_and_menu, remembered

from .html import parse, text

ARTICLE_URL = "/world/president-heads-north-for-skarholm-summit/"
HEADLINE = "President Varga heads north for the Skarholm fisheries summit"


def route(path):
    request = RequestFactory().get(path)
    # As when serving: the site comes from the per-process memo (news/sites.py).
    set_request_site(request, remembered(request)[0])
    return Page.route_for_request(request, path)


@pytest.mark.parametrize(
    "path, kind, slug",
    [
        ("/", "homepage", None),
        ("/world/", "sectionpage", "world"),
        (ARTICLE_URL, "articlepage", "president-heads-north-for-skarholm-summit"),
        ("/authors/maria-lund/", "authorpage", "maria-lund"),
    ],
)
def test_each_public_address_routes_to_its_page_as_its_own_type(demo_site, path, kind, slug):
    page, args, kwargs = route(path)
    assert page.specific_class.__name__.lower() == kind
    assert type(page).__name__.lower() == kind
    if slug:
        assert page.slug == slug


def test_an_article_is_found_in_two_queries_however_deep(summit_article, django_assert_num_queries):
    # Every page on the path, then the article. The front page's own fields
    # are not read on the way (the site memo gives it with its tree fields).
    request = RequestFactory().get(ARTICLE_URL)
    set_request_site(request, remembered(request)[0])
    with django_assert_num_queries(2):
        page, _, _ = Page.route_for_request(request, ARTICLE_URL)
    # Its section, for the kicker and the breadcrumbs, came with the path.
    with django_assert_num_queries(0):
        assert page.section.title == "World"
        assert page.lead_image.title


def test_the_front_page_served_from_the_remembered_site_has_all_its_fields(
    client, demo_site, django_assert_num_queries
):
    home = Page.objects.get(depth=2).specific
    home.strapline = "Read all about it"
    home.save_revision().publish()
    request = RequestFactory().get("/")
    set_request_site(request, remembered(request)[0])
    with django_assert_num_queries(1):
        page, _, _ = Page.route_for_request(request, "/")
    with django_assert_num_queries(0):
        assert page.strapline == "Read all about it"
        assert page.title == home.title


def test_an_unpublished_front_page_is_not_found(client, demo_site):
    Page.objects.get(depth=2).specific.unpublish()
    assert client.get("/").status_code == 404


def test_unknown_addresses_and_unpublished_articles_are_not_found(client, summit_article):
    assert client.get("/world/no-such-story/").status_code == 404
    assert client.get("/no-such-section/some-story/").status_code == 404
    assert client.get(ARTICLE_URL + "no-such-part/").status_code == 404
    summit_article.unpublish()
    response = client.get(ARTICLE_URL)
    assert response.status_code == 404
    assert HEADLINE not in response.text


def test_a_slug_only_matches_below_its_own_parent(client, summit_article):
    # The article exists under World; the same slug under Politics is not it.
    assert client.get("/politics/president-heads-north-for-skarholm-summit/").status_code == 404


def test_a_password_on_the_section_protects_its_articles(client, summit_article):
    world = SectionPage.objects.get(slug="world")
    PageViewRestriction.objects.create(
        page=world, restriction_type=PageViewRestriction.PASSWORD, password="north"
    )
    response = client.get(ARTICLE_URL)
    assert response.status_code == 200
    page = parse(response)
    assert page.select_one("input[type=password]") is not None
    assert HEADLINE not in text(page)
    assert response.headers["Cache-Control"].startswith(("max-age=0", "no-cache", "private"))


def test_the_section_menu_leaves_out_private_sections_and_drafts(
    client, demo_site, django_capture_on_commit_callbacks
):
    def menu():
        page = parse(client.get("/science/kelp-forests-are-coming-back-survey-finds/"))
        return [text(a) for a in page.select("nav.sections a")]

    everything = menu()
    assert {"World", "Politics", "Science"} <= set(everything)
    world = SectionPage.objects.get(slug="world")
    # Committed, as in production: the purges that follow reach the site memo.
    with django_capture_on_commit_callbacks(execute=True):
        PageViewRestriction.objects.create(
            page=world, restriction_type=PageViewRestriction.PASSWORD, password="north"
        )
    assert "World" not in menu()
    with django_capture_on_commit_callbacks(execute=True):
        SectionPage.objects.get(slug="politics").unpublish()
    assert menu() == [name for name in everything if name not in ("World", "Politics")]


def test_a_renamed_or_new_section_shows_in_the_menu_of_every_page_at_once(
    client, demo_site, django_capture_on_commit_callbacks
):
    def menu(path):
        return [text(a) for a in parse(client.get(path)).select("nav.sections a")]

    assert "World" in menu(ARTICLE_URL)  # the menu is now remembered by this process
    world = SectionPage.objects.get(slug="world")
    world.title = "International"
    with django_capture_on_commit_callbacks(execute=True):
        world.save_revision().publish()
    for path in ("/", "/politics/", ARTICLE_URL):
        assert "International" in menu(path)
        assert "World" not in menu(path)


def test_the_section_menu_costs_no_query_on_page_views(client, demo_site):
    client.get("/world/")
    with CaptureQueriesContext(connection) as queries:
        page = parse(client.get(ARTICLE_URL))
    assert [text(a) for a in page.select("nav.sections a")] == ["World", "Politics", "Science"]
    # The article's own section comes with its path; no query reads the sections table.
    assert not [q for q in queries.captured_queries if "news_sectionpage" in q["sql"]]


def test_a_login_restriction_on_the_article_sends_readers_to_sign_in(client, summit_article):
    PageViewRestriction.objects.create(
        page=summit_article, restriction_type=PageViewRestriction.LOGIN
    )
    response = client.get(ARTICLE_URL)
    assert response.status_code == 302
    assert "next=" in response.headers["Location"]


def test_a_sign_in_restriction_on_the_front_page_covers_the_whole_site(client, summit_article):
    assert client.get(ARTICLE_URL).status_code == 200
    PageViewRestriction.objects.create(
        page=summit_article.get_parent().get_parent(), restriction_type=PageViewRestriction.LOGIN
    )
    assert client.get(ARTICLE_URL).status_code == 302
    assert client.get("/world/").status_code == 302


def test_an_unrestricted_article_costs_no_restriction_query(client, summit_article):
    client.get(ARTICLE_URL)
    with CaptureQueriesContext(connection) as queries:
        client.get(ARTICLE_URL)
    sql = [q["sql"] for q in queries.captured_queries]
    # The only mention is the EXISTS inside the routing query.
    assert [q for q in sql if '"wagtailcore_pageviewrestriction"' in q and "EXISTS" not in q] == []


def test_an_alias_carries_the_restriction_of_its_original(client, summit_article):
    politics = SectionPage.objects.get(slug="politics")
    alias = summit_article.create_alias(parent=politics, update_slug="summit-copy")
    assert client.get(alias.url).status_code == 200
    PageViewRestriction.objects.create(
        page=summit_article, restriction_type=PageViewRestriction.LOGIN
    )
    assert client.get(alias.url).status_code == 302


def test_a_live_article_moved_to_another_section_is_found_at_its_new_address(
    client, summit_article
):
    politics = SectionPage.objects.get(slug="politics")
    summit_article.move(politics, pos="last-child")
    # Wagtail's redirects app remembers the old address.
    new_url = "/politics/president-heads-north-for-skarholm-summit/"
    moved = client.get(ARTICLE_URL)
    assert moved.status_code == 301
    assert moved.headers["Location"].endswith(new_url)
    response = client.get(new_url)
    assert response.status_code == 200
    assert text(parse(response).select_one(".kicker")) == "Politics"


def test_a_renamed_site_shows_at_once_in_the_process_that_saved_it(client, demo_site):
    client.get("/")
    site = Site.objects.get(is_default_site=True)
    site.site_name = "The Northern Dispatch"
    site.save()
    assert text(parse(client.get("/")).select_one(".brand")) == "The Northern Dispatch"


def test_page_requests_do_not_look_the_site_up_each_time(client, summit_article):
    client.get(ARTICLE_URL)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(ARTICLE_URL).status_code == 200
    assert not [q for q in queries.captured_queries if '"wagtailcore_site"' in q["sql"]]


def other_process_memo():
    """The site memo as another process has it: it hears of changes only through the cache."""
    memo = ProcessMemo("site-elsewhere", _site_and_menu, max_age=10)

    def site_for(request):
        return memo.get((raw_host(request), request.get_port()), request)[0]

    return memo, site_for


def test_another_process_sees_a_site_change_once_its_memo_expires(demo_site, monkeypatch):
    clock = [1000.0]
    monkeypatch.setattr("dateline.caching.memo.time.monotonic", lambda: clock[0])
    _memo, site_for = other_process_memo()
    request = RequestFactory().get("/")
    assert site_for(request).site_name in ("", "Dateline", None)

    # Written without Django's signals: no process is told.
    Site.objects.filter(is_default_site=True).update(site_name="Renamed elsewhere")
    clock[0] += 9
    assert site_for(request).site_name != "Renamed elsewhere"
    clock[0] += 2
    assert site_for(request).site_name == "Renamed elsewhere"


def test_another_process_sees_a_site_edit_on_its_next_request(
    demo_site, django_capture_on_commit_callbacks
):
    _memo, site_for = other_process_memo()
    request = RequestFactory().get("/")
    site_for(request)
    site = Site.objects.get(is_default_site=True)
    site.site_name = "Renamed here"
    with django_capture_on_commit_callbacks(execute=True):
        site.save()
    assert site_for(request).site_name == "Renamed here"
    assert remembered(request)[0].site_name == "Renamed here"


def test_each_request_gets_its_own_copy_of_the_remembered_site(demo_site):
    request = RequestFactory().get("/")
    first, sections = remembered(request)
    first.root_page.title = "Changed by one request"
    first.site_name = "Renamed by one request"
    sections[0].title = "Retitled by one request"
    second, sections = remembered(request)
    assert second.root_page.title != "Changed by one request"
    assert second.site_name != "Renamed by one request"
    assert sections[0].title != "Retitled by one request"


def test_the_memo_keeps_a_bounded_number_of_hosts(demo_site):
    memo, site_for = other_process_memo()
    for n in range(200):
        site_for(RequestFactory().get("/", HTTP_HOST=f"host{n}.example"))
    assert len(memo) <= 64


def test_draft_changes_are_not_served_to_readers(client, summit_article):
    summit_article.title = "A draft headline nobody approved"
    summit_article.save_revision()
    page = parse(client.get(ARTICLE_URL))
    assert text(page.h1) == HEADLINE
    assert ArticlePage.objects.get(pk=summit_article.pk).title == HEADLINE
