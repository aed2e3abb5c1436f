"""Fixtures shared by the page cache tests."""

import os

import pytest


@pytest.fixture
def redis_cache(settings):
    """The production cache: the Redis server on 127.0.0.1:6379, database 13, or 14
    and 15 for pytest-xdist's second and third workers (each clears its own)."""
    worker = os.environ.get("PYTEST_XDIST_WORKER", "gw0")
    database = 13 + int(worker.removeprefix("gw"))
    if database > 15:  # Redis has databases 0-15
        pytest.fail("the Redis cache tests need a database per worker: run at most 3 (-n 3)")
    settings.CACHES = {
        **settings.CACHES,
        "default": {
            "BACKEND": "dateline.operations.redis.RedisCache",
            "LOCATION": f"redis://127.0.0.1:6379/{database}",
            "KEY_PREFIX": "dateline-test",
        },
    }
    from django.core.cache import caches

    caches["default"].clear()
    yield caches["default"]
    caches["default"].clear()
