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


END_TO_END = Path(__file__).resolve().parent / "tests"
BROWSER = END_TO_END / "browser"


def runs_alone(item):
    """Whether a test starts servers of its own and measures or breaks them (tests/, but
    the browser tests: each drives one Chromium page against pytest-django's live server,
    and measures nothing; those on the live-coverage stack do run alone)."""
    if not item.path.is_relative_to(END_TO_END):
        return False
    return not item.path.is_relative_to(BROWSER) or "live_stack" in item.fixturenames


def pytest_addoption(parser):
    parser.addoption(
        "--suites",
        choices=["all", "side-by-side", "alone"],
        default="all",
        help="side-by-side: the app's tests and the browser tests; alone: the end-to-end "
        "suites that start servers of their own (`make test` runs the first on two cores, "
        "then the second with the machine to itself)",
    )


def pytest_collection_modifyitems(config, items):
    """Keep the tests `--suites` names: the suites that measure or break servers of their
    own run one at a time with the machine to themselves; the rest share nothing but a
    database each and run side by side."""
    suites = config.getoption("--suites")
    if suites == "all":
        return
    keep, drop = [], []
    for item in items:
        (keep if runs_alone(item) == (suites == "alone") else drop).append(item)
    if drop:
        config.hook.pytest_deselected(items=drop)
        items[:] = keep


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
        # never do; the caching tests turn the page cache (and the rendered
        # fragments, which purges retire) on themselves.
        "DATELINE_PAGE_CACHE": {"enabled": False, "fragments": False},
    }


@pytest.fixture(autouse=True)
def _isolated_files(settings):
    for name, value in _test_settings(settings).items():
        setattr(settings, name, value)


@pytest.fixture
def private_media(settings, tmp_path):
    """A copy of the media folder for a test that deletes files.

    Files are deleted when a transaction commits, and a test that runs its
    commit callbacks deletes them for real while its rows roll back: every later
    test (and the browser tests' live server) would find rows without files.
    """
    media = tmp_path / "media"
    shutil.copytree(MEDIA_DIR, media)
    settings.MEDIA_ROOT = media
    return media


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


@pytest.fixture
def new_article(demo_site):
    """Builds an article under World (unpublished unless `publish=True`)."""

    from dateline.news.models import ArticleAuthor, ArticlePage, AuthorPage, SectionPage

    def _make(slug, title, body, deck="A deck.", publish=True, tags=()):
        section = SectionPage.objects.get(slug="world")
        article = ArticlePage(title=title, slug=slug, deck=deck, body=body, live=False)
        article.bylines = [ArticleAuthor(author=AuthorPage.objects.get(slug="tomas-okafor"))]
        section.add_child(instance=article)
        if tags:
            article.tags.add(*tags)
        revision = article.save_revision()
        if publish:
            revision.publish()
        article.refresh_from_db()
        return article

    return _make


@pytest.fixture
def demo_image(demo_site):
    from wagtail.images import get_image_model

    return get_image_model().objects.order_by("pk").first()


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
def _forget_remembered_values():
    """Each test's rows are rolled back afterwards, which a running server never
    sees: a site or policy remembered during one test must not answer in the next."""
    yield
    from dateline.caching.memo import forget_all
    from dateline.operations.redis import breaker

    forget_all()
    # A test that took Redis away must not leave the next one without it.
    breaker.reset()


@pytest.fixture(scope="session")
def live_stack():
    """Live coverage for real, shared by the live suites (tests/live, the live browser tests):
    a private Redis, the demo site on SQLite, `dateline serve`, two `dateline live-stream`
    processes and nginx with deploy/nginx.conf (dateline/testing/live.py). About a minute
    to start, once per run."""
    from dateline.testing.requirements import require

    require("live")
    from dateline.testing.live import LiveStack

    folder = Path(tempfile.mkdtemp(prefix="dateline-live-stack-"))
    with LiveStack(folder) as stack:
        yield stack
    shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture(scope="session")
def object_store():
    """A real S3 server (SeaweedFS, dateline/testing/servers.py), started once per run."""
    from dateline.testing.requirements import require

    require("objectstore")
    from dateline.testing.servers import SeaweedFS

    with SeaweedFS() as store:
        yield store


@pytest.fixture
def s3_media(settings, object_store):
    """Media in a new, empty bucket of `object_store`, as S3_BUCKET sets it up; its name."""
    import uuid

    bucket = object_store.create_bucket(f"media-{uuid.uuid4().hex[:12]}")
    object_store.use_bucket(settings, bucket)
    return bucket


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_terminal_summary(terminalreporter):
    """The run ends by naming each end-to-end suite it could not run here (browser,
    front, concurrency, faults, replicas: `dateline.testing.requirements.require`), how many
    tests that was, and the one command that enables it."""
    result = yield
    from dateline.testing.requirements import summarise_suites_not_run

    summarise_suites_not_run(terminalreporter)
    return result
