"""Fixtures shared by every app's tests."""

import shutil
import tempfile
from pathlib import Path

import pytest
from django.test import override_settings

# One media folder per test run, not under pytest's shared basetemp, which
# another concurrent pytest run on the same machine may clean away.
MEDIA_DIR = Path(tempfile.mkdtemp(prefix="dateline-test-media-"))

TEST_STATIC_STORAGE = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}


def pytest_sessionfinish(session, exitstatus):
    shutil.rmtree(MEDIA_DIR, ignore_errors=True)


def _test_settings(settings_obj):
    """Uploaded media goes to a temporary folder, and static files are served by
    name (collectstatic's hashed manifest is tested through the real server)."""
    return {
        "MEDIA_ROOT": MEDIA_DIR,
        "STORAGES": {**settings_obj.STORAGES, "staticfiles": TEST_STATIC_STORAGE},
        "PASSWORD_HASHERS": ["django.contrib.auth.hashers.MD5PasswordHasher"],
        "BASE_URL": "",
        "CACHES": {
            "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
            "renditions": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"},
        },
        # Purges run when a transaction commits, which tests wrapped in one
        # never do; the caching tests turn the page cache on themselves.
        "DATELINE_PAGE_CACHE": {"enabled": False},
    }


@pytest.fixture(autouse=True)
def _isolated_files(settings):
    for name, value in _test_settings(settings).items():
        setattr(settings, name, value)


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Every test database starts with the demo site, its photos already rendered.

    Tests run in transactions that roll back, so each sees it unchanged; the
    transactional (browser) tests run last and reload it after their flush.
    """
    from django.conf import settings

    from dateline.demo.loader import load_demo_site
    from dateline.demo.warm import warm_public_pages

    with (
        django_db_blocker.unblock(),
        override_settings(**_test_settings(settings)),
    ):
        load_demo_site()
        warm_public_pages()


@pytest.fixture
def demo_site(db):
    """The demo site that `make run` loads: front page, sections, authors, articles."""
    from dateline.demo.loader import load_demo_site

    return load_demo_site()


@pytest.fixture
def summit_article(demo_site):
    from dateline.news.models import ArticlePage

    return ArticlePage.objects.get(slug="president-heads-north-for-skarholm-summit")


def _run_background_tasks_immediately():
    """Background tasks run inside the test that queues them, not in a worker
    process, for the whole session (session-scoped database setup included);
    tests of the worker itself switch to the database backend."""
    from django.test import override_settings

    override_settings(
        TASKS={"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    ).enable()


_run_background_tasks_immediately()


@pytest.fixture(autouse=True)
def _wagtail_tree_roots(request):
    """Transactional tests empty the database after themselves, taking the page
    tree's and collections' invisible roots (which Wagtail's migrations create)
    with it; the next transactional test gets them back here."""
    marker = request.node.get_closest_marker("django_db")
    if marker is None or not marker.kwargs.get("transaction"):
        return
    request.getfixturevalue("transactional_db")
    from dateline.demo.loader import ensure_tree_roots

    ensure_tree_roots()


@pytest.fixture(autouse=True)
def _forget_remembered_sites():
    """Each test's rows are rolled back afterwards, which a running server never
    sees: a site remembered during one test must not answer in the next."""
    yield
    from dateline.comments.overrides import remembered
    from dateline.news.sites import memo

    memo.forget()
    remembered.forget()
