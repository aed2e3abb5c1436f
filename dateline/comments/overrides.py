"""Comment policy overrides as article pages read them: remembered per process.

Every article page says whether comments are open, which depends on the
overrides on the article, its section and the front page. Those change only
when an editor saves or deletes one (or moves a page that has one), so each
process keeps all of them by page path and loads them again when that
happens: at once in the process that made the change, on the next page in
the others (the change moves a stamp in the shared cache), and after
RELOAD_SECONDS whatever happens (the stamp cannot be read while the cache is
down). Posting a comment reads the database itself, so a closure applies to
the very next post.
"""

import threading
import time

from django.core.cache import cache
from django.db.models import F

from .models import CommentPolicyOverride

STAMP_KEY = "comments:policy-overrides-stamp"
RELOAD_SECONDS = 10


def override_values(override):
    """The fields an override sets (empty ones inherit from above)."""
    values = {}
    for name in (
        "comments_open",
        "premoderate_all",
        "verify_first_time",
        "hold_link_count",
        "close_after_days",
    ):
        value = getattr(override, name)
        if value is not None:
            values[name] = value
    words = tuple(w.strip() for w in override.disallowed_words.splitlines() if w.strip())
    if words:
        values["disallowed_words"] = words
    if override.disallowed_action:
        values["disallowed_action"] = override.disallowed_action
    return values


def _load(paths=None):
    """{page path: values} for every override, or only for the pages at `paths`."""
    overrides = CommentPolicyOverride.objects.annotate(page_path=F("page__path"))
    if paths is not None:
        overrides = overrides.filter(page__path__in=paths)
    return {override.page_path: override_values(override) for override in overrides}


class RememberedOverrides:
    def __init__(self):
        self._loaded = None  # (stamp, reload after, {path: values})
        self._lock = threading.Lock()

    def by_path(self):
        # The stamp is read before the rows: a change committed in between
        # moves it again, and the next page loads them afresh.
        stamp = cache.get(STAMP_KEY)
        loaded = self._loaded
        if loaded is None or loaded[0] != stamp or loaded[1] <= time.monotonic():
            loaded = (stamp, time.monotonic() + RELOAD_SECONDS, _load())
            with self._lock:
                self._loaded = loaded
        return loaded[2]

    def forget(self):
        with self._lock:
            self._loaded = None


remembered = RememberedOverrides()


def along(paths, fresh=False):
    """The values of the overrides on these pages (front page first), in path order."""
    found = _load(paths) if fresh else remembered.by_path()
    return [found[path] for path in paths if path in found]


def move_stamp():
    """After a change to the overrides (or to their pages' paths) is committed."""
    cache.set(STAMP_KEY, time.time_ns(), None)
