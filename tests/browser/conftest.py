"""Playwright driving Debian's Chromium against a live Dateline server.

Where no Chromium is installed the browser tests are skipped with a reason,
except under CI (CI=true), where a missing browser fails the run.
"""

import os
import shutil
from pathlib import Path

import pytest

# Playwright's sync API runs an event loop in this thread; the live server's
# database work happens in its own thread, so Django's async guard does not apply.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or "/usr/bin/chromium"
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
    if not Path(CHROMIUM).exists():
        message = f"Chromium not found at {CHROMIUM}: apt-get install chromium"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(message + " (required under CI)")
        pytest.skip(message)
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
        self.origin = origin
        self.requests = []
        self.responses = []
        self.console_errors = []
        page.on("request", lambda request: self.requests.append(request.url))
        page.on("response", lambda response: self.responses.append(response))
        page.on(
            "console",
            lambda message: message.type == "error" and self.console_errors.append(message.text),
        )
        page.on("pageerror", lambda error: self.console_errors.append(str(error)))

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
        server._live_server_modified_settings.enable()
        yield server
        server._live_server_modified_settings.disable()
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
