"""Cold pages rendered by a pool of app processes of their own, behind nginx.

A crawler walking the archive asks for thousands of pages nobody has read in
the last hour: each one is a full render. Rendered in the processes that
answer hits, they would take those processes' threads and CPU from readers
of the pages already rendered. With `render_pool` set (PAGE_RENDER_POOL,
an internal location of deploy/nginx.conf), a request that would be a page's
first render is answered with an `X-Accel-Redirect` to that location: nginx
sends it, paced per client address, to a small pool of app processes that
runs at a lower CPU priority (`dateline serve --nice`), and the processes
that answer hits never run a cold render. Pages already in the cache (fresh
or stale) never take this detour, so a purge under load is rendered where it
was before, once.

nginx marks the requests it sends to the pool with a header (and clears it
on every other request), so the pool renders them instead of handing them on.
"""

from django.http import HttpResponse

# Set by deploy/nginx.conf on the requests it sends to the pool, and cleared
# from every request a client sends: nobody else can set it.
FROM_POOL_HEADER = "HTTP_X_DATELINE_RENDER_POOL"


def is_from_pool(request):
    return request.META.get(FROM_POOL_HEADER) == "1"


def hand_over(location):
    """An instruction for nginx: answer this request from the render pool at `location`.

    nginx never sends it on; it is marked private so that nothing could keep
    it if something did.
    """
    response = HttpResponse(b"", content_type="text/plain")
    response.headers["X-Accel-Redirect"] = location
    response.headers["Cache-Control"] = "private, no-store"
    return response
