"""Commenters cannot post as the site's roles or staff, nor as lookalikes of
them, nor under a name with nothing visible in it."""

import pytest
from django.test import Client

from dateline.comments.models import Comment
from dateline.news.models import AuthorIndexPage, AuthorPage
from dateline.news.tests.html import parse, text

ROLE = "Please choose another name: names that could be taken for a role at Dateline"
STAFF = "Please choose another name: this one could be taken for a member of Dateline's staff."


@pytest.fixture
def newsroom(django_user_model, news_site):
    desk = django_user_model.objects.create_user(
        "mlund", "m@example.org", "a long enough passphrase", first_name="Maria", last_name="Lund"
    )
    desk.is_staff = True
    desk.save()
    people = news_site[0].add_child(instance=AuthorIndexPage(title="People", slug="people"))
    people.add_child(instance=AuthorPage(title="Jon Okafor", slug="jon"))
    return desk


def name_error(response):
    assert response.status_code == 400, response.status_code
    page = parse(response)
    return text(page.select_one(".field-name .error"))


@pytest.mark.parametrize(
    "name",
    [
        "Admin",
        "ADMIN",
        "\u0410dmin",  # Cyrillic А
        "Ad\u200bmin",  # zero-width space
        "A d m i n",
        "Adrnin",  # rn for m
        "M0derator",  # zero for O
        "The Editor",
        "TheEditor",
        "editor\u202e",  # bidi override
        "Site Admin",
        "Dateline",
        "\uff21\uff44\uff4d\uff49\uff4e",  # full-width Ａｄｍｉｎ
    ],
)
def test_role_names_and_their_lookalikes_are_refused_with_the_text_kept(post_comment, name):
    response = post_comment(name=name, comment="Words worth keeping.")
    assert name_error(response).startswith(ROLE)
    assert text(parse(response).select_one("#id_comment")) == "Words worth keeping."
    assert Comment.objects.count() == 0


@pytest.mark.parametrize(
    "name",
    ["Maria Lund", "maria  lund", "M\u0430ria Lund", "mlund", "MLUND", "Jon Okafor", "J0n Okafor"],
)
def test_staff_and_author_names_and_lookalikes_are_refused(post_comment, newsroom, name):
    assert name_error(post_comment(name=name)) == STAFF
    assert Comment.objects.count() == 0


def test_a_signed_in_staff_member_may_use_their_own_name_only(post_comment, newsroom):
    browser = Client()
    browser.force_login(newsroom)
    assert post_comment(browser=browser, name="Maria Lund").status_code == 303
    assert Comment.objects.get().name == "Maria Lund"
    as_other = post_comment(browser=browser, name="Jon Okafor", comment="As Jon.")
    assert name_error(as_other) == STAFF
    as_role = post_comment(browser=browser, name="Moderator", comment="As a role.")
    assert name_error(as_role).startswith(ROLE)


def test_near_names_are_told_apart_from_the_reserved_ones(post_comment, newsroom):
    """Lookalikes are refused; names that merely share letters or a first name are not."""
    near = ["Ada Reader", "Badminton Fan", "Maria", "Lund", "Editorial Board Watcher", "Modesto"]
    for index, name in enumerate(near):
        posted = post_comment(name=name, email=f"near{index}@example.org")
        assert posted.status_code == 303, name
    assert name_error(post_comment(name="Mod", email="mod@example.org")).startswith(ROLE)
    assert sorted(Comment.objects.values_list("name", flat=True)) == sorted(near)


@pytest.mark.parametrize(
    "name", ["\u3164", "\u3164\u3164 \u3164", "\u2800\u2800", "\u115f\u1160", "🐟 🐟"]
)
def test_names_with_no_visible_letter_are_refused(post_comment, name):
    error = name_error(post_comment(name=name))
    assert error == "Please enter a name with at least one visible letter or digit."
    assert Comment.objects.count() == 0


def test_the_role_list_is_the_operators_to_change(post_comment, settings):
    settings.COMMENTS_POLICY = {"reserved_names": ["ombudsman"]}
    assert name_error(post_comment(name="The 0mbudsman")).startswith(ROLE)
    assert post_comment(name="Editor Fan", email="e@example.org").status_code == 303
