from django.conf import settings
from wagtail.models import Site

from .models import SectionPage


def site_chrome(request):
    """What every reader page's header and footer need: the site name and its sections."""
    site = Site.find_for_request(request)
    sections = []
    if site is not None:
        sections = (
            SectionPage.objects.child_of(site.root_page).live().public().only("title", "url_path")
        )
    return {
        "site_name": (site.site_name if site and site.site_name else settings.WAGTAIL_SITE_NAME),
        "nav_sections": sections,
    }
