"""What /readyz checks, declared once: each dependency, and whether the site
can serve readers without it.

The database is critical: without it no page can be rendered, so the load
balancer should send readers elsewhere (503). The shared cache is not: pages
are rendered without it, so its outage is reported as "degraded" with a 200,
and taking every app server out of rotation because Redis restarted would turn
a slowdown into an outage. DATELINE_HEALTH_CACHE_REQUIRED=1 makes it critical.
"""

import time
import uuid
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import caches
from django.db import DatabaseError, connections


@dataclass(frozen=True)
class Dependency:
    name: str
    critical: bool
    probe: object  # a callable that raises when the dependency is unusable

    def check(self):
        started = time.monotonic()
        try:
            self.probe()
        except Exception as error:  # noqa: BLE001 - any failure means "down"
            return {"status": "down", "error": type(error).__name__}
        return {"status": "ok", "ms": round((time.monotonic() - started) * 1000, 1)}


def probe_database():
    connection = connections["default"]
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        # A broken persistent connection must not be reused by the next request.
        connection.close_if_unusable_or_obsolete()
        connection.close()
        raise


def probe_cache():
    cache = caches["default"]
    if hasattr(cache, "ping"):
        cache.ping()
        return
    key = f"dateline:readyz:{uuid.uuid4().hex}"
    cache.set(key, "1", 10)
    if cache.get(key) != "1":
        raise RuntimeError("cache did not return what was stored")
    cache.delete(key)


def dependencies():
    return [
        Dependency("database", critical=True, probe=probe_database),
        Dependency(
            "cache",
            critical=getattr(settings, "DATELINE_HEALTH_CACHE_REQUIRED", False),
            probe=probe_cache,
        ),
    ]


def readiness():
    """(overall status, per-dependency results): ok, degraded or down."""
    results, status = {}, "ok"
    for dependency in dependencies():
        result = dependency.check()
        results[dependency.name] = result
        if result["status"] != "ok":
            outcome = "down" if dependency.critical else "degraded"
            status = max(status, outcome, key=SEVERITY.index)
    return status, results


SEVERITY = ["ok", "degraded", "down"]
