"""The embedded run's shared cache: one store for every worker process, open between requests."""

import multiprocessing
import sqlite3

import pytest
from diskcache import DjangoCache
from django.core.cache import caches, close_caches

from dateline.operations.disk_cache import BACKEND


@pytest.fixture
def disk_cache(settings, tmp_path):
    settings.CACHES = {
        **settings.CACHES,
        "default": {"BACKEND": BACKEND, "LOCATION": str(tmp_path / "shared-cache")},
    }
    yield caches["default"]
    DjangoCache.close(caches["default"])  # what DiskCache leaves open between requests


def _write_in_another_process(location, key, value):
    # A worker process of the embedded server: its own connection to the same files.
    from dateline.operations.disk_cache import DiskCache

    DiskCache(location, {}).set(key, value, None)


def test_a_value_one_worker_process_writes_is_read_by_another(disk_cache, tmp_path):
    disk_cache.get("warm")  # this process has its connection open before the fork
    worker = multiprocessing.get_context("fork").Process(
        target=_write_in_another_process,
        args=(str(tmp_path / "shared-cache"), "purge:/world/", "v2"),
    )
    worker.start()
    worker.join(30)
    assert worker.exitcode == 0
    assert disk_cache.get("purge:/world/") == "v2"


def test_the_connections_stay_open_when_a_request_finishes(disk_cache, monkeypatch):
    disk_cache.set("page", "<html>", 60)
    opened = []
    real_connect = sqlite3.connect

    def counting_connect(*args, **kwargs):
        opened.append(args)
        return real_connect(*args, **kwargs)

    monkeypatch.setattr(sqlite3, "connect", counting_connect)
    for _ in range(3):
        close_caches()  # what Django runs when each request finishes
        assert disk_cache.get("page") == "<html>"
    # Django's close after each request used to reopen the store (and run its
    # pragmas) on the next request's first read, several ms each time.
    assert opened == []


def test_entries_expire_and_timeouts_of_none_keep_them(disk_cache):
    disk_cache.set("marker", "m1", None)
    disk_cache.set("fresh", "f", 60)
    disk_cache.set("gone", "g", -1)
    assert disk_cache.get_many(["marker", "fresh", "gone"]) == {"marker": "m1", "fresh": "f"}
    assert disk_cache.add("marker", "m2", None) is False
    assert disk_cache.get("marker") == "m1"
