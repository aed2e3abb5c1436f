import re

import pytest
from django.core import mail
from django.core.cache import cache

from dateline.comments.tokens import mint_form_token

from .site import ARTICLE_URL, build_news_site

__all__ = ["ARTICLE_URL"]


@pytest.fixture
def news_site(db):
    return build_news_site()


@pytest.fixture
def article(news_site):
    return news_site[2]


@pytest.fixture(autouse=True)
def _comment_settings(settings):
    settings.COMMENTS_MIN_SECONDS_TO_SUBMIT = 0
    # Tests post many comments from one address; the limits have their own test.
    settings.COMMENTS_RATE_LIMITS = {"ip": [(1000, 60)], "email": [(1000, 60)]}
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def post_comment(client, article, django_capture_on_commit_callbacks):
    """Post the article's comment form as a browser with JavaScript would, running
    what the post queued for after its commit (mail, tasks)."""

    def _post(browser=None, token=None, **fields):
        # Request headers (HTTP_*, REMOTE_ADDR) go to the request, the rest into the form.
        headers = {k: fields.pop(k) for k in list(fields) if k.isupper()}
        data = {
            "comment": "A thoughtful remark about the fisheries summit.",
            "name": "Ada Reader",
            "email": "ada@example.org",
            "website": "",
            "form_token": token if token is not None else mint_form_token(),
        }
        data.update(fields)
        with django_capture_on_commit_callbacks(execute=True):
            return (browser or client).post(
                f"/comments/post/{article.pk}/",
                data,
                **{"HTTP_ORIGIN": "http://testserver", **headers},
            )

    return _post


def links_in(message):
    return re.findall(r"https?://\S+", message.body)


@pytest.fixture
def outbox():
    return mail.outbox
