"""Health endpoints for load balancers, and error pages: an unreachable database,
a form too large to read."""

import sys

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.http import HttpResponseServerError, JsonResponse
from django.shortcuts import render
from django.template import loader
from django.template.defaultfilters import filesizeformat
from django.utils.cache import add_never_cache_headers
from django.views import defaults
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import requires_csrf_token

from .faults import is_database_unavailable, service_unavailable
from .health import readiness


@never_cache
def healthz(request):
    """Liveness: the process answers. Touches neither the database nor the cache,
    so a database outage does not make the orchestrator restart healthy processes."""
    return JsonResponse({"status": "ok"})


@never_cache
def readyz(request):
    status, checks = readiness()
    return JsonResponse(
        {"status": status, "checks": checks}, status=503 if status == "down" else 200
    )


@requires_csrf_token
def server_error(request):
    """Django's last resort (handler500): a database that went away while a
    middleware or the 404 page was using it is a 503 that says "try again",
    anything else the newsroom's 500 page."""
    error = sys.exc_info()[1]
    if is_database_unavailable(error):
        return service_unavailable(request)
    # Rendered without the request, so no context processor runs: the
    # database or the page tree may be why we are here.
    return HttpResponseServerError(loader.render_to_string("500.html"))


def bad_request(request, exception):
    """Django's handler400. A form larger than DATA_UPLOAD_MAX_MEMORY_SIZE (a
    comment pasted from a whole book, say) gets a page in the site's design that
    names the limit, as 413 Content Too Large, instead of a bare "Bad Request";
    every other bad request keeps Django's answer."""
    if isinstance(exception, RequestDataTooBig):
        response = render(
            request,
            "413.html",
            {"limit": filesizeformat(settings.DATA_UPLOAD_MAX_MEMORY_SIZE)},
            status=413,
        )
        add_never_cache_headers(response)
        return response
    return defaults.bad_request(request, exception)
