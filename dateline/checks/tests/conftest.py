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
