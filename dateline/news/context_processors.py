from django.conf import settings
from django.db.models import Exists, F, OuterRef
from django.db.models.lookups import StartsWith
from wagtail.models import PageViewRestriction, Site

from .models import SectionPage


def site_chrome(request):
    """What every reader page's header and footer need: the site name and its sections."""
    site = Site.find_for_request(request)
    sections = []
    if site is not None:
        # Wagtail's `.public()` first loads every view restriction, then
        # filters: two queries. The same rule (no restriction on the section
        # or above it) as one query.
        restricted = PageViewRestriction.objects.filter(
            StartsWith(OuterRef("path"), F("page__path"))
        )
        sections = (
            SectionPage.objects.child_of(site.root_page)
            .live()
            .filter(~Exists(restricted))
            .only("title", "url_path")
        )
    return {
        "site_name": (site.site_name if site and site.site_name else settings.WAGTAIL_SITE_NAME),
        "nav_sections": sections,
    }
