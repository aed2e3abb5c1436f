"""Warming: pages rendered before readers ask for them.

Two moments make pages cold:
- **a change**: publishing, a correction, an approved comment, a site or menu
  edit purges the paths that show it (purge.py). Each purge also queues those
  paths here (the most read first), and the worker renders them (`warm_job`,
  registered with `operations.worker.register_job`), a moment after the
  commit. Readers meanwhile get the previous copy: the page cache serves it
  as STALE, and with `refresh_in_background` the first of them starts the
  render beside the requests (refresh.py); whichever comes first renders, the
  render lock makes it one render per change.
- **a deploy**: copies are keyed by release, so a new release has none. The
  first worker of a release queues `pages_to_warm` (the front and sections,
  then the pages readers had rendered most recently, then the most recently
  published), behind any change's paths; `dateline warm` does the same
  at once, with progress. Readers meanwhile get the previous release's copy
  (middleware.py).

A warming render is a request like a reader's, through Django's whole
handler (the test client, in process), for each scheme and host readers use
(warm_queue.origins, or BASE_URL): the page cache stores its copy and writes
its page file exactly as for a reader. Its requests carry WARM_REQUEST, so
they render in the request instead of handing the render on.
"""

import logging
import time
from collections import Counter

from django.conf import settings
from django.http.request import validate_host
from django.test import Client
from wagtail.models import Page

from . import keys, warm_queue
from .middleware import PRIME_REQUEST, WARM_REQUEST
from .policy import PageCachePolicy

logger = logging.getLogger("dateline.caching")

# How long one worker turn renders queued paths before the worker moves on.
TURN_SECONDS = 2.0
# Nearest the root: the front page (depth 2) and its sections (depth 3).
SECTION_DEPTH = 3


def is_enabled(policy=None):
    policy = policy or PageCachePolicy.from_settings()
    return policy.enabled and policy.warm


# Queueing, from purges


def on_purge(paths):
    """A purge listener (purge.register_purge_listener): queue what it marked.
    `paths` is None for a whole-site purge."""
    policy = PageCachePolicy.from_settings()
    if not is_enabled(policy):
        return
    paths = pages_to_warm(policy.warm_after_deploy) if paths is None else by_recent_reads(paths)
    warm_queue.enqueue(paths)


def by_recent_reads(paths):
    """`paths`, those readers had rendered most recently first; the rest keep their order."""
    paths = list(paths)
    reads = warm_queue.last_reads(paths)
    return sorted(paths, key=lambda path: -reads.get(path, 0))


def pages_to_warm(limit=None):
    """Up to `limit` paths (None: every public page), the most useful first: the
    front and the sections, the paths readers had rendered most recently (tags,
    authors and feeds among them), then the newest pages."""
    pages = Page.objects.live().public().filter(depth__gt=1)
    top = _paths(pages.filter(depth__lte=SECTION_DEPTH).order_by("depth", "path"))
    newest = _paths(
        pages.filter(depth__gt=SECTION_DEPTH).order_by("-first_published_at", "-pk")[:limit]
    )
    read = warm_queue.recently_read(limit or warm_queue.READS_KEPT)
    return list(dict.fromkeys([*top, *read, *newest]))[:limit]


def _paths(pages):
    paths = []
    for page in pages:
        parts = page.get_url_parts()
        if parts is not None and parts[2]:
            paths.append(parts[2])
    return paths


# Rendering


def reader_origins(policy=None):
    """The scheme://host origins to render for: those readers used while a copy
    made then could still be served, and BASE_URL."""
    policy = policy or PageCachePolicy.from_settings()
    found = warm_queue.origins(since=time.time() - policy.entry_lifetime)
    base = getattr(settings, "BASE_URL", "")
    if base and base not in found:
        found.append(base)
    return found


class Renderer:
    """Renders paths as an anonymous reader's requests would. Each renderer
    loads the middleware anew, so it follows the settings of the moment."""

    def __init__(self):
        self._client = Client(raise_request_exception=False)

    def render(self, path, origin):
        """The page cache's outcome for `path` at `origin`: MISS (rendered now),
        HIT (already fresh), STALE (another request is rendering it), or the
        status code when the page is not cached (a redirect, an error)."""
        scheme, _, host = origin.partition("://")
        response = self._client.get(
            path, HTTP_HOST=host, secure=scheme == "https", **{WARM_REQUEST: True}
        )
        return response.get("X-Cache") or str(response.status_code)


def render_paths(paths, origins, on_page=None, renderer=None):
    """Render each of `paths` for each origin; `on_page(path, outcomes)` after each.
    Returns a Counter of the outcomes (see Renderer.render; "error" for a failure)."""
    renderer = renderer or Renderer()
    counts = Counter()
    for path in paths:
        outcomes = []
        for origin in origins:
            try:
                outcomes.append(renderer.render(path, origin))
            except Exception:  # one broken page must not stop the rest
                logger.exception("warming %s%s failed", origin, path)
                outcomes.append("error")
        counts.update(outcomes)
        if on_page is not None:
            on_page(path, outcomes)
    return counts


# Priming a process


def prime_process():
    """Render one page of each kind (the front, a section, the newest article, an
    author...) once in this process, storing nothing, before it serves or warms;
    the status of each path ({} when no host is allowed to render for).

    A process's first render of a kind of page loads its templates, template tags
    and rich text handlers: the demo article's first render in a new process took
    229 ms, its second 4 ms. Without this, that cost falls on the first reader
    after a purge or a deploy who reaches a new process, and readers of a purged
    page get the old copy meanwhile (3.1 s on a loaded CI machine).
    """
    origin = _prime_origin()
    if origin is None:
        return {}
    scheme, _, host = origin.partition("://")
    client = Client(raise_request_exception=False)
    started = time.monotonic()
    statuses = {}
    for path in _paths(one_page_of_each_kind()):
        try:
            response = client.get(
                path, HTTP_HOST=host, secure=scheme == "https", **{PRIME_REQUEST: True}
            )
            statuses[path] = response.status_code
        except Exception:  # priming is an optimisation: a failure must not stop a start
            logger.exception("priming with %s failed", path)
            statuses[path] = "error"
    logger.info("primed %d pages in %.0f ms", len(statuses), (time.monotonic() - started) * 1000)
    return statuses


def one_page_of_each_kind():
    """The newest live public page of each page type, nearest the root first."""
    pages = Page.objects.live().public().filter(depth__gt=1)
    kinds = pages.order_by().values_list("content_type", flat=True).distinct()
    newest = [
        pages.filter(content_type=kind).order_by("-first_published_at", "-pk").first()
        for kind in kinds
    ]
    return sorted((page for page in newest if page), key=lambda page: (page.depth, page.path))


def _prime_origin():
    """An origin readers use, else one ALLOWED_HOSTS accepts: any host reaches the
    default site, and priming needs only a render, not a particular copy."""
    origins = reader_origins()
    if origins:
        return origins[0]
    scheme = "https" if getattr(settings, "SECURE_SSL_REDIRECT", False) else "http"
    for host in [*settings.ALLOWED_HOSTS, "localhost"]:
        host = host.lstrip(".")
        if host and host != "*" and validate_host(host, settings.ALLOWED_HOSTS):
            return f"{scheme}://{host}"
    return None


# The worker's part


_release_checked = set()
_primed = []  # this worker process has primed itself (its first turn)


def queue_new_release(policy):
    """The first worker of a new release queues its pages (after any change's)."""
    release = keys.release()
    if release in _release_checked:
        return False
    _release_checked.add(release)
    if not warm_queue.claim_release_warm(release):
        return False
    paths = pages_to_warm(policy.warm_after_deploy)
    warm_queue.enqueue(paths, after_changes=True)
    logger.info("release %s: %d pages queued for warming", release, len(paths))
    return True


def warm_job(worker):
    """A worker job: render queued paths for up to TURN_SECONDS; how many it took."""
    policy = PageCachePolicy.from_settings()
    if not is_enabled(policy):
        return 0
    if not _primed:
        _primed.append(prime_process())
    queue_new_release(policy)
    taken = 0
    origins = None
    renderer = None
    deadline = time.monotonic() + TURN_SECONDS
    while time.monotonic() < deadline:
        paths = warm_queue.pop(1)
        if not paths:
            break
        origins = origins or reader_origins(policy)
        if not origins:
            break  # nobody has read the site yet: nothing is cold for anyone
        renderer = renderer or Renderer()
        render_paths(paths, origins, renderer=renderer)
        taken += 1
    return taken
