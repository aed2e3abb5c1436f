"""Who reads from a replica: the decision each request makes (tests/replicas runs
it against a real streaming replica)."""

import pytest
from django.core import signing
from django.http import HttpResponse
from django.test import RequestFactory, override_settings

from dateline.operations import replicas

REPLICAS = {"aliases": ["replica1"], "pin_seconds": 15, "retry_seconds": 5, "lag_check": True}


@pytest.fixture
def with_replica():
    with override_settings(DATELINE_REPLICAS=REPLICAS):
        yield


def decided(request):
    """(may this request read a replica, the response) through the middleware."""
    seen = {}

    def view(request):
        state = replicas._reads.get()
        seen["replica_ok"] = state.replica_ok
        return HttpResponse("ok")

    response = replicas.ReplicaReadsMiddleware(view)(request)
    return seen["replica_ok"], response


def test_anonymous_reads_may_use_a_replica_and_writes_pin_the_browser(with_replica):
    factory = RequestFactory()
    assert decided(factory.get("/world/"))[0] is True
    assert decided(factory.head("/world/"))[0] is True

    replica_ok, response = decided(factory.post("/comments/post/3/"))
    assert replica_ok is False
    pin = response.cookies[replicas.PIN_COOKIE]
    assert pin["max-age"] == 15 and pin["httponly"]

    # The browser's next page reads the primary.
    pinned = factory.get("/world/quota-talks/")
    pinned.COOKIES[replicas.PIN_COOKIE] = pin.value
    replica_ok, response = decided(pinned)
    assert replica_ok is False
    assert replicas.PIN_COOKIE not in response.cookies  # a read does not extend it


def test_a_forged_or_expired_pin_does_not_count(with_replica, time_machine):
    factory = RequestFactory()
    forged = factory.get("/")
    forged.COOKIES[replicas.PIN_COOKIE] = "1:forged:signature"
    assert decided(forged)[0] is True

    time_machine.move_to("2026-01-01 12:00:00", tick=False)
    old = factory.get("/")
    old.COOKIES[replicas.PIN_COOKIE] = signing.get_cookie_signer(
        salt=replicas.PIN_COOKIE + replicas.PIN_SALT
    ).sign("1")
    assert replicas.is_pinned(old)
    time_machine.move_to("2026-01-01 12:00:16", tick=False)
    assert decided(old)[0] is True


def test_editors_and_the_admin_read_the_primary(with_replica, settings):
    factory = RequestFactory()
    signed_in = factory.get("/world/")
    signed_in.COOKIES[settings.SESSION_COOKIE_NAME] = "a-session"
    assert decided(signed_in)[0] is False
    assert decided(factory.get("/" + settings.DATELINE_ADMIN_PATH + "pages/"))[0] is False
    assert decided(factory.get("/", HTTP_AUTHORIZATION="Basic eDp5"))[0] is False


def test_outside_a_request_and_without_replicas_everything_reads_the_primary(with_replica):
    assert replicas.alias_for_read() == "default"  # the worker, a command
    with replicas.reading(True), replicas.on_primary():
        assert replicas.alias_for_read() == "default"  # a memo loaded for every reader
    router = replicas.ReplicaRouter()
    assert router.db_for_write(None) == "default"
    assert router.allow_migrate("default", "news") and not router.allow_migrate("replica1", "news")


def test_without_replicas_nothing_is_pinned(settings):
    response = replicas.ReplicaReadsMiddleware(lambda request: HttpResponse("ok"))(
        RequestFactory().post("/comments/post/3/")
    )
    assert replicas.PIN_COOKIE not in response.cookies
    assert replicas.primary_lsn() is None
