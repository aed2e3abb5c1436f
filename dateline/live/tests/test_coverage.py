"""Live pages in the tree, the numbering of changes, and what readers get without JavaScript."""

import json

import pytest
from bs4 import BeautifulSoup
from django.urls import reverse

from dateline.caching import keys
from dateline.caching.middleware import cache_backend
from dateline.live import changes
from dateline.live.models import Coverage, LivePage, LiveUpdate
from dateline.news.models import ArticlePage, SectionPage

pytestmark = pytest.mark.django_db


def post(page, user=None, text="Talks resumed at nine.", **fields):
    return changes.post(page, user, {"text": text, **fields})


def soup(client, url):
    response = client.get(url)
    assert response.status_code == 200, response.status_code
    return BeautifulSoup(response.content, "html.parser")


def test_sections_hold_live_pages_and_articles_do_not(live_page):
    assert LivePage in SectionPage.allowed_subpage_models()
    assert LivePage not in ArticlePage.allowed_subpage_models()
    assert live_page.get_parent().specific_class is SectionPage
    # It is an article for every listing, feed and purge that asks for articles.
    assert ArticlePage.objects.filter(pk=live_page.pk).exists()


def test_every_change_takes_the_next_number_in_commit_order(live_page):
    first = post(live_page)
    second = post(live_page, text="The delegations broke for lunch.")
    assert (first.sequence, second.sequence) == (1, 2)
    corrected = changes.edit(first, None, {"text": "Talks resumed at ten."})
    assert corrected.sequence == 3 and corrected.edited_at is not None
    pinned = changes.edit(second, None, {"pinned": True})
    assert pinned.sequence == 4 and pinned.edited_at is None  # a pin is not a correction
    deleted = changes.delete(first, None)
    assert deleted.sequence == 5 and deleted.deleted_at is not None
    coverage = Coverage.objects.get(page=live_page)
    assert (coverage.sequence, coverage.state) == (5, Coverage.LIVE)  # the first post started it
    ended = changes.set_state(live_page, Coverage.ENDED)
    assert (ended.sequence, ended.ended_at is not None) == (6, True)


def test_ended_coverage_refuses_updates_until_reopened(live_page):
    changes.set_state(live_page, Coverage.ENDED)
    with pytest.raises(changes.CoverageEnded):
        post(live_page)
    changes.set_state(live_page, Coverage.LIVE)
    assert post(live_page).sequence == 3


def test_the_poll_document_holds_the_latest_changes_and_says_how_far_back(live_page):
    updates = [post(live_page, text=f"Update number {n}.") for n in range(changes.HEAD_CHANGES + 5)]
    changes.delete(updates[0], None)
    head = changes.document(live_page)
    assert head["seq"] == len(updates) + 1
    assert len(head["changes"]) == changes.HEAD_CHANGES
    assert [c["seq"] for c in head["changes"]] == sorted(c["seq"] for c in head["changes"])
    # Every change after complete_after is in it, and nothing before.
    assert head["complete_after"] == head["changes"][0]["seq"] - 1
    assert head["changes"][-1] == {
        "kind": "update",
        "id": updates[0].pk,
        "seq": head["seq"],
        "deleted": True,
    }
    since = changes.document(live_page, since=3)
    assert [c["seq"] for c in since["changes"]] == list(range(4, head["seq"] + 1))


def test_the_poll_document_is_served_cached_and_purged_with_the_page(client, live_page):
    url = reverse("live:updates", args=[live_page.pk])
    first = post(live_page)
    response = client.get(url)
    assert response["Content-Type"] == "application/json"
    document = json.loads(response.content)
    assert document["changes"][0]["id"] == first.pk
    assert "Talks resumed at nine." in document["changes"][0]["html"]
    assert client.get(url + "?since=x").status_code == 404
    # The page's purge names the poll document too.
    from dateline.caching.purge import paths_showing

    assert url in paths_showing(live_page)
    assert live_page.url in paths_showing(live_page)


def test_a_posted_update_purges_the_page_after_the_commit(
    live_page, django_capture_on_commit_callbacks
):
    cache = cache_backend()
    path = reverse("live:updates", args=[live_page.pk])
    cache.delete_many([keys.path_marker(path), keys.path_marker(live_page.url)])
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        post(live_page)
    assert cache.get(keys.path_marker(live_page.url)) is None  # nothing before the commit
    for callback in callbacks:
        callback()
    assert cache.get(keys.path_marker(live_page.url)) and cache.get(keys.path_marker(path))


def test_the_page_is_complete_without_javascript(client, live_page, reporter):
    key = post(
        live_page,
        text="The leaders **agreed** a ceasefire. [Statement](https://example.org/s)",
        title="Ceasefire agreed",
        key_event=True,
    )
    pin = post(live_page, text="Follow our coverage here.", pinned=True)
    gone = post(live_page, text="A mistaken update.")
    changes.delete(gone, None)
    page = soup(client, live_page.url)
    timeline = page.select(".live-timeline [data-update]")
    assert [int(a["data-update"]) for a in timeline] == [pin.pk, key.pk]
    assert "A mistaken update" not in str(page)
    body = page.select_one(f"#update-{key.pk} .live-update-body")
    assert body.find("b").text == "agreed"
    assert body.find("a")["href"] == "https://example.org/s"
    assert body.find("a")["rel"] == ["noopener"]
    key_events = page.select(".live-key-events li a")
    assert [a.text.split(" ", 1)[1] for a in key_events] == ["Ceasefire agreed"]
    assert key_events[0]["href"] == f"?update={key.pk}#update-{key.pk}"
    assert page.select_one(f"#pinned-update-{pin.pk}") is not None
    live = page.select_one("[data-live-page]")
    assert int(live["data-sequence"]) == 4 and live["data-state"] == "live"
    assert live["data-head"] == "1"
    assert page.select_one(".live-status .live-badge").text == "Live"


def test_older_updates_are_paged_and_a_permalink_opens_the_window_at_its_update(
    client, live_page, settings
):
    settings.DATELINE_LIVE = {**settings.DATELINE_LIVE, "page_size": 5}
    updates = [post(live_page, text=f"Update number {n}.") for n in range(12)]
    ids = [u.pk for u in reversed(updates)]  # newest first
    head = soup(client, live_page.url)
    assert [int(a["data-update"]) for a in head.select(".live-timeline [data-update]")] == ids[:5]
    older = head.select_one('a[rel="next"]')["href"]
    assert older == f"?before={ids[4]}"
    second = soup(client, live_page.url + older)
    assert [int(a["data-update"]) for a in second.select(".live-timeline [data-update]")] == ids[
        5:10
    ]
    assert second.select_one("[data-live-page]")["data-head"] == "0"
    # A permalink far down: the window starts at that update.
    target = ids[9]
    window = soup(client, f"{live_page.url}?update={target}")
    shown = [int(a["data-update"]) for a in window.select(".live-timeline [data-update]")]
    assert shown[0] == target and shown == ids[9:12]
    newer = window.select_one('a[rel="prev"]')["href"]
    assert newer == f"?after={target}"
    above = soup(client, live_page.url + newer)
    assert [int(a["data-update"]) for a in above.select(".live-timeline [data-update]")] == ids[4:9]
    # A deleted update's permalink opens the newest updates, saying so.
    changes.delete(updates[0], None)
    gone = soup(client, f"{live_page.url}?update={updates[0].pk}")
    assert "has been removed" in gone.select_one(".live-note").text
    assert client.get(f"{live_page.url}?update=abc").status_code == 404


def test_an_ended_page_tells_readers_and_its_script_stops(client, live_page):
    post(live_page)
    changes.set_state(live_page, Coverage.ENDED)
    page = soup(client, live_page.url)
    assert page.select_one("[data-live-page]")["data-state"] == "ended"
    assert "ended" in page.select_one(".live-status").text


def test_private_and_draft_live_pages_are_not_served_to_pollers(client, demo_site):
    from .factories import make_live_page

    draft = make_live_page(slug="draft-live", publish=False)
    post(draft)
    assert client.get(reverse("live:updates", args=[draft.pk])).status_code == 404
    assert changes.readable_page(draft.pk) is None


def test_updates_keep_their_order_and_numbers_when_reporters_post_at_once(
    live_page, reporter, second_reporter
):
    a = post(live_page, reporter, text="From the press room.")
    b = post(live_page, second_reporter, text="From the summit hall.")
    assert LiveUpdate.objects.filter(page=live_page).count() == 2
    assert {a.sequence, b.sequence} == {1, 2}
    assert b.byline_names == ["Ravi"]
