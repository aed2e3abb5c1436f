import pytest
from django.contrib.auth import get_user_model

from dateline.editorial_checks.models import EditorialChecksSettings
from dateline.news.models import ArticleAuthor, AuthorPage, SectionPage

from .factories import make_photo
from .reference import reference_article


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


@pytest.fixture
def editor(client, demo_site):
    """A signed-in editor who may do anything: publish, approve, dismiss."""
    user = get_user_model().objects.create_superuser("editor", "editor@example.com", "x" * 16)
    client.force_login(user)
    return user


@pytest.fixture
def draft(demo_site, photo):
    """The reference article saved as a draft in the World section."""
    page = reference_article(photo)
    page.slug = "leaders-meet"
    page.live = False
    page.bylines = [ArticleAuthor(author=AuthorPage.objects.get(slug="maria-lund"))]
    SectionPage.objects.get(slug="world").add_child(instance=page)
    page.save_revision()
    return page
