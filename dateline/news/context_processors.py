from django.conf import settings
from django.db.models import Exists, F, OuterRef
from django.db.models.lookups import StartsWith
from wagtail.models import PageViewRestriction, Site

from .models import SectionPage


def menu_sections(site):
    """The sections in the site's menu: live, and not private, nor below a private page."""
    # Wagtail's `.public()` first loads every view restriction, then
    # filters: two queries. The same rule as one query.
    restricted = PageViewRestriction.objects.filter(StartsWith(OuterRef("path"), F("page__path")))
    return (
        SectionPage.objects.child_of(site.root_page)
        .live()
        .filter(~Exists(restricted))
        .only("title", "url_path")
    )


def site_chrome(request):
    """What every reader page's header and footer need: the site name and its sections."""
    site = Site.find_for_request(request)
    # On page views the site memo has them (news/sites.py); elsewhere, one query.
    sections = getattr(request, "dateline_menu_sections", None)
    if sections is None:
        sections = menu_sections(site) if site is not None else []
    return {
        "site_name": (site.site_name if site and site.site_name else settings.WAGTAIL_SITE_NAME),
        "nav_sections": sections,
    }
