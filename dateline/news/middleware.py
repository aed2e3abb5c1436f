"""Headers every reader page carries."""

from django.conf import settings

# Reader pages load nothing from other hosts and run no inline script or
# style, so the policy can be strict. The Wagtail admin has its own needs and
# is left to Wagtail.
READER_CSP = "; ".join(
    [
        "default-src 'self'",
        "img-src 'self' data:",
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
