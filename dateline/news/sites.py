"""Which Wagtail site a request is for, and its section menu, remembered per process.

Wagtail looks the site up in the database on every request (one query with a
ranking expression that costs more to build than to run), and every page
shows the same section menu (another query). Both change only when an
administrator edits the sites, or a section is published, unpublished,
renamed, moved, deleted or made private: each of those calls
`site_memo.changed()` (signals below, purging.py), and every process looks
both up again (dateline/caching/memo.py). They are remembered by host and
port, as Wagtail finds sites.

Each request gets its own copy, so nothing a request hangs on the site or its
root page (Wagtail caches `.specific` on the instance) outlives the request.
"""

import copy

from django.conf import settings
from django.db.models.signals import post_delete, post_save
from wagtail import views as wagtail_views
from wagtail.models import PageViewRestriction, Site

from dateline.adapters.django import raw_host
from dateline.adapters.wagtail import find_site, has_request_site, set_request_site
from dateline.caching.memo import ProcessMemo

from .context_processors import menu_sections
from .routing import RoutesInOneQueryMixin


def _site_and_menu(host_and_port, request):
    site = with_typed_root(find_site(request))
    sections = list(menu_sections(site)) if site is not None else []
    return site, sections


site_memo = ProcessMemo(
    "site", _site_and_menu, max_age=settings.DATELINE_MEMO_SECONDS, max_entries=64
)


def remembered(request):
    """A copy of (the request's site, its menu sections) as last looked up."""
    site, sections = site_memo.get((raw_host(request), request.get_port()), request)
    return _copy_for_request(site, sections)


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


def _site_changed(**kwargs):
    site_memo.changed()


# Sites themselves, and privacy (a private section leaves the menu); a
# section's own changes are in purging.py, with the purge they cause.
for _model in (Site, PageViewRestriction):
    post_save.connect(_site_changed, sender=_model, dispatch_uid=f"site-memo-save-{_model}")
    post_delete.connect(_site_changed, sender=_model, dispatch_uid=f"site-memo-delete-{_model}")


class RememberedSiteMiddleware:
    """Answer Wagtail's `Site.find_for_request` from the memo, for page views.

    Only for Wagtail's page view, where every request needs the site: the
    health checks and media files must not touch the database at all, and
    other views look the site up once, as before.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        wanted = view_func is wagtail_views.serve and site_memo.max_age > 0
        if wanted and not has_request_site(request):
            site, request.dateline_menu_sections = remembered(request)
            set_request_site(request, site)
