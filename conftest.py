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
