"""Playwright driving Debian's Chromium against a live Dateline server.

Where no Chromium is installed the browser tests are skipped with a reason,
except under CI (CI=true), where a missing browser fails the run
(`dateline.testing.requirements`).
"""

import os
import threading
import time
from pathlib import Path

import pytest
from django.core.signals import request_finished, request_started
from django.test import modify_settings

from dateline.testing.requirements import CHROMIUM, require

# Playwright's sync API runs an event loop in this thread; the live server's
# database work happens in its own thread, so Django's async guard does not apply.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

OUTPUT_DIR = Path(__file__).resolve().parents[2] / "test-results" / "browser"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def pytest_collection_modifyitems(config, items):
    for item in items:
        if item.path.is_relative_to(Path(__file__).parent):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser():
    require("browser")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def output_dir():
    OUTPUT_DIR.mkdir(parents=True, exist_ok=True)
    return OUTPUT_DIR


class PageWatcher:
    """Records what a page asks the network for and what it logs."""

    def __init__(self, page, origin):
        self.page = page
        self.origin = origin
        self.requests = []
        self.responses = []
        self.console_errors = []
        self.in_flight = {}
        self._last_change = time.monotonic()
        page.on("request", self._request)
        page.on("requestfinished", self._settled)
        page.on("requestfailed", self._settled)
        page.on("response", lambda response: self.responses.append(response))
        page.on("console", self._console)
        page.on("pageerror", lambda error: self.console_errors.append(str(error)))

    def _request(self, request):
        self.requests.append(request.url)
        self.in_flight[request] = time.monotonic()
        self._last_change = time.monotonic()

    def _settled(self, request):
        self.in_flight.pop(request, None)
        self._last_change = time.monotonic()

    def wait_until_quiet(self, quiet_ms=500, timeout_s=90):
        """Waits until the page has had no request open for `quiet_ms`.

        Playwright's "networkidle" is reached once per document and then stays
        reached, and its 30 s limit is short for a two-core machine running two
        test workers and Chromium. This wait counts from the moment it is asked,
        and when it gives up it names the requests still open.
        """
        deadline = time.monotonic() + timeout_s
        while True:
            quiet_for = (time.monotonic() - self._last_change) * 1000
            if not self.in_flight and quiet_for >= quiet_ms:
                return
            if time.monotonic() > deadline:
                still_open = [f"{r.method} {r.url}" for r in self.in_flight]
                raise AssertionError(f"requests still open after {timeout_s} s: {still_open}")
            self.page.wait_for_timeout(100)  # lets Playwright deliver the page's events

    def _console(self, message):
        if message.type == "error":
            # "Failed to load resource" names no address; the location does.
            where = message.location.get("url") or ""
            self.console_errors.append(f"{message.text} {where}".strip())

    @property
    def foreign_requests(self):
        return [
            url
            for url in self.requests
            if not url.startswith(self.origin) and not url.startswith("data:")
        ]


def _page_opener(browser, server_url):
    contexts = []

    def _open(path, width=1280, height=900, **context_options):
        context = browser.new_context(
            viewport={"width": width, "height": height}, **context_options
        )
        contexts.append(context)
        page = context.new_page()
        watcher = PageWatcher(page, server_url)
        response = page.goto(server_url + path, wait_until="networkidle")
        return page, response, watcher

    return _open, contexts


class RequestsInFlight:
    """Requests the live server is still answering, counted with Django's own signals.

    The live server shares the test's in-memory SQLite connection, so a request
    still running when a transactional test empties the database (a preview the
    page asked for just before it closed) breaks the flush: teardown waits for
    none to be left. Only the live server's threads count: a test client's
    request in the main thread (a streamed response nobody closed) must not
    make every later browser test wait.
    """

    def __init__(self):
        self.count = 0
        self._lock = threading.Lock()
        request_started.connect(self._started, dispatch_uid="browser-tests-started")
        request_finished.connect(self._finished, dispatch_uid="browser-tests-finished")

    def _started(self, **kwargs):
        if threading.current_thread() is threading.main_thread():
            return
        with self._lock:
            self.count += 1

    def _finished(self, **kwargs):
        if threading.current_thread() is threading.main_thread():
            return
        with self._lock:
            self.count = max(0, self.count - 1)

    def wait_until_none(self, timeout=20):
        deadline = time.monotonic() + timeout
        while self.count and time.monotonic() < deadline:
            time.sleep(0.05)
        if self.count:
            # Forget requests that never finished (a stream the browser dropped)
            # so that one stuck request costs one wait, not one per test.
            with self._lock:
                self.count = 0


in_flight = RequestsInFlight()


@pytest.fixture
def open_page(browser, live_server):
    """Open a page on pytest-django's live server, for tests that change data.

    These tests are transactional (the database is emptied after each), so
    they load what they need themselves.
    """
    opener, contexts = _page_opener(browser, live_server.url)
    yield opener
    for context in contexts:
        context.close()


@pytest.fixture(autouse=True)
def _live_server_quiet_before_the_flush(request):
    """Set up after the live server (so torn down before it and the database
    flush), and after the test's own pages are closed: waits for the requests
    they left running."""
    if "live_server" not in request.fixturenames:
        yield
        return
    request.getfixturevalue("live_server")
    yield
    in_flight.wait_until_none()


@pytest.fixture(scope="session")
def reader_server(django_db_setup, django_db_blocker):
    """One live server over the demo site for all read-only browser tests.

    Rebuilding the demo (photos and renditions) for every test would cost
    seconds each; tests that only read share this one instead.
    """
    from pytest_django.live_server_helper import LiveServer

    from dateline.demo.loader import load_demo_site

    with django_db_blocker.unblock():
        load_demo_site()  # again, if a transactional test emptied the database
        server = LiveServer("localhost")
        # What pytest-django's `live_server` does for each test: its host is allowed.
        with modify_settings(ALLOWED_HOSTS={"append": "localhost"}):
            yield server
        server.stop()


@pytest.fixture
def open_reader_page(browser, reader_server):
    """Open a page of the demo site as an anonymous reader, changing nothing.

    Tests using it must be marked `django_db` so the test database exists.
    """
    opener, contexts = _page_opener(browser, reader_server.url)
    yield opener
    for context in contexts:
        context.close()
