"""Which cached pages show the newsletters: /newsletters/, and every page with a form."""

from django.urls import reverse

from dateline.caching.purge import purge_paths, purge_site

from . import offered


def paths_showing_newsletters(page):
    # Articles and the front page carry the sign-up form, not the other way round:
    # a changed article changes nothing here.
    return []


def newsletters_changed():
    """A newsletter was added, changed or removed: the list and every form show it."""
    offered.remembered.changed()
    purge_paths([reverse("newsletters:list")])
    purge_site()
