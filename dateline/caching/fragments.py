"""Rendered fragments of a page, kept by what makes them what they are.

An article's HTML is its published revision rendered by this release's
templates, for one site address, with the images' renditions of the moment.
A fragment (its metadata, the article itself, its comments) is stored under
a key made of exactly those immutable things:

- the release (keys.release(): a deploy changes every key),
- the scheme and host (canonical and share links carry them),
- the fragment's name and the values its template varies on (the page and
  its live revision id: a publish is a new key),

and it is used only while the versions it depended on when it was rendered
still stand. Those are values in the shared cache, read once per request:

- the purge markers of the page's path and of the whole site: whatever
  purges the page (a comment approved, an author renamed, a section or the
  site edited, a privacy change) also retires its fragments; this is the
  comment list's version;
- one version per image shown (`image_key`), changed when the image is saved
  or its renditions deleted (caching/signals.py), which purges nothing.

A fragment is never used or stored for a request whose page is one reader's
own: a preview, a signed-in editor (a session cookie or credentials), a
private query parameter (caching.policy), or anything but GET and HEAD. It
lives at most `fresh_seconds`, as a page in the page cache does, and the page
cache dates a page by its oldest fragment (`content_since`), so a change that
purges nothing still shows within that bound.
"""

import hashlib
import time
import uuid
from contextvars import ContextVar

from django.conf import settings
from django.core.cache import caches
from django.utils.safestring import mark_safe

from . import keys, memo
from .policy import PageCachePolicy

ALIAS = "fragments"
PREFIX = "fragment"
# The request attribute the page cache reads: when the oldest fragment used was rendered.
CONTENT_SINCE = "dateline_content_since"

# The dependencies each fragment being rendered records (innermost last).
_recording = ContextVar("dateline_fragment_recording", default=())


VERSION_PREFIX = f"{PREFIX}:version:"


def image_key(image_id):
    """The version of an image's renditions, which every fragment showing it depends on."""
    return f"{VERSION_PREFIX}image:{image_id}"


def change_image(image_id):
    """The image or its renditions changed: fragments showing it are rendered again."""
    caches["default"].set(image_key(image_id), uuid.uuid4().hex, None)


def depends_on(*version_keys):
    """Record that the fragments being rendered show what these versions stand for.

    Version keys are this module's (`image_key`), never purge markers."""
    for recorded in _recording.get():
        recorded.update(version_keys)


def _policy(request):
    # Read once per request: settings do not change within one.
    found = request.__dict__.get("_dateline_fragment_policy")
    if found is None:
        found = request._dateline_fragment_policy = PageCachePolicy.from_settings()
    return found


def _store():
    return caches[ALIAS if ALIAS in settings.CACHES else "default"]


def usable(request):
    """Whether this request may be served fragments rendered for other readers."""
    if request is None or request.method not in ("GET", "HEAD"):
        return False
    current = _policy(request)
    if not current.fragments:
        return False
    if getattr(request, "is_preview", False) or getattr(request, "is_dummy", False):
        return False
    if settings.SESSION_COOKIE_NAME in request.COOKIES or "HTTP_AUTHORIZATION" in request.META:
        return False
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return False
    return not current.is_private(request)


def fragment_key(request, name, vary_on):
    text = "\x1f".join([request.scheme, request.get_host(), name, *map(str, vary_on)])
    digest = hashlib.blake2b(text.encode(), digest_size=16).hexdigest()
    return f"{PREFIX}:{keys.release()}:{digest}"


def _versions(request, wanted):
    """The current value of each version key, read at most once per request."""
    known = request.__dict__.setdefault("_dateline_fragment_versions", {})
    missing = [key for key in wanted if key not in known]
    if missing:
        found = caches["default"].get_many(missing)
        for key in missing:
            known[key] = found.get(key)
    return {key: known[key] for key in wanted}


def _stamped(request, wanted):
    """Like `_versions`, but a version nobody set yet (or evicted) is set now.

    A fragment must not record "never set": one rendered before an eviction
    would match it again afterwards. (Purge markers may read as unset: a
    marker outlives every fragment rendered before it was set, as both live
    `entry_lifetime` or less.)
    """
    values = _versions(request, wanted)
    unset = [key for key, value in values.items() if value is None]
    if unset:
        cache = caches["default"]
        for key in unset:
            cache.add(key, uuid.uuid4().hex, None)
        found = cache.get_many(unset)
        known = request._dateline_fragment_versions
        for key in unset:
            known[key] = values[key] = found.get(key)
    return values


def cached(request, name, vary_on, page_path, render):
    """The fragment `name` for these `vary_on` values: stored, or `render()` now.

    `page_path` is the public path of the page it belongs to (its purge marker
    is a version the fragment depends on). `render()` returns the HTML.
    """
    if not usable(request):
        return render()
    key = fragment_key(request, name, vary_on)
    store = _store()
    entry = store.get(key)
    if entry is not None:
        html, rendered_at, versions = entry
        if _versions(request, list(versions)) == versions:
            _note_content_since(request, rendered_at)
            depends_on(*(k for k in versions if k.startswith(VERSION_PREFIX)))
            return mark_safe(html)  # noqa: S308 - our own render, stored as it was
    started = time.time()
    # The markers are read before the render: a purge landing during it
    # makes the stored fragment out of date at once, never current.
    versions = _versions(request, [keys.path_marker(page_path), keys.SITE_MARKER])
    memo_changes = memo.changes_seen()
    recorded = set()
    token = _recording.set((*_recording.get(), recorded))
    try:
        html = render()
    finally:
        _recording.reset(token)
    # A memo the render read may have changed before its notice arrived (memo.py).
    if memo.changes_seen() == memo_changes:
        versions.update(_stamped(request, sorted(recorded)))
        if all(value is not None for key, value in versions.items() if key in recorded):
            store.set(key, (str(html), started, versions), _policy(request).fresh_seconds)
    # A fragment rendered inside another shows what the outer one shows.
    depends_on(*recorded)
    return html


def _note_content_since(request, rendered_at):
    since = getattr(request, CONTENT_SINCE, None)
    if since is None or rendered_at < since:
        setattr(request, CONTENT_SINCE, rendered_at)


def remembered(request, name, vary_on, load):
    """`load()`'s value, kept until the page it found is purged: `load()` gives (value, path).

    For what a page's render fetches before any fragment (the page found for
    an address, news/routing.py). The rule is the page cache's own: the value
    is used while it is younger than `fresh_seconds` and was fetched after the
    last purge of its page's path and of the site, so it is never older than
    a cached page could be. Only for requests that may be served fragments.
    """
    if not usable(request):
        return load()[0]
    key = fragment_key(request, name, vary_on)
    store = _store()
    entry = store.get(key)
    if entry is not None:
        value, path, fetched_at = entry
        markers = _versions(request, [keys.path_marker(path), keys.SITE_MARKER])
        if all((marker or 0) < fetched_at for marker in markers.values()):
            _note_content_since(request, fetched_at)
            return value
    started = time.time()
    memo_changes = memo.changes_seen()
    value, path = load()
    # No path: nothing found that a purge would tell about; not kept.
    if path is not None and memo.changes_seen() == memo_changes:
        store.set(key, (value, path, started), _policy(request).fresh_seconds)
    return value
