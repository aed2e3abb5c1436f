"""Warming in one process: what is queued, in which order, and `dateline warm`.

The worker rendering for real, readers meanwhile and a deploy are in
tests/concurrency/test_warming.py.
"""

from io import StringIO

import pytest
from django.core.cache import cache
from django.core.management import call_command

from dateline.caching import keys, purge, warm_queue, warming

ARTICLE = "/world/president-heads-north-for-skarholm-summit/"
FRONT_AND_SECTIONS = ["/", "/world/", "/politics/", "/science/", "/authors/"]


@pytest.fixture
def warming_on(settings, demo_site):
    settings.DATELINE_PAGE_CACHE = {"enabled": True, "warm": True}
    cache.clear()
    yield
    cache.clear()


def newest_first(paths):
    from wagtail.models import Page

    pages = {p.get_url_parts()[2]: p for p in Page.objects.live().filter(depth__gt=3)}
    return [pages[path].first_published_at for path in paths]


def test_the_front_and_sections_come_first_then_the_newest_pages(warming_on):
    paths = warming.pages_to_warm()
    assert paths[:5] == FRONT_AND_SECTIONS
    rest = paths[5:]
    assert ARTICLE in rest and len(rest) == len(set(rest))
    times = newest_first(rest)
    assert times == sorted(times, reverse=True)
    assert warming.pages_to_warm(limit=7) == paths[:7]


def test_pages_readers_had_rendered_come_before_the_newest(warming_on, redis_cache):
    oldest_article = warming.pages_to_warm()[-1]
    warm_queue.note_read("https", "news.example.org", oldest_article)
    paths = warming.pages_to_warm()
    assert paths[:6] == [*FRONT_AND_SECTIONS, oldest_article]
    assert warming.reader_origins() == ["https://news.example.org"]


def test_a_purge_queues_its_paths_the_most_read_first_each_once(warming_on, redis_cache):
    warm_queue.note_read("http", "testserver", "/world/")
    warm_queue.note_read("http", "testserver", ARTICLE)  # read last: first in line
    purge.purge_paths(["/", "/world/", ARTICLE, "/tags/skarholm-summit/"])
    purge.purge_paths([ARTICLE])  # purged again before the worker came: still once
    assert warm_queue.pop(10) == [ARTICLE, "/world/", "/", "/tags/skarholm-summit/"]


def test_a_site_purge_queues_the_front_and_sections_first(warming_on, redis_cache):
    purge.purge_site()
    assert warm_queue.pop(5) == FRONT_AND_SECTIONS


def test_nothing_is_queued_with_warming_off(settings, demo_site, redis_cache):
    settings.DATELINE_PAGE_CACHE = {"enabled": True}
    purge.purge_paths([ARTICLE])
    assert warm_queue.pop(10) == []


def test_dateline_warm_renders_pages_in_order_and_shows_progress(warming_on, client):
    out = StringIO()
    call_command("warm", origin=["http://testserver"], progress="never", stdout=out)
    lines = out.getvalue().splitlines()
    paths = warming.pages_to_warm()
    total = len(paths)
    assert lines[0] == f"Warming {total} pages for http://testserver"
    # Without a terminal: a plain line per page (a tenth of the way, at most 25 pages).
    assert lines[1:-1] == [f"{n}/{total} pages ({path})" for n, path in enumerate(paths, 1)]
    assert lines[-1] == f"Warmed {total} pages: {total} MISS"
    # The next reader of any of them gets the copy the command rendered.
    for path in (*FRONT_AND_SECTIONS, ARTICLE):
        assert client.get(path)["X-Cache"] == "HIT", path
    # Run again, nothing is out of date.
    again = StringIO()
    call_command("warm", origin=["http://testserver"], progress="never", stdout=again)
    assert again.getvalue().splitlines()[-1] == f"Warmed {total} pages: {total} HIT"


def test_dateline_warm_says_which_address_to_warm_when_it_cannot_tell(warming_on):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="--origin"):
        call_command("warm", progress="never", stdout=StringIO())


def test_a_process_primes_itself_on_a_page_of_each_kind_storing_nothing(
    warming_on, redis_cache, client
):
    from wagtail.models import Page

    # Before any reader (a new install, a new cluster), through a host the site allows.
    primed = warming.prime_process()
    assert set(primed.values()) == {200}
    pages = {p.get_url_parts()[2]: p for p in Page.objects.live().filter(depth__gt=1).specific()}
    kinds = {type(page) for page in pages.values()}
    assert len(kinds) >= 4 and {type(pages[path]) for path in primed} == kinds
    warm_queue.note_read("http", "testserver", "/a-page-read-before/")
    assert warming.prime_process() == primed
    # Nothing stored, nothing counted as a read: the next reader renders the page.
    assert warm_queue.last_reads(list(primed)) == {}
    assert cache.get(keys.entry_key("http", "testserver", "/", "")) is None
    for path in primed:
        assert client.get(path)["X-Cache"] == "MISS", path


def test_the_worker_primes_itself_on_its_first_turn_only(warming_on, redis_cache, monkeypatch):
    primes = []
    monkeypatch.setattr(warming, "_primed", [])
    monkeypatch.setattr(warming, "prime_process", lambda: primes.append(1) or {"/": 200})
    warming.warm_job(None)
    warming.warm_job(None)
    assert primes == [1]


def test_priming_needs_a_host_the_site_allows(warming_on, settings):
    settings.ALLOWED_HOSTS = []
    assert warming.prime_process() == {}
    settings.ALLOWED_HOSTS = [".example.org"]
    statuses = warming.prime_process()
    assert statuses["/"] == 200
