"""A reader posts a comment: what they see, what is stored, and what is refused."""

import uuid
from datetime import timedelta
from urllib.parse import urlsplit

import pytest
import time_machine
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from dateline.comments.models import MAX_DEPTH, Comment, CommentPolicyOverride, Status
from dateline.comments.tokens import mint_form_token
from dateline.news.tests.html import parse, text
from dateline.operations.tests.test_health import closed_port

from .conftest import ARTICLE_URL


def follow(client, response):
    assert response.status_code == 303, response.content[:500]
    return client.get(response["Location"])


def test_first_comment_is_held_shown_only_to_its_author_and_mailed_for_confirmation(
    client, post_comment, outbox, article
):
    response = post_comment(comment="First!\n\nSee https://example.org/fish for more.")
    location = urlsplit(response["Location"])
    assert location.path == ARTICLE_URL
    assert response["X-Comment-Outcome"] == "created"

    comment = Comment.objects.get()
    assert comment.status == Status.PENDING
    assert comment.held_reason_list[0].startswith("First comment from this email address")
    assert comment.ip_address == "127.0.0.1"

    own_view = follow(client, response)
    assert "no-store" in own_view["Cache-Control"] and "private" in own_view["Cache-Control"]
    page = parse(own_view)
    held = page.select_one(f"#comment-{comment.pk}")
    assert "Your comment is awaiting moderation." in text(held)
    assert text(held.select_one(".comment-author")) == "Ada Reader"
    paragraphs = held.select(".comment-content p")
    assert [text(p) for p in paragraphs] == ["First!", "See https://example.org/fish for more."]
    link = held.select_one(".comment-content a")
    assert link["href"] == "https://example.org/fish"
    assert link["rel"] == ["nofollow", "ugc", "noopener"]
    assert "ada@example.org" not in own_view.content.decode()

    # Everyone else's (cacheable) copy of the article does not show it.
    public = client.get(ARTICLE_URL)
    assert "no-store" not in public.get("Cache-Control", "")
    assert parse(public).select_one(f"#comment-{comment.pk}") is None
    assert "csrfmiddlewaretoken" not in public.content.decode()
    assert "Set-Cookie" not in public.headers and "Cookie" not in public.get("Vary", "")
    assert text(parse(public).select_one(".comments-title")) == "0 comments"

    # The confirmation mail went out after the commit, with a working link.
    verify_mail = next(m for m in outbox if m.to == ["ada@example.org"])
    assert "Confirm" in verify_mail.subject


def test_approved_comment_is_published_in_place(client, post_comment, settings):
    settings.COMMENTS_POLICY = {"verify_first_time": False}
    response = post_comment(name="Björn 🐟 Ólafsson", comment="Great piece 👍🏽 — 日本語も大丈夫")
    comment = Comment.objects.get()
    assert comment.status == Status.APPROVED
    assert comment.name == "Björn 🐟 Ólafsson"
    assert comment.body == "Great piece 👍🏽 — 日本語も大丈夫"
    page = parse(follow(client, response))
    assert "Your comment is published" in text(page.select_one(".comment-notice"))
    public = parse(client.get(ARTICLE_URL))
    shown = public.select_one(f"#comment-{comment.pk}")
    assert text(shown.select_one(".comment-content")) == "Great piece 👍🏽 — 日本語も大丈夫"
    assert text(public.select_one(".comments-title")) == "1 comment"


def test_errors_are_shown_next_to_the_field_with_everything_kept(post_comment):
    long_comment = "x" * 5001
    response = post_comment(comment=long_comment, email="not-an-address", website="nowhere")
    assert response.status_code == 400
    assert "no-store" in response["Cache-Control"]
    page = parse(response)
    comment_field = page.select_one(".field-comment")
    assert "at most 5000 characters (it has 5001)" in text(comment_field.select_one(".error"))
    assert page.select_one("#id_comment").string.strip() == long_comment
    assert "valid email" in text(page.select_one(".field-email .error"))
    # Each fault is named once, though two checks find it.
    assert [text(e) for e in page.select(".field-website .error")] == ["Enter a valid URL."]
    assert page.select_one("#id_name")["value"] == "Ada Reader"
    assert Comment.objects.count() == 0
    # The limits are on the form, and the browser is not told to cut text short.
    assert "up to 5,000 characters" in text(page.select_one(".field-comment .help"))
    assert not page.select_one("#id_comment").has_attr("maxlength")


def test_the_same_submission_twice_makes_one_comment(post_comment):
    token = mint_form_token()
    first = post_comment(token=token)
    second = post_comment(token=token, comment="edited on the retry")
    assert first["X-Comment-Outcome"] == "created"
    assert second["X-Comment-Outcome"] == "already_received"
    assert urlsplit(first["Location"]).fragment == urlsplit(second["Location"]).fragment
    assert Comment.objects.count() == 1


def test_a_database_queue_takes_the_mail_in_the_comments_own_transaction(client, article, settings):
    """The held comment and its mails commit together: a database lost just after
    the commit cannot leave a comment whose confirmation link was never queued."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    # Not a transactional test: anything left to run "after the commit" never runs here.
    response = client.post(
        f"/comments/post/{article.pk}/",
        {
            "comment": "Queued with the comment.",
            "name": "Ada Reader",
            "email": "ada@example.org",
            "form_token": mint_form_token(),
        },
        HTTP_ORIGIN="http://testserver",
    )
    assert response["X-Comment-Outcome"] == "created"
    comment = Comment.objects.get()
    queued = DBTaskResult.objects.filter(args_kwargs__args=[comment.pk, "http://testserver"])
    assert sorted(task.task_path.rsplit(".", 1)[-1] for task in queued) == [
        "notify_moderators",
        "send_verification_link",
    ]


def test_a_bot_filling_the_honeypot_is_discarded_without_a_row(post_comment):
    response = post_comment(homepage_confirm="http://spam.example")
    assert response.status_code == 302
    assert Comment.objects.count() == 0


def test_without_javascript_one_press_posts_and_a_second_press_doubles_nothing(
    client, post_comment, settings
):
    settings.COMMENTS_POLICY = {"verify_first_time": False}
    settings.COMMENTS_MIN_SECONDS_TO_SUBMIT = 3
    response = post_comment(token="", comment="Typed without JavaScript.")
    assert response.status_code == 303
    assert response["X-Comment-Outcome"] == "created"
    comment = Comment.objects.get()
    assert comment.body == "Typed without JavaScript."
    # Judged by the other defences, and held for a moderator rather than refused.
    assert comment.status == Status.PENDING
    assert comment.held_reason_list == [
        "Nothing showed a person took their time (no form token (posted without "
        "JavaScript)): a moderator checks it is not a bot."
    ]
    own = parse(follow(client, response))
    assert "awaiting moderation" in text(own.select_one(f"#comment-{comment.pk}"))
    # The button pressed twice (or the form sent again) makes one comment.
    again = post_comment(token="", comment="Typed without JavaScript.")
    assert again["X-Comment-Outcome"] == "already_received"
    assert Comment.objects.count() == 1


def test_a_form_sent_too_fast_or_forged_is_held_never_sent_round_again(post_comment, settings):
    settings.COMMENTS_POLICY = {"verify_first_time": False}
    settings.COMMENTS_MIN_SECONDS_TO_SUBMIT = 3
    too_fast = post_comment(comment="Quick one.")
    assert too_fast["X-Comment-Outcome"] == "created"
    forged = post_comment(token="eyJrIjoiYWJjIn0:1abcde:forged", comment="Forged one.")
    assert forged["X-Comment-Outcome"] == "created"
    held = {c.body: c for c in Comment.objects.all()}
    assert all(c.status == Status.PENDING for c in held.values())
    assert "within 3 seconds" in held["Quick one."].held_reason_text
    assert "did not issue" in held["Forged one."].held_reason_text
    # A token that has aged past the minimum publishes at once.
    with time_machine.travel(timezone.now() - timedelta(seconds=10), tick=False):
        aged = mint_form_token()
    assert post_comment(token=aged, comment="Took my time.")["X-Comment-Outcome"] == "created"
    assert Comment.objects.get(body="Took my time.").status == Status.APPROVED


def test_a_form_with_errors_and_no_token_says_what_to_fix_first_and_never_press_again(
    post_comment, settings
):
    settings.COMMENTS_MIN_SECONDS_TO_SUBMIT = 3
    response = post_comment(token="", website="nowhere", comment="Kept, every word.")
    assert response.status_code == 400
    page = parse(response)
    alerts = page.select("[role=alert]")
    assert text(alerts[0]).startswith("Your comment was not posted yet: please correct")
    assert "again" not in text(page.select_one(".comment-problem")).replace(
        "press “Post Comment”", ""
    )
    assert text(page).count("Enter a valid URL.") == 1
    assert text(page.select_one("#id_comment")) == "Kept, every word."
    # The corrected form, sent at once, is taken: held, not sent round again.
    token = page.select_one("input[name=form_token]")["value"]
    fixed = post_comment(token=token, website="", comment="Kept, every word.")
    assert fixed["X-Comment-Outcome"] == "created"


def test_rate_limits_per_ip_and_per_email_keep_the_text(post_comment, settings):
    settings.COMMENTS_RATE_LIMITS = {"ip": [(2, 60)], "email": [(50, 60)]}
    assert post_comment(comment="one").status_code == 303
    assert post_comment(comment="two").status_code == 303
    third = post_comment(comment="three")
    assert third.status_code == 429
    assert "please post it again a little later" in text(parse(third))
    assert parse(third).select_one("#id_comment").string.strip() == "three"
    assert Comment.objects.count() == 2

    settings.COMMENTS_RATE_LIMITS = {"ip": [], "email": [(1, 60)]}
    assert post_comment(comment="four", email="new@example.org").status_code == 303
    assert post_comment(comment="five", email="NEW@example.org").status_code == 429


def test_a_forged_forwarded_address_counts_as_the_socket_without_a_proxy(post_comment, settings):
    """No TRUSTED_PROXIES: a client on loopback naming a new address each time is
    still one address, and the stored address is the socket's."""
    settings.DATELINE_TRUSTED_PROXIES = []
    settings.COMMENTS_RATE_LIMITS = {"ip": [(2, 60)], "email": []}
    for index in range(2):
        posted = post_comment(
            comment=f"forged {index}",
            REMOTE_ADDR="127.0.0.1",
            HTTP_X_FORWARDED_FOR=f"203.0.113.{index}",
        )
        assert posted.status_code == 303
    third = post_comment(
        comment="forged 2", REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.2"
    )
    assert third.status_code == 429
    assert set(Comment.objects.values_list("ip_address", flat=True)) == {"127.0.0.1"}


def test_behind_a_named_proxy_the_forwarded_address_counts(post_comment, settings):
    settings.DATELINE_TRUSTED_PROXIES = ["127.0.0.1"]
    settings.COMMENTS_RATE_LIMITS = {"ip": [(2, 60)], "email": []}
    for index in range(3):
        posted = post_comment(
            comment=f"reader {index}",
            REMOTE_ADDR="127.0.0.1",
            HTTP_X_FORWARDED_FOR=f"203.0.113.{index}",
        )
        assert posted.status_code == 303
    assert sorted(Comment.objects.values_list("ip_address", flat=True)) == [
        "203.0.113.0",
        "203.0.113.1",
        "203.0.113.2",
    ]
    # The same reader a third time is limited; the proxy itself is not the reader.
    post_comment(comment="again 1", REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.0")
    limited = post_comment(
        comment="again 2", REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.0"
    )
    assert limited.status_code == 429
    # Nonsense from the proxy is not stored as an address.
    post_comment(comment="odd", REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="not-an-ip")
    assert Comment.objects.get(body="odd").ip_address == "127.0.0.1"


def test_with_redis_down_each_process_still_counts_the_limits(post_comment, settings):
    """Neither a flood let through nor every reader refused while the shared cache is gone."""
    settings.CACHES = {
        "default": {
            "BACKEND": "dateline.operations.redis.RedisCache",
            "LOCATION": f"redis://127.0.0.1:{closed_port()}/0",
            "OPTIONS": {"SOCKET_CONNECT_TIMEOUT": 0.2, "SOCKET_TIMEOUT": 0.2},
        }
    }
    settings.COMMENTS_RATE_LIMITS = {"ip": [], "email": [(2, 60)]}
    email = f"{uuid.uuid4().hex}@example.org"  # counts kept by this process outlive a test
    assert post_comment(comment="one", email=email)["X-Comment-Outcome"] == "created"
    assert post_comment(comment="two", email=email)["X-Comment-Outcome"] == "created"
    third = post_comment(comment="three", email=email)
    assert third.status_code == 429
    assert "please post it again a little later" in text(parse(third))
    assert sorted(Comment.objects.values_list("body", flat=True)) == ["one", "two"]
    assert post_comment(comment="another reader")["X-Comment-Outcome"] == "created"


def test_a_duplicate_comment_is_refused_politely(post_comment):
    post_comment(comment="Same words")
    again = post_comment(comment="Same words")
    assert again.status_code == 403
    assert "already posted this comment" in text(parse(again))
    assert "Same words" in text(parse(again).select_one(".comment-kept"))
    assert Comment.objects.count() == 1


@pytest.mark.parametrize(
    "headers",
    [
        {"HTTP_ORIGIN": "https://evil.example"},
        {"HTTP_ORIGIN": None, "HTTP_REFERER": "https://evil.example/page"},
        {"HTTP_ORIGIN": None, "HTTP_SEC_FETCH_SITE": "cross-site"},
    ],
)
def test_cross_site_posts_are_refused(client, article, headers):
    data = {"comment": "forged", "name": "X", "email": "x@example.org", "form_token": ""}
    data["form_token"] = mint_form_token()
    extra = {k: v for k, v in headers.items() if v is not None}
    response = client.post(f"/comments/post/{article.pk}/", data, **extra)
    assert response.status_code == 403
    assert "only be sent from this site" in text(parse(response))
    assert Comment.objects.count() == 0


def test_replies_thread_under_their_parent_and_depth_is_capped(client, post_comment, settings):
    settings.COMMENTS_POLICY = {"verify_first_time": False}
    post_comment(comment="top")
    parent = Comment.objects.get()
    chain = [parent]
    for level in range(1, MAX_DEPTH + 2):
        post_comment(comment=f"level {level}", parent=chain[-1].pk)
        chain.append(Comment.objects.get(body=f"level {level}"))
    assert [c.depth for c in chain] == [0, 1, 2, 3, 3]
    # The reply to the deepest comment sits beside it, under the same parent.
    assert chain[-1].parent_id == chain[-2].parent_id

    page = parse(client.get(ARTICLE_URL))
    top = page.select_one(f"#comment-{parent.pk}")
    nested = top.select_one(f".children #comment-{chain[1].pk} .children #comment-{chain[2].pk}")
    assert nested is not None
    reply_link = top.select_one(".comment-reply-link")
    assert reply_link["href"] == f"?replytocom={parent.pk}#respond"

    reply_page = parse(client.get(ARTICLE_URL + f"?replytocom={parent.pk}"))
    assert text(reply_page.select_one("#reply-title")).startswith("Reply to Ada Reader")
    assert reply_page.select_one("input[name=parent]")["value"] == str(parent.pk)

    held = Comment.objects.create(
        article=parent.article, name="H", email="h@example.org", body="held", idempotency_key="h"
    )
    kept = parse(post_comment(website="nowhere", comment="a reply, no script", parent=parent.pk))
    assert text(kept.select_one("#reply-title")).startswith("Reply to Ada Reader")
    assert kept.select_one("input[name=parent]")["value"] == str(parent.pk)

    refused = post_comment(comment="reply to a held comment", parent=held.pk)
    assert refused.status_code == 400
    assert "not available" in text(parse(refused))


def test_comments_close_per_article_and_after_an_age(client, post_comment, article):
    CommentPolicyOverride.objects.create(page=article, comments_open=False)
    page = parse(client.get(ARTICLE_URL))
    assert text(page.select_one(".comments-closed")) == "Comments are closed on this article."
    assert page.select_one("form.comment-form") is None
    refused = post_comment(comment="Too late?")
    assert refused.status_code == 403
    assert "Too late?" in text(parse(refused).select_one(".comment-kept"))

    CommentPolicyOverride.objects.all().delete()
    section = article.get_parent()
    CommentPolicyOverride.objects.create(page=section, close_after_days=0)
    page = parse(client.get(ARTICLE_URL))
    assert "more than 0 days old" in text(page.select_one(".comments-closed"))
    assert Comment.objects.count() == 0


def test_policy_overrides_hold_and_reject_with_reasons(post_comment, article, news_site):
    section = article.get_parent()
    CommentPolicyOverride.objects.create(
        page=news_site[0], verify_first_time=False, disallowed_words="scam\nfree money"
    )
    CommentPolicyOverride.objects.create(page=section, hold_link_count=1)
    post_comment(comment="Read https://a.example please", email="a@example.org")
    linked = Comment.objects.get()
    assert linked.status == Status.PENDING
    assert linked.held_reason_list == ["Contains 1 links (comments with 1 or more are held)."]

    post_comment(name="FREE Money Bot", comment="hello", email="b@example.org")
    worded = Comment.objects.get(email="b@example.org")
    assert worded.held_reason_list == ["Contains disallowed words: free money"]

    CommentPolicyOverride.objects.filter(page=article).delete()
    CommentPolicyOverride.objects.create(page=article, disallowed_action="reject")
    rejected = post_comment(comment="what a scam", email="c@example.org")
    assert rejected.status_code == 403
    assert "does not publish" in text(parse(rejected))
    assert not Comment.objects.filter(email="c@example.org").exists()

    CommentPolicyOverride.objects.filter(page=article).update(premoderate_all=True)
    post_comment(comment="plain words", email="d@example.org")
    assert Comment.objects.get(email="d@example.org").held_reason_list == [
        "Every comment here waits for a moderator."
    ]
