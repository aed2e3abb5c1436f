import pytest

from dateline.checks.models import EditorialChecksSettings

from .factories import make_photo


@pytest.fixture
def style():
    """The default house style, as a new site gets it."""
    return EditorialChecksSettings()


@pytest.fixture
def photo(db):
    return make_photo()


@pytest.fixture(autouse=True)
def _fresh_rendition_cache():
    """Wagtail caches renditions by image id, and ids are reused after each
    test's rollback: a stale entry would report another test's image size."""
    from django.core.cache import cache

    cache.clear()
