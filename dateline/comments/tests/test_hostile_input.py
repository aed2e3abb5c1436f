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
        # Whatever is accepted is shown: nothing stored that the page leaves out.
        shown = page.select_one(f"#comment-{comment.pk} .comment-author a")
        assert shown is not None and shown["href"] == comment.website
    else:
        assert response.status_code == 400
        page = parse(response)
        assert page.select_one(".field-website .error") is not None
        assert page.select_one("#id_website")["value"].strip() == website.strip()
        assert Comment.objects.count() == 0


@pytest.mark.parametrize(
    "website",
    [
        'https://example.org/"quoted"',
        "https://example.org/it's",
        "https://example.org/<b>",
        "https://example.org/a`b",
        "https://example.org/a\\b",
    ],
)
def test_a_website_the_page_would_not_show_is_refused_with_a_reason(post_comment, website):
    response = post_comment(website=website, comment="Kept while the website is fixed.")
    assert response.status_code == 400
    page = parse(response)
    errors = [text(e) for e in page.select(".field-website .error")]
    assert errors == [
        "Enter a web address without spaces, quotes (\" or '), angle brackets (< >), "
        "backticks or backslashes."
    ]
    assert page.select_one("#id_website")["value"] == website
    assert text(page.select_one("#id_comment")) == "Kept while the website is fixed."
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
        ({"name": "\u200b\u200d\u2060"}, "at least one visible letter or digit"),
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


def test_a_form_past_the_request_size_limit_gets_a_page_that_names_it(client, article, settings):
    """3 MiB pasted into the comment box: a 413 page in the site's design, not a bare 400."""
    from urllib.parse import urlencode

    body = urlencode({"comment": "x" * (3 * 1024 * 1024), "name": "N", "email": "n@example.org"})
    response = client.post(
        f"/comments/post/{article.pk}/",
        body,
        content_type="application/x-www-form-urlencoded",
        HTTP_ORIGIN="http://testserver",
    )
    assert response.status_code == 413
    page = parse(response)
    assert page.select_one("header.site-header .brand") is not None  # the site's own page
    assert "larger than 2.5 MB" in text(page.select_one("main"))
    assert "5,000 characters" in text(page.select_one("main"))
    assert "no-store" in response["Cache-Control"]
    assert Comment.objects.count() == 0


def test_a_long_comment_with_line_breaks_is_counted_as_the_reader_sees_it(
    client, post_comment, open_policy
):
    """Browsers send line breaks as CR LF; 5,000 characters on screen fit the 5,000 limit."""
    lines = ["y" * 49] * 100  # 4,900 letters and 99 breaks: 4,999 characters on screen
    response = post_comment(comment="\r\n".join(lines))
    assert response.status_code == 303
    assert Comment.objects.get().body == "\n".join(lines)
    too_long = post_comment(comment="\r\n".join(lines) + "zz", email="b@example.org")
    assert too_long.status_code == 400
    page = parse(too_long)
    assert "at most 5000 characters (it has 5001)" in text(page.select_one(".field-comment"))
    kept = page.select_one("#id_comment").string.strip().splitlines()
    assert kept == [*lines[:-1], lines[-1] + "zz"]
