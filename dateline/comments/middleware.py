"""Keeps the article page cacheable: only the variant that shows a reader their
own just-posted comment (?posted=...) is marked private and never stored."""

from django.utils.cache import add_never_cache_headers, patch_cache_control


class PrivateCommentViewMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if getattr(request, "shows_private_comment", False) or "posted" in request.GET:
            add_never_cache_headers(response)
            patch_cache_control(response, private=True)
        return response
