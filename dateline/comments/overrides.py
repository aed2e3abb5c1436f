"""Comment policy overrides as article pages read them: remembered per process.

Every article page says whether comments are open, which depends on the
overrides on the article, its section and the front page. Those change only
when an editor saves or deletes one (or moves a page that has one), so each
process keeps all of them by page path in a memo (dateline/caching/memo.py)
that every process loads again after such a change (signals.py). Posting a
comment reads the database itself, so a closure applies to the very next post.
"""

from django.conf import settings
from django.db.models import F

from dateline.caching.memo import ProcessMemo

from .models import CommentPolicyOverride


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


def load_overrides(paths=None):
    """{page path: values} for every override, or only for the pages at `paths`."""
    overrides = CommentPolicyOverride.objects.annotate(page_path=F("page__path"))
    if paths is not None:
        overrides = overrides.filter(page__path__in=paths)
    return {override.page_path: override_values(override) for override in overrides}


remembered = ProcessMemo(
    "comment-policy-overrides",
    lambda _key: load_overrides(),
    max_age=settings.DATELINE_MEMO_SECONDS,
    max_entries=1,
)


def along(paths, fresh=False):
    """The values of the overrides on these pages (front page first), in path order."""
    found = load_overrides(paths) if fresh else remembered.get()
    return [found[path] for path in paths if path in found]
