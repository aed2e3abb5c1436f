"""Newsroom fixtures: roles set up on the demo site, users in each role, a fresh article."""

import pytest
from django.contrib.auth import get_user_model
from wagtail.images import get_image_model

from dateline.news.models import ArticleAuthor, ArticlePage, AuthorPage, SectionPage
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


def figure_block(image, caption, credit="Dateline"):
    return {
        "type": "figure",
        "value": {
            "image": {"image": image.pk, "decorative": False, "alt_text": "A harbour at dawn."},
            "caption": caption,
            "credit": credit,
        },
    }


def paragraph(text):
    return {"type": "paragraph", "value": f"<p>{text}</p>"}


@pytest.fixture
def new_article(demo_site):
    """Builds an article under World (unpublished unless `publish=True`)."""

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
    return get_image_model().objects.order_by("pk").first()
