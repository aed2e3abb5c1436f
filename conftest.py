"""Fixtures shared by every app's tests."""

import pytest


@pytest.fixture(autouse=True)
def _isolated_files(settings, tmp_path_factory):
    """Uploaded media goes to a temporary folder, and static files are served
    by name (collectstatic's hashed manifest is tested separately)."""
    settings.MEDIA_ROOT = tmp_path_factory.getbasetemp() / "media"
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.BASE_URL = ""


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
    from django.conf import settings
    from wagtail.coreutils import get_supported_content_language_variant
    from wagtail.models import Collection, Locale, Page

    if Page.get_first_root_node() is not None:
        return
    language = get_supported_content_language_variant(settings.LANGUAGE_CODE)
    locale, _ = Locale.objects.get_or_create(language_code=language)
    if not Collection.objects.exists():
        Collection.add_root(name="Root")
    Page.add_root(instance=Page(title="Root", slug="root", locale=locale))
