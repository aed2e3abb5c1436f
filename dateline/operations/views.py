"""Health endpoints for load balancers, and the error page for an unreachable database."""

import sys

from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import requires_csrf_token

from dateline.news import views as news_views

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
    return news_views.server_error(request)
