"""Newsroom fixtures: roles set up on the demo site, and users in each role."""

import pytest
from django.contrib.auth import get_user_model

from dateline.newsroom.roles import setup_roles


@pytest.fixture
def roles(demo_site):
    return setup_roles()


@pytest.fixture
def make_user(roles):
    def _make(username, role):
        user = get_user_model().objects.create_user(
            username=username, email=f"{username}@newsroom.example", password="correct horse 42"
        )
        user.groups.add(roles[role])
        return user

    return _make


@pytest.fixture
def reporter(make_user):
    return make_user("rita", "reporter")


@pytest.fixture
def editor(make_user):
    return make_user("ed", "editor")
