"""Every change to live coverage, on one road: numbered, committed, then announced.

Posting, correcting, pinning or deleting an update, and starting or ending
the coverage, each:

1. takes the page's Coverage row for update (one writer per page at a time:
   several reporters post to the same page, and their changes are numbered
   in the order they commit), and the next sequence number;
2. writes the row(s) with that number, and moves the page's
   `last_published_at` to now: for feeds, sitemaps and dateModified the page
   was republished, so they follow the coverage without knowing about it;
3. after the commit, and only then, publishes the change on Redis for the
   stream processes (stream/), and purges the page's cached copies through
   the one purge registry, so pollers and readers who reload see it.

A change that reached the database is never lost: if Redis is down the
notice is not sent, the stream processes cannot hear either and send their
readers to polling, and the poll document is read from the database.
"""

import json

from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone
from wagtail.models import Page

from dateline.caching import broadcast
from dateline.caching.purge import purge_page

from .models import Coverage, LiveUpdate

CHANNEL = "dateline:live"
# The poll document without a cursor carries this many latest changes.
HEAD_CHANGES = 20
# A cursor's catch-up carries at most this many; the reader asks again for the rest.
CATCH_UP_LIMIT = 200


class CoverageEnded(Exception):
    """Posting to coverage that has ended; reopen it first."""


# --- Events: what readers' pages receive ------------------------------------


def render_update(update, page=None):
    """The update's <article>, exactly as the page renders it in its timeline."""
    return render_to_string("live/update.html", {"update": update, "page": page or update.page})


def update_event(update):
    if update.is_deleted:
        return {"kind": "update", "id": update.pk, "seq": update.sequence, "deleted": True}
    return {
        "kind": "update",
        "id": update.pk,
        "seq": update.sequence,
        "deleted": False,
        "published": update.published_at.isoformat(),
        "key": update.key_event,
        "pinned": update.pinned,
        "label": update.label,
        "html": render_update(update),
    }


def state_event(coverage):
    return {"kind": "state", "seq": coverage.sequence, "state": coverage.state}


def document(page, since=None):
    """The poll document: the page's state and the changes a reader needs.

    Without `since`, the latest HEAD_CHANGES changes: the same bytes for
    every reader, so it is cached and purged like a page. `complete_after`
    says from which number on it holds every change; a reader whose cursor
    is older asks again with `since`.
    """
    coverage = Coverage.objects.filter(page=page).first() or Coverage(page=page)
    rows = LiveUpdate.objects.filter(page=page).for_display()
    if since is None:
        latest = list(rows.order_by("-sequence")[: HEAD_CHANGES + 1])
        complete_after = latest[HEAD_CHANGES].sequence if len(latest) > HEAD_CHANGES else 0
        changes, more = sorted(latest[:HEAD_CHANGES], key=lambda u: u.sequence), False
    else:
        changes = list(rows.changed_after(since)[: CATCH_UP_LIMIT + 1])
        more = len(changes) > CATCH_UP_LIMIT
        changes, complete_after = changes[:CATCH_UP_LIMIT], since
    return {
        "page": page.pk,
        "seq": coverage.sequence,
        "state": coverage.state,
        "complete_after": complete_after,
        "more": more,
        "changes": [update_event(update) for update in changes],
    }


def readable_page(page_id):
    """The live page readers may see with this id (published, not private), or None."""
    from .models import LivePage

    return LivePage.objects.live().public().filter(pk=page_id).first()


def changes_since(page_id, since):
    """The poll document after `since` for a page readers may see, or None (stream catch-up)."""
    page = readable_page(page_id)
    return None if page is None else document(page, since)


# --- Writing ------------------------------------------------------------------


def _take_number(page):
    """Lock the page's coverage row and give it the next sequence number."""
    coverage, _ = Coverage.objects.select_for_update().get_or_create(page_id=page.pk)
    coverage.sequence += 1
    return coverage


def _after_commit(page, event):
    def announce():
        publish(page.pk, event)
        purge_page(page)

    transaction.on_commit(announce)


def _republished(page, now):
    # Feeds, sitemaps and the page's dateModified follow last_published_at.
    Page.objects.filter(pk=page.pk).update(last_published_at=now)


def post(page, user, fields, authors=()):
    """A new update on `page`; starts upcoming coverage. Raises CoverageEnded."""
    now = timezone.now()
    with transaction.atomic():
        coverage = _take_number(page)
        if coverage.state == Coverage.ENDED:
            raise CoverageEnded("This coverage has ended. Reopen it to post again.")
        if coverage.state == Coverage.UPCOMING:
            coverage.state, coverage.started_at = Coverage.LIVE, now
        coverage.last_update_at = now
        coverage.save()
        update = LiveUpdate.objects.create(
            page=page, sequence=coverage.sequence, posted_by=user, published_at=now, **fields
        )
        update.authors.set(authors)
        _republished(page, now)
        event = update_event(_reloaded(update))
        _after_commit(page, event)
    return update


def edit(update, user, fields, authors=None):
    """A correction (or a pin, a key-event switch): readers see it was edited, and when."""
    now = timezone.now()
    page = update.page
    with transaction.atomic():
        coverage = _take_number(page)
        coverage.save()
        update = LiveUpdate.objects.select_for_update().get(pk=update.pk, deleted_at__isnull=True)
        # Pinning or marking a key event is not a correction readers are told of.
        content_changed = any(
            getattr(update, name) != value
            for name, value in fields.items()
            if name not in {"key_event", "pinned"}
        )
        if authors is not None and {a.pk for a in authors} != set(
            update.authors.values_list("pk", flat=True)
        ):
            content_changed = True
            update.authors.set(authors)
        for name, value in fields.items():
            setattr(update, name, value)
        if content_changed:
            update.edited_at = now
        update.sequence = coverage.sequence
        update.save()
        _republished(page, now)
        event = update_event(_reloaded(update))
        _after_commit(page, event)
    return update


def delete(update, user):
    """Gone for readers everywhere, including pages already open; the row stays as a tombstone."""
    now = timezone.now()
    page = update.page
    with transaction.atomic():
        coverage = _take_number(page)
        coverage.save()
        update = LiveUpdate.objects.select_for_update().get(pk=update.pk)
        update.deleted_at = update.deleted_at or now
        update.pinned = False
        update.sequence = coverage.sequence
        update.save()
        _republished(page, now)
        _after_commit(page, update_event(update))
    return update


def set_state(page, state, user=None, idle_before=None):
    """Start, end or reopen the coverage. Ending stops every reader's stream and polling.

    With `idle_before`, only if nothing was posted since then (the worker's
    idle ending: a reporter may post between its query and this lock).
    """
    now = timezone.now()
    with transaction.atomic():
        coverage = _take_number(page)
        last = coverage.last_update_at
        idle = idle_before is None or last is None or last < idle_before
        if coverage.state == state or not idle:
            return coverage  # nothing changes; the number is not used
        coverage.state = state
        if state == Coverage.LIVE:
            coverage.started_at = coverage.started_at or now
            coverage.ended_at = None
            coverage.last_update_at = now  # the idle clock starts again
        elif state == Coverage.ENDED:
            coverage.ended_at = now
        coverage.save()
        _republished(page, now)
        _after_commit(page, state_event(coverage))
    return coverage


def _reloaded(update):
    """The update with what its template shows (authors, image renditions)."""
    return LiveUpdate.objects.for_display().select_related("page").get(pk=update.pk)


# --- Telling the stream processes -----------------------------------------------


def publish(page_id, event):
    """Send one change to every stream process (caching.broadcast's notices, on our channel).

    When Redis is not there the change is committed all the same: the stream
    processes find it by its number (their sweep), and pollers read it from
    the database.
    """
    message = json.dumps({"page": page_id, "event": event}, separators=(",", ":"))
    return broadcast.publish(CHANNEL, message)
