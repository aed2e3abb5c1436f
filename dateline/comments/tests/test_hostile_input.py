"""Hostile input: for each, the stored row, the public page, the moderation
screen and the notification email are safe, and nothing gives a 500."""

import pytest
from django.core.exceptions import ValidationError

from dateline.comments import actions
from dateline.comments.models import Comment
from dateline.news.tests.html import parse, text

from .conftest import ARTICLE_URL
from .hostile import SCRIPTS, TRICKY_NAMES, WEBSITES

QUEUE = "/admin/snippets/comments/comment/"
SAFE_HREF = ("http://", "https://", "?replytocom=", "#comment-", "/", "#icon-")


def assert_inert(container, allowed=()):
    """No markup a reader typed became an element, attribute handler or script URL."""
    assert container is not None
    forbidden = {"script", "img", "svg", "iframe", "style", "textarea"} - set(allowed)
    for tag in container.find_all(True):
        assert tag.name not in forbidden, tag
        for attribute, value in tag.attrs.items():
            assert not attribute.lower().startswith("on"), tag
            if attribute in {"href", "src", "action"}:
                assert value.startswith(SAFE_HREF), tag


@pytest.fixture
def open_policy(settings):
    settings.COMMENTS_POLICY = {"verify_first_time": False, "hold_link_count": 0}


def test_script_in_every_text_field_is_stored_intact_and_shown_as_text(
    client, admin_client, post_comment, open_policy, outbox, admin_user
):
    for index, payload in enumerate(SCRIPTS):
        response = post_comment(
            comment=f"{payload}\n\nsecond paragraph {index}",
            name=payload[:80],
            email=f"reader{index}@example.org",
        )
        assert response.status_code == 303, payload
    stored = {c.body.split("\n\n")[0]: c for c in Comment.objects.all()}
    assert set(stored) == set(SCRIPTS)  # stored exactly as typed, nothing stripped
    assert all(c.name == c.body.split("\n\n")[0][:80] for c in stored.values())

    page = parse(client.get(ARTICLE_URL))
    comments = page.select_one(".comment-list")
    assert_inert(comments)
    shown = [p.get_text() for p in comments.select(".comment-content p:first-child")]
    assert sorted(shown) == sorted(SCRIPTS)
    for link in comments.select(".comment-content a"):
        assert link["rel"] == ["nofollow", "ugc", "noopener"]
        assert link["href"].startswith(("http://", "https://"))

    queue = parse(admin_client.get(QUEUE))
    assert_inert(queue.select_one("table.listing tbody"), allowed={"svg"})  # Wagtail's icons
    for comment in stored.values():
        screen = parse(admin_client.get(f"{QUEUE}moderate/{comment.pk}/"))
        assert_inert(screen.select_one(".comment-moderation-body"))
        assert_inert(screen.select_one(".comment-name"))
        actions.moderate([comment.pk], "pending", admin_user)
    # Mail is plain text: the payload is there as text, and no header carries it.
    for message in outbox:
        assert "\n" not in message.subject and "\r" not in message.subject
        assert message.content_subtype == "plain"
        assert not message.extra_headers
        for payload in SCRIPTS:
            assert payload[:80] not in message.subject


@pytest.mark.parametrize("website", WEBSITES)
def test_website_is_http_or_https_only(client, post_comment, open_policy, website):
    response = post_comment(website=website)
    if response.status_code == 303:
        comment = Comment.objects.get()
        assert comment.website.startswith(("http://", "https://"))
        page = parse(client.get(ARTICLE_URL))
        assert_inert(page.select_one(".comment-list"))
    else:
        assert response.status_code == 400
        page = parse(response)
        assert page.select_one(".field-website .error") is not None
        assert page.select_one("#id_website")["value"].strip() == website.strip()
        assert Comment.objects.count() == 0


@pytest.mark.parametrize(("typed", "stored"), list(TRICKY_NAMES.items()))
def test_names_lose_control_bidi_and_zero_width_tricks(post_comment, open_policy, typed, stored):
    assert post_comment(name=typed).status_code == 303
    assert Comment.objects.get().name == stored


@pytest.mark.parametrize(
    "email",
    [
        "a@example.org\r\nBcc: victim@example.org",
        "a@example.org\nSubject: hi",
        "<script>@example.org",
        "javascript:alert(1)@example.org",
        "a" * 250 + "@example.org",
    ],
)
def test_hostile_email_is_refused_without_echoing_it_in_the_error(post_comment, email):
    response = post_comment(email=email)
    assert response.status_code == 400
    error = text(parse(response).select_one(".field-email .error"))
    assert "example.org" not in error
    assert Comment.objects.count() == 0


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"comment": "x" * 1_000_000}, "at most 5000 characters"),
        ({"name": "n" * 81}, "at most 80 characters"),
        ({"comment": "nul\x00byte"}, "Null characters are not allowed"),
        ({"comment": "\u200b\u202e\x01 \n"}, "Please write a comment."),
        ({"name": "\u200b\u200d\u2060"}, "visible characters"),
        ({"parent": "not-a-number"}, "not available"),
        ({"parent": "99999999999999999999999"}, "not available"),
    ],
)
def test_huge_or_broken_input_gets_a_clear_error_never_a_500(post_comment, fields, message):
    response = post_comment(**fields)
    assert response.status_code == 400
    assert message in text(parse(response))
    assert Comment.objects.count() == 0


def test_deeply_nested_markup_and_invalid_utf8_are_just_text(client, article, open_policy):
    from dateline.comments.tokens import mint_form_token

    nested = "<b>" * 1500 + "deep" + "</b>" * 1500
    response = client.post(
        f"/comments/post/{article.pk}/",
        {
            "comment": nested[:5000],
            "name": "N",
            "email": "n@example.org",
            "form_token": mint_form_token(),
        },
        HTTP_ORIGIN="http://testserver",
    )
    assert response.status_code == 303
    assert Comment.objects.get().body == nested[:5000]
    page = parse(client.get(ARTICLE_URL))
    assert page.select_one(".comment-content b") is None

    raw = (
        b"comment=%FF%FE%C0%AF+broken&name=%ED%A0%80x&email=u%40example.org&form_token="
        + mint_form_token().encode()
    )
    broken = client.post(
        f"/comments/post/{article.pk}/",
        raw,
        content_type="application/x-www-form-urlencoded",
        HTTP_ORIGIN="http://testserver",
    )
    assert broken.status_code == 303
    stored = Comment.objects.get(email="u@example.org")
    assert stored.body.endswith("broken") and stored.name.endswith("x")
    stored.full_clean(exclude=["article", "parent"])  # a valid row, not mojibake bytes


def test_nothing_readers_see_contains_the_email(client, post_comment, open_policy, article):
    post_comment(email="secret.address@example.org", website="https://example.org")
    html = client.get(ARTICLE_URL).content.decode()
    assert "secret.address" not in html
    with pytest.raises(ValidationError):
        Comment(email="bad").full_clean()
