"""One structured line per request, with a request id, and no personal data.

Logged: request id, method, path (never the query string, which can carry
emails, search terms or tokens), route name, status and duration. Not logged:
IP addresses, user agents, cookies, user names or emails. The request id is
taken from the proxy's X-Request-ID when it looks like one, so nginx's and
Dateline's lines can be joined, and is returned in the response.
"""

import itertools
import json
import logging
import logging.handlers
import multiprocessing.util
import os
import queue
import re
import sys
import time
import uuid

from .background import PerProcess

logger = logging.getLogger("dateline.requests")

REQUEST_ID_HEADER = "X-Request-ID"
_VALID_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{8,128}$")


class _RequestIds:
    """Ids unique across processes without a system call per request: a random
    prefix drawn once per process, then a counter (uuid4 reads the kernel's
    random source on every call, a measurable cost at thousands of requests/s)."""

    def __init__(self):
        self._pid = None

    def next(self):
        if self._pid != os.getpid():
            self._prefix = uuid.uuid4().hex[:20]
            self._counter = itertools.count(1)
            self._pid = os.getpid()
        return f"{self._prefix}{next(self._counter):012x}"


_new_request_id = _RequestIds().next


def request_id_for(offered):
    """The proxy's request id when it looks like one, else a new one."""
    if offered and _VALID_REQUEST_ID.match(offered):
        return offered
    return _new_request_id()


def log_request(request_id, method, path, route, status, started):
    """The one line per request; `started` is a time.monotonic() reading."""
    if not logger.isEnabledFor(logging.INFO):
        return
    logger.info(
        "%s %s %s",
        method,
        path,
        status,
        extra={
            "request_id": request_id,
            "method": method,
            "path": path,
            "route": route,
            "status": status,
            "duration_ms": round((time.monotonic() - started) * 1000, 1),
        },
    )


class RequestLogMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        started = time.monotonic()
        request.request_id = request_id_for(request.headers.get(REQUEST_ID_HEADER, ""))
        response = self.get_response(request)
        response[REQUEST_ID_HEADER] = request.request_id
        match = getattr(request, "resolver_match", None)
        log_request(
            request.request_id,
            request.method,
            request.path,
            match.view_name if match else None,
            response.status_code,
            started,
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


class BackgroundStreamHandler(logging.handlers.QueueHandler):
    """Writes records to stderr from a thread of its own: the stdlib's QueueListener.

    Every request logs a line; written from the request's thread, the
    server's threads would queue on the stream's lock and on each write. Here
    a request only puts the record on a queue. Used for dateline.requests,
    whose records hold only plain values, so formatting them later, in the
    writer's thread, gives the same line.
    """

    def __init__(self):
        super().__init__(queue.SimpleQueue())
        self._lines = _LineBatch(sys.stderr)
        # The server forks its workers after loading settings: one writer per process.
        self._writer = PerProcess(self._start_writer)

    def setFormatter(self, fmt):  # noqa: N802 - logging's own name
        super().setFormatter(fmt)
        self._lines.setFormatter(fmt)

    def prepare(self, record):
        return record

    def enqueue(self, record):
        self._writer.ensure_started()
        self.queue.put_nowait(record)

    def _start_writer(self):
        listener = _BatchingListener(self.queue, self._lines)
        listener.start()
        # Write what is still queued when the process ends. multiprocessing
        # runs these finalizers in forked workers too, which skip atexit.
        multiprocessing.util.Finalize(self, listener.stop, exitpriority=10)


class _LineBatch(logging.Handler):
    """Formats records as they come and writes them to the stream in one go on flush()."""

    def __init__(self, stream):
        super().__init__()
        self.stream = stream
        self._lines = []

    def emit(self, record):
        try:
            self._lines.append(self.format(record))
        except Exception:  # noqa: BLE001 - a bad record must not stop the writer
            self.handleError(record)

    def flush(self):
        if self._lines:
            lines, self._lines = self._lines, []
            self.stream.write("\n".join(lines) + "\n")
            self.stream.flush()


class _BatchingListener(logging.handlers.QueueListener):
    """Wakes a few times a second and writes what has queued up in one write:
    waking per record would pass the GIL back and forth on every request."""

    WRITE_INTERVAL = 0.1  # seconds

    def dequeue(self, block):
        try:
            return self.queue.get_nowait()
        except queue.Empty:
            for handler in self.handlers:
                handler.flush()
            time.sleep(self.WRITE_INTERVAL)
            return self.queue.get(block)

    def stop(self):
        super().stop()
        for handler in self.handlers:
            handler.flush()
