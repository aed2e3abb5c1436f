"""Anonymous reads from PostgreSQL streaming replicas (DATABASE_REPLICA_URLS).

Who may read from a replica is decided once per request, by
`ReplicaReadsMiddleware`, and kept in a context variable the router reads:

- an anonymous reader's GET or HEAD may; anything else (a POST, a signed-in
  editor, the admin, the worker, a management command) reads the primary;
- the request after a write by the same browser reads the primary too: every
  unsafe-method response sets a short-lived signed cookie (`REPLICA_PIN_SECONDS`),
  so a reader who just posted a comment sees it on the next page.

Lag: a purge records the primary's WAL position with its purge markers
(`caching.purge`), and a page render for a purged path asks for it
(`require_lsn`); a replica that has not replayed that far is passed over for
the primary, so a page purged before the replica had the change is never
stored stale.

Loss: the first read of a request on a replica checks it with one small query
(its replay position); a replica that does not answer is left alone for
`REPLICA_RETRY_SECONDS`, with a log line, and the request reads the primary.
"""

import contextlib
import contextvars
import logging
import random
import threading
import time
from dataclasses import dataclass

from django.conf import settings
from django.core import signing
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections

logger = logging.getLogger("dateline.replicas")

PIN_COOKIE = "dateline_primary"
PIN_SALT = "dateline.replicas.pin"
SAFE_METHODS = ("GET", "HEAD")


def config():
    return settings.DATELINE_REPLICAS


def enabled():
    return bool(config()["aliases"])


@dataclass
class _Reads:
    """What this request may read from: decided by the middleware, refined by the page cache."""

    replica_ok: bool
    required_lsn: int | None = None
    chosen: str | None = None  # None: not decided yet; "": the primary


_reads = contextvars.ContextVar("dateline_replica_reads", default=None)

# Replicas found unreachable, and until when (monotonic) they are left alone; per process.
_down_until = {}
_down_lock = threading.Lock()


@contextlib.contextmanager
def reading(replica_ok):
    token = _reads.set(_Reads(replica_ok=replica_ok))
    try:
        yield
    finally:
        _reads.reset(token)


@contextlib.contextmanager
def on_primary():
    """Everything read inside reads the primary (values remembered for every reader)."""
    with reading(False):
        yield


def require_lsn(lsn):
    """This request's reads need a replica that has replayed the primary's WAL up to `lsn`."""
    state = _reads.get()
    if state is not None and lsn is not None:
        state.required_lsn = max(lsn, state.required_lsn or 0)
        state.chosen = None


def primary_lsn():
    """The primary's current WAL position (bytes), when replicas and their lag check are on."""
    if not (enabled() and config()["lag_check"]):
        return None
    with connections[DEFAULT_DB_ALIAS].cursor() as cursor:
        cursor.execute("SELECT pg_current_wal_lsn() - '0/0'::pg_lsn")
        return int(cursor.fetchone()[0])


def _replay_lsn(alias):
    with connections[alias].cursor() as cursor:
        cursor.execute("SELECT pg_last_wal_replay_lsn() - '0/0'::pg_lsn")
        value = cursor.fetchone()[0]
    return None if value is None else int(value)


def _mark_down(alias, error):
    seconds = config()["retry_seconds"]
    with _down_lock:
        _down_until[alias] = time.monotonic() + seconds
    logger.warning(
        "replica %s unavailable (%s: %s); reading from the primary for %ss",
        alias,
        type(error).__name__,
        str(error).strip().splitlines()[0] if str(error).strip() else "",
        seconds,
    )
    with contextlib.suppress(Exception):
        connections[alias].close()


def _is_down(alias):
    with _down_lock:
        until = _down_until.get(alias)
        if until is None:
            return False
        if time.monotonic() < until:
            return True
        del _down_until[alias]
        return False


def _usable_replica(required_lsn):
    """A replica that answers and, if asked, has replayed `required_lsn`; or ""."""
    aliases = [alias for alias in config()["aliases"] if not _is_down(alias)]
    random.shuffle(aliases)
    for alias in aliases:
        try:
            replayed = _replay_lsn(alias)
        except DatabaseError as error:
            _mark_down(alias, error)
            continue
        if required_lsn is None:
            return alias
        if replayed is not None and replayed >= required_lsn:
            return alias
        logger.info("replica %s behind a purge (%s < %s); primary", alias, replayed, required_lsn)
    return ""


def alias_for_read():
    """The database this request's reads go to."""
    state = _reads.get()
    if state is None or not state.replica_ok:
        return DEFAULT_DB_ALIAS
    if connections[DEFAULT_DB_ALIAS].in_atomic_block:
        # Reads inside a transaction see its own writes only on the primary.
        return DEFAULT_DB_ALIAS
    if state.chosen is None:
        state.chosen = _usable_replica(state.required_lsn)
    return state.chosen or DEFAULT_DB_ALIAS


class ReplicaRouter:
    """DATABASE_ROUTERS: reads as `alias_for_read` says, every write to the primary."""

    def db_for_read(self, model, **hints):
        return alias_for_read()

    def db_for_write(self, model, **hints):
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1, obj2, **hints):
        return True  # replicas hold the primary's rows

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db == DEFAULT_DB_ALIAS


def is_pinned(request):
    try:
        request.get_signed_cookie(PIN_COOKIE, salt=PIN_SALT, max_age=config()["pin_seconds"])
    except (KeyError, signing.BadSignature):
        return False
    return True


class ReplicaReadsMiddleware:
    """Says per request whether reads may go to a replica, and pins writers to the primary."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.session_cookie = settings.SESSION_COOKIE_NAME
        self.admin_prefix = "/" + settings.DATELINE_ADMIN_PATH

    def replica_ok(self, request):
        return (
            request.method in SAFE_METHODS
            and self.session_cookie not in request.COOKIES
            and "HTTP_AUTHORIZATION" not in request.META
            and not request.path.startswith(self.admin_prefix)
            and not is_pinned(request)
        )

    def __call__(self, request):
        if not enabled():
            return self.get_response(request)
        with reading(self.replica_ok(request)):
            response = self.get_response(request)
        if request.method not in SAFE_METHODS:
            # The next requests read what this one may have written.
            response.set_signed_cookie(
                PIN_COOKIE,
                "1",
                salt=PIN_SALT,
                max_age=config()["pin_seconds"],
                httponly=True,
                samesite="Lax",
                secure=settings.SESSION_COOKIE_SECURE,
            )
        return response
