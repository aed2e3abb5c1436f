"""What readers' pages ask for besides the page: the poll document, and the stream's stand-in."""

from django.http import Http404, HttpResponse, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from . import changes


@require_safe
def updates(request, page_id):
    """The poll document (changes.document): cached, and purged with the page.

    Without a query string it is the same for every reader, so nginx sends
    it as a file (caching/files.py) between two changes; `?since=<n>` asks for
    every change after a reader's cursor when the latest ones do not reach it.
    """
    page = changes.readable_page(page_id)
    if page is None:
        raise Http404("No such live page")
    since = request.GET.get("since")
    if since is not None and (not since.isdigit() or len(since) > 18):
        raise Http404("No such change")
    document = changes.document(page, int(since) if since is not None else None)
    return JsonResponse(document, json_dumps_params={"separators": (",", ":")})


@never_cache
def no_stream(request, page_id):
    """Where the stream is not served (no `dateline live-stream` in front): 204.

    A browser's EventSource stops at a 204 instead of retrying, and the
    page's script polls the document above instead.
    """
    return HttpResponse(status=204, headers={"X-Live-Stream": "absent"})
