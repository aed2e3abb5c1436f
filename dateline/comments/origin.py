"""Cross-site request checks for the comment form, which carries no CSRF cookie.

The article page is cached and shared, so it cannot hold a per-reader CSRF
token. Instead a post must come from this site: the browser's Origin header
(sent with every cross-site POST by current browsers), or failing that its
Referer, or Sec-Fetch-Site, must name this site. The commenter cookie is
SameSite=Lax as well, so a forged cross-site post never carries it.
"""

from urllib.parse import urlsplit

from django.conf import settings


def _allowed_origins(request):
    own = f"{request.scheme}://{request.get_host()}"
    allowed = {own}
    allowed.update(o.rstrip("/") for o in settings.CSRF_TRUSTED_ORIGINS)
    if settings.BASE_URL:
        parts = urlsplit(settings.BASE_URL)
        allowed.add(f"{parts.scheme}://{parts.netloc}")
    return allowed


def cross_site_reason(request):
    """Why this request looks cross-site, or "" when it comes from our own pages."""
    fetch_site = request.headers.get("Sec-Fetch-Site")
    if fetch_site and fetch_site not in {"same-origin", "none"}:
        return "This form can only be sent from this site's own pages."
    origin = request.headers.get("Origin")
    if origin and origin != "null":
        if origin.rstrip("/") not in _allowed_origins(request):
            return "This form can only be sent from this site's own pages."
        return ""
    referer = request.headers.get("Referer")
    if referer:
        parts = urlsplit(referer)
        if f"{parts.scheme}://{parts.netloc}" not in _allowed_origins(request):
            return "This form can only be sent from this site's own pages."
        return ""
    if origin == "null" or request.is_secure():
        # A privacy-stripped request over HTTPS: refuse, as Django's CSRF check does.
        return "Your browser did not say which page sent this form; please post from the article."
    return ""
