"""One structured line per request, with a request id, and no personal data.

Logged: request id, method, path (never the query string, which can carry
emails, search terms or tokens), route name, status and duration. Not logged:
IP addresses, user agents, cookies, user names or emails. The request id is
taken from the proxy's X-Request-ID when it looks like one, so nginx's and
Dateline's lines can be joined, and is returned in the response.
"""

import json
import logging
import re
import time
import uuid

logger = logging.getLogger("dateline.requests")

REQUEST_ID_HEADER = "X-Request-ID"
_VALID_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{8,128}$")


def request_id_for(request):
    offered = request.headers.get(REQUEST_ID_HEADER, "")
    if _VALID_REQUEST_ID.match(offered):
        return offered
    return uuid.uuid4().hex


class RequestLogMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        started = time.monotonic()
        request.request_id = request_id_for(request)
        response = self.get_response(request)
        response[REQUEST_ID_HEADER] = request.request_id
        match = getattr(request, "resolver_match", None)
        logger.info(
            "%s %s %s",
            request.method,
            request.path,
            response.status_code,
            extra={
                "request_id": request.request_id,
                "method": request.method,
                "path": request.path,
                "route": match.view_name if match else None,
                "status": response.status_code,
                "duration_ms": round((time.monotonic() - started) * 1000, 1),
            },
        )
        return response


# Attributes every LogRecord has; anything else was passed in `extra`.
_STANDARD_ATTRIBUTES = set(vars(logging.makeLogRecord({}))) | {"message", "asctime"}
_PLAIN_VALUES = (str, int, float, bool, type(None))


class JsonFormatter(logging.Formatter):
    """Each record as one JSON object on one line, for log shippers."""

    def format(self, record):
        entry = {
            "time": self.formatTime(record, "%Y-%m-%dT%H:%M:%S") + f".{int(record.msecs):03d}Z",
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        for name, value in vars(record).items():
            # Only plain values: Django's own loggers pass the request object,
            # whose text includes the query string.
            if (
                name not in _STANDARD_ATTRIBUTES
                and not name.startswith("_")
                and isinstance(value, _PLAIN_VALUES)
            ):
                entry[name] = value
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, default=str, ensure_ascii=False)

    converter = time.gmtime
