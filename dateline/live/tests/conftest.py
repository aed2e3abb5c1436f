import pytest

from .factories import make_live_page, make_user


@pytest.fixture
def live_page(demo_site):
    return make_live_page()


@pytest.fixture
def reporter(db):
    return make_user("rita", role="reporter")


@pytest.fixture
def second_reporter(db):
    return make_user("ravi", role="reporter")


@pytest.fixture
def editor(db):
    return make_user("edna", role="editor")
