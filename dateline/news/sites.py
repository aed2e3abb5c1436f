"""Which Wagtail site a request is for, and its section menu, remembered per process.

Wagtail looks the site up in the database on every request (one query with a
ranking expression that costs more to build than to run), and every page
shows the same section menu (another query). Both change only when an
administrator edits the sites, or a section is published, unpublished, moved,
deleted or made private, and each of those purges every cached page, which
moves the cache's site-wide purge marker. So each process remembers both by
host and port: forgotten at once in the process that saved a site (the
signals below), on the next request in the others (the marker has moved),
and after SITE_MEMO_SECONDS whatever happens (the marker cannot be read while
Redis is down).

Each request gets its own copy, so nothing a request hangs on the site or its
root page (Wagtail caches `.specific` on the instance) outlives the request.
"""

import copy
import threading
import time

from django.conf import settings
from django.db.models.signals import post_delete, post_save
from wagtail import views as wagtail_views
from wagtail.models import Site

from dateline.caching import keys
from dateline.caching.middleware import cache_backend

from .context_processors import menu_sections
from .routing import RoutesInOneQueryMixin

# Host headers come from clients; the memo never grows past this many.
MAX_HOSTS = 64


class SiteMemo:
    def __init__(self, seconds):
        self.seconds = seconds
        self._entries = {}
        self._lock = threading.Lock()

    def site_for(self, request):
        return self.remembered(request)[0]

    def remembered(self, request):
        """A copy of (the request's site, its menu sections) as last looked up."""
        key = (request._get_raw_host(), request.get_port())
        now = time.monotonic()
        # Editing a site purges every page (caching/signals.py), which moves
        # the site-wide purge marker: every process sees that on its next
        # request. Read before the lookup, so an edit in between is seen next time.
        marker = cache_backend().get(keys.SITE_MARKER)
        entry = self._entries.get(key)
        if entry is None or entry[0] <= now or entry[1] != marker:
            site = with_typed_root(Site._find_for_request(request))
            sections = list(menu_sections(site)) if site is not None else []
            entry = (now + self.seconds, marker, (site, sections))
            with self._lock:
                if len(self._entries) >= MAX_HOSTS:
                    self._entries = {}
                self._entries[key] = entry
        return _copy_for_request(*entry[2])

    def forget(self, **kwargs):
        with self._lock:
            self._entries = {}


def _copy_for_request(site, sections):
    # One level deep is deep enough: what a request hangs on these objects
    # (Wagtail's cached `.specific`, a cached parent) lands on its own copy.
    # Django copies a model instance with its own state and related-object
    # cache. A deep copy cost about a millisecond a page.
    if site is None:
        return None, []
    site = copy.copy(site)
    site.root_page = copy.copy(site.root_page)
    return site, [copy.copy(section) for section in sections]


def with_typed_root(site):
    """The site, its root page already of its own type, without another query.

    Wagtail asks for `site.root_page.specific` on every page view: one query
    for the front page's own fields, which routing below it never reads. A
    root whose type routes in one query (news/routing.py) is given as its
    type with only the tree fields loaded; it loads the rest itself when the
    front page is the page asked for.
    """
    if site is None:
        return None
    model = site.root_page.specific_class
    if model is not None and issubclass(model, RoutesInOneQueryMixin):
        site.root_page = site.root_page.specific_deferred
    return site


memo = SiteMemo(settings.DATELINE_SITE_MEMO_SECONDS)
post_save.connect(memo.forget, sender=Site, dispatch_uid="site-memo-save")
post_delete.connect(memo.forget, sender=Site, dispatch_uid="site-memo-delete")


class RememberedSiteMiddleware:
    """Answer Wagtail's `Site.find_for_request` from the memo, for page views.

    Wagtail keeps the site it finds on `request._wagtail_site`; setting it
    first is the documented effect of its own lookup, so nothing else changes.
    Only for Wagtail's page view, where every request needs the site: the
    health checks and media files must not touch the database at all, and
    other views look the site up once, as before.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        wanted = view_func is wagtail_views.serve and memo.seconds > 0
        if wanted and not hasattr(request, "_wagtail_site"):
            request._wagtail_site, request.dateline_menu_sections = memo.remembered(request)
