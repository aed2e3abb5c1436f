"""Headers every reader page carries."""

from urllib.parse import urlsplit

from django.conf import settings


def media_origin():
    """The origin of media on another host (S3_MEDIA_URL: a bucket or a CDN), else None."""
    address = urlsplit(settings.MEDIA_URL)
    return f"{address.scheme}://{address.netloc}" if address.scheme and address.netloc else None


# Reader pages load nothing from other hosts but their media (on an object
# store or a CDN when S3_MEDIA_URL names one) and run no inline script or
# style, so the policy can be strict. The Wagtail admin has its own needs and
# is left to Wagtail.
READER_CSP = "; ".join(
    [
        "default-src 'self'",
        " ".join(filter(None, ["img-src 'self' data:", media_origin()])),
        "style-src 'self'",
        "script-src 'self'",
        "font-src 'self'",
        "connect-src 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
        "base-uri 'self'",
        "object-src 'none'",
    ]
)
# Wagtail's editor shows the preview (and runs its accessibility checker on
# it) in a frame on the admin's own origin.
PREVIEW_CSP = READER_CSP.replace("frame-ancestors 'none'", "frame-ancestors 'self'")
PERMISSIONS_POLICY = "camera=(), microphone=(), geolocation=(), interest-cohort=()"


class ReaderSecurityHeadersMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self.admin_prefix = "/" + settings.DATELINE_ADMIN_PATH

    def __call__(self, request):
        response = self.get_response(request)
        if not request.path.startswith(self.admin_prefix):
            # Previews are rendered through a dummy request for the page's own URL.
            policy = PREVIEW_CSP if getattr(request, "is_dummy", False) else READER_CSP
            response.headers.setdefault("Content-Security-Policy", policy)
            response.headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        return response
