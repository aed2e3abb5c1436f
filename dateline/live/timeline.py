"""Which updates a live page shows: the newest, or a window further down.

A live page can run to hundreds of updates, so it sends one page of them
(`page_size`, newest first); older ones are paged by cursor (`?before=<id>`:
the updates just older than that one), which stays put while new updates
arrive, unlike page numbers. An update's permalink (`?update=<id>`) opens the
window that starts at that update, however far down it is, with a link to
the newer ones (`?after=<id>`). Every window is a query variant of the page's
own address, so the page's purge reaches all of them.

The sequence number is read before the updates: a change committed in
between is then in the page *and* after its cursor, and the reader's script
applies it once (it keeps each update's number), while reading it after
could miss one.
"""

from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Q
from django.http import Http404

from .models import Coverage, LiveUpdate


def _cursor(request, name):
    raw = request.GET.get(name)
    if raw is None:
        return None
    if not raw.isdigit() or len(raw) > 18:
        raise Http404("No such update")
    return int(raw)


@dataclass
class Timeline:
    page: object
    coverage: Coverage
    updates: list
    highlights: list = field(default_factory=list)  # key events and pins, newest first
    is_head: bool = True
    newer_cursor: int | None = None  # ?after= for the updates above this window
    older_cursor: int | None = None  # ?before= for the updates below it
    focus: int | None = None
    focus_missing: bool = False

    @property
    def sequence(self):
        return self.coverage.sequence

    @property
    def state(self):
        return self.coverage.state

    @property
    def is_live(self):
        return self.coverage.state == Coverage.LIVE

    @property
    def key_events(self):
        return [update for update in self.highlights if update.key_event]

    @property
    def pinned(self):
        return [update for update in self.highlights if update.pinned]

    @classmethod
    def for_request(cls, page, request):
        size = settings.DATELINE_LIVE["page_size"]
        coverage = page.coverage_state
        visible = LiveUpdate.objects.filter(page=page).visible().for_display()
        before, after, focus = (_cursor(request, n) for n in ("before", "after", "update"))
        timeline = cls(page=page, coverage=coverage, updates=[])
        if focus is not None:
            if visible.filter(pk=focus).exists():
                timeline._window_below(visible, size, focus, inclusive=True)
                timeline.focus = focus
            else:
                # Deleted since the link was shared: the newest updates instead.
                timeline.focus_missing = True
                timeline._window_below(visible, size, None)
        elif after is not None:
            rows = list(visible.filter(pk__gt=after).order_by("pk")[: size + 1])
            timeline.updates = rows[:size][::-1]
            timeline.is_head = len(rows) <= size
            timeline.newer_cursor = rows[size - 1].pk if not timeline.is_head else None
            timeline.older_cursor = after
        else:
            timeline._window_below(visible, size, before)
        timeline.highlights = list(
            visible.filter(Q(key_event=True) | Q(pinned=True)).order_by("-pk")
        )
        return timeline

    def _window_below(self, visible, size, cursor, inclusive=False):
        rows = visible.order_by("-pk")
        if cursor is not None:
            rows = rows.filter(pk__lte=cursor) if inclusive else rows.filter(pk__lt=cursor)
        rows = list(rows[: size + 1])
        self.updates = rows[:size]
        self.older_cursor = rows[size - 1].pk if len(rows) > size else None
        if cursor is not None and self.updates:
            newest = self.updates[0].pk
            self.is_head = not LiveUpdate.objects.filter(
                page=self.page, deleted_at__isnull=True, pk__gt=newest
            ).exists()
            self.newer_cursor = None if self.is_head else newest
