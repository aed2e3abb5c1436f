"""Fixtures shared by the page cache tests."""

import pytest


@pytest.fixture
def redis_cache(settings):
    """The production cache: the Redis server on 127.0.0.1:6379, database 13."""
    settings.CACHES = {
        **settings.CACHES,
        "default": {
            "BACKEND": "dateline.operations.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:6379/13",
            "KEY_PREFIX": "dateline-test",
        },
    }
    from django.core.cache import caches

    caches["default"].clear()
    yield caches["default"]
    caches["default"].clear()
