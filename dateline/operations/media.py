"""Serving uploaded media in the embedded run, so that no upload is ever taken for a web page.

Only image types Dateline accepts are served inline, with their own type;
anything else in the media folder (a file put there by hand, a future upload
type) is sent as a download. Every response forbids type sniffing and carries
a sandboxing CSP, so even a mislabelled file cannot run script on this origin.
nginx does the same in production (docs/reliability-and-security.md).
"""

from django.views.static import serve

INLINE_TYPES = {
    ".avif": "image/avif",
    ".gif": "image/gif",
    ".jpeg": "image/jpeg",
    ".jpg": "image/jpeg",
    ".png": "image/png",
    ".webp": "image/webp",
}
MEDIA_CSP = "default-src 'none'; img-src 'self'; sandbox"


def serve_media(request, path, document_root):
    response = serve(request, path, document_root=document_root)
    suffix = "." + path.rsplit(".", 1)[-1].lower() if "." in path else ""
    if suffix in INLINE_TYPES:
        response["Content-Type"] = INLINE_TYPES[suffix]
    else:
        response["Content-Type"] = "application/octet-stream"
        response["Content-Disposition"] = "attachment"
    response.headers.pop("Content-Encoding", None)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = MEDIA_CSP
    return response
