"""/healthz and /readyz as a load balancer sees them, and the site with its Redis gone."""

import json
import socket

import pytest

from dateline.news.tests.html import parse, text


def closed_port():
    """A local port nothing listens on: a real Redis that is down."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def redis_down(settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "dateline.operations.redis.RedisCache",
            "LOCATION": f"redis://127.0.0.1:{closed_port()}/0",
            "OPTIONS": {"SOCKET_CONNECT_TIMEOUT": 0.2, "SOCKET_TIMEOUT": 0.2},
        }
    }


def test_liveness_does_not_touch_the_database(client):
    # No django_db mark: pytest-django fails any database access in this test.
    response = client.get("/healthz")
    assert response.status_code == 200
    assert json.loads(response.content) == {"status": "ok"}
    assert "no-cache" in response["Cache-Control"]


@pytest.mark.django_db
def test_readiness_checks_database_and_cache(client):
    response = client.get("/readyz")
    assert response.status_code == 200
    body = json.loads(response.content)
    assert body["status"] == "ok"
    assert {name: check["status"] for name, check in body["checks"].items()} == {
        "database": "ok",
        "cache": "ok",
    }


@pytest.mark.django_db
def test_redis_down_is_reported_but_does_not_take_the_site_out(client, redis_down):
    response = client.get("/readyz")
    body = json.loads(response.content)
    assert response.status_code == 200  # still in rotation: pages render without the cache
    assert body["status"] == "degraded"
    assert body["checks"]["cache"] == {"status": "down", "error": "ConnectionError"}
    assert body["checks"]["database"]["status"] == "ok"


@pytest.mark.django_db
def test_redis_down_fails_readiness_when_the_operator_requires_it(client, redis_down, settings):
    settings.DATELINE_HEALTH_CACHE_REQUIRED = True
    response = client.get("/readyz")
    assert response.status_code == 503
    assert json.loads(response.content)["checks"]["cache"]["status"] == "down"


def test_readers_get_pages_while_redis_is_down(client, demo_site, redis_down):
    from django.core.cache import cache

    assert cache.get("anything", "fallback") == "fallback"
    cache.set("anything", "value")  # dropped, not raised
    assert cache.get_many(["a", "b"]) == {}
    with pytest.raises(ValueError):
        cache.incr("counter")  # as for a missing key: counters start again
    page = parse(client.get("/world/president-heads-north-for-skarholm-summit/"))
    assert text(page.h1) == "President Varga heads north for the Skarholm fisheries summit"
