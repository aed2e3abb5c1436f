"""Turning an unreachable database into a clear, retryable 503."""

import logging

from django.db import InterfaceError, OperationalError
from django.http import HttpResponse
from django.template.loader import render_to_string

logger = logging.getLogger(__name__)

# Seconds a reader's browser, or a crawler, is asked to wait before retrying.
RETRY_AFTER = 15


def is_database_unavailable(error):
    """Connection lost, refused or reset: errors that go away when the database is back."""
    return isinstance(error, OperationalError | InterfaceError)


def service_unavailable(request):
    # Rendered without the database, the page tree or the request context
    # processors: any of them may be what is down.
    body = render_to_string("operations/503.html", {"retry_after": RETRY_AFTER})
    response = HttpResponse(body, status=503)
    response["Retry-After"] = str(RETRY_AFTER)
    response["Cache-Control"] = "no-store"
    return response


class DatabaseUnavailableMiddleware:
    """A view that loses the database answers 503 with Retry-After, never a stack trace.

    Connections are re-checked at the start of each request (CONN_HEALTH_CHECKS),
    so the site recovers by itself once the database is back.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not is_database_unavailable(exception):
            return None
        logger.warning(
            "database unavailable: %s %s answered 503 (%s: %s)",
            request.method,
            request.path,
            type(exception).__name__,
            # The driver's first line says why (refused, reset, starting up).
            str(exception).strip().splitlines()[0][:200] if str(exception).strip() else "",
        )
        return service_unavailable(request)
