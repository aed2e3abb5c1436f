"""Conditional GET and cache headers for feeds and sitemaps.

Feed readers and crawlers poll; when nothing was published since their last
visit they get a 304 with no body, decided from one cheap aggregate query
before the feed or sitemap is built.
"""

from django.utils.cache import get_conditional_response, patch_cache_control
from django.utils.http import http_date


def respond(request, freshness, etag_variant, build, max_age):
    """A 304 if the client's copy is current, else `build()`; both with validators."""
    etag = freshness.etag(*etag_variant)
    last_modified = int(freshness.newest.timestamp()) if freshness.newest else None
    response = get_conditional_response(request, etag=etag, last_modified=last_modified)
    if response is None:
        response = build()
    if response.status_code in (200, 304):
        response.headers["ETag"] = etag
        if last_modified is not None:
            response.headers["Last-Modified"] = http_date(last_modified)
        patch_cache_control(response, public=True, max_age=max_age)
    return response
