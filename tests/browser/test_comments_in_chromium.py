"""A reader comments, a moderator approves in the Wagtail admin, a reply threads.

Also: markup a hostile commenter typed never runs, on the article page or in
the moderation screen.
"""

import pytest
from django.core.cache import cache

from dateline.comments.models import Comment, Status
from dateline.comments.tests.hostile import SCRIPTS
from dateline.comments.tests.site import ARTICLE_URL, build_news_site

pytestmark = pytest.mark.django_db(transaction=True)
PASSWORD = "a long moderator passphrase"


@pytest.fixture
def site(settings):
    # The live server runs in this process, so these settings reach it.
    settings.COMMENTS_MIN_SECONDS_TO_SUBMIT = 0
    settings.COMMENTS_RATE_LIMITS = {"ip": [(1000, 60)], "email": [(1000, 60)]}
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    cache.clear()
    return build_news_site()


@pytest.fixture
def moderator(django_user_model):
    return django_user_model.objects.create_superuser("moderator", "mod@example.org", PASSWORD)


def watch_for_scripts(page):
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    return dialogs


def sign_in(browser, live_server):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.goto(live_server.url + "/admin/login/")
    page.get_by_label("Username").fill("moderator")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/admin/")
    return context, page


def approve_in_admin(admin, live_server, comment):
    admin.goto(live_server.url + "/admin/snippets/comments/comment/?status=pending")
    admin.get_by_role("link", name=f"Moderate comment #{comment.pk}").click()
    assert comment.body.splitlines()[0] in admin.locator(".comment-moderation-body").inner_text()
    admin.get_by_role("button", name="Approve", exact=True).click()
    admin.wait_for_url("**/admin/snippets/comments/comment/**")
    assert "Approved: comment by" in admin.locator(".messages").inner_text()


def test_reader_posts_moderator_approves_and_a_reply_threads(
    site, moderator, open_page, browser, live_server, output_dir
):
    page, _, watcher = open_page(ARTICLE_URL)
    page.get_by_label("Comment *").fill(
        "The quota maths do not add up.\n\nSee https://example.org/q"
    )
    page.get_by_label("Name *").fill("Ada Reader")
    page.get_by_label("Email *").fill("ada@example.org")
    page.get_by_role("button", name="Post Comment").click()
    page.wait_for_url("**/world/quota-talks/?posted=*")
    held = page.locator(".comment-held")
    assert "Your comment is awaiting moderation." in held.inner_text()
    assert held.locator(".comment-author").inner_text() == "Ada Reader"
    comment = Comment.objects.get()
    assert comment.status == Status.PENDING

    context, admin = sign_in(browser, live_server)
    approve_in_admin(admin, live_server, comment)

    page.goto(live_server.url + ARTICLE_URL)
    published = page.locator(f"#comment-{comment.pk}")
    assert "The quota maths do not add up." in published.inner_text()
    link = published.locator(".comment-content a")
    assert link.get_attribute("rel") == "nofollow ugc noopener"

    published.get_by_role("link", name="Reply to Ada Reader").click()
    assert page.locator("#reply-title").inner_text().startswith("Reply to Ada Reader")
    page.get_by_label("Comment *").fill("They add up if you count the winter fleet.")
    page.get_by_label("Name *").fill("Bo Fisher")
    page.get_by_label("Email *").fill("bo@example.org")
    page.get_by_role("button", name="Post Comment").click()
    page.wait_for_url("**/world/quota-talks/?posted=*")
    reply = Comment.objects.get(name="Bo Fisher")
    assert reply.parent_id == comment.pk
    approve_in_admin(admin, live_server, reply)

    page.goto(live_server.url + ARTICLE_URL)
    nested = page.locator(f"#comment-{comment.pk} .children #comment-{reply.pk}")
    assert "winter fleet" in nested.inner_text()
    page.screenshot(path=str(output_dir / "comments-thread.png"), full_page=True)
    assert watcher.console_errors == []
    assert watcher.foreign_requests == []
    context.close()


def test_remember_me_is_off_by_default_and_kept_in_this_browser_only(site, open_page):
    page, _, _ = open_page(ARTICLE_URL)
    remember = page.get_by_label("Save my name, email, and website")
    assert not remember.is_checked()
    page.get_by_label("Comment *").fill("Remember me, please.")
    page.get_by_label("Name *").fill("Cy")
    page.get_by_label("Email *").fill("cy@example.org")
    remember.check()
    page.get_by_role("button", name="Post Comment").click()
    page.wait_for_url("**?posted=*")
    page.goto(page.url.split("?")[0])
    assert page.get_by_label("Name *").input_value() == "Cy"
    assert page.get_by_label("Email *").input_value() == "cy@example.org"
    # The details came from the browser's storage, not the page: its HTML has none.
    assert "cy@example.org" not in page.evaluate("document.documentElement.innerHTML")


def test_hostile_comments_never_run_on_the_article_or_in_the_admin(
    site, moderator, open_page, browser, live_server
):
    article = site[2]
    for index, payload in enumerate(SCRIPTS):
        Comment.objects.create(
            article=article,
            name=payload[:80],
            email=f"h{index}@example.org",
            website="https://example.org/",
            body=payload,
            status=Status.APPROVED,
            idempotency_key=f"hostile-{index}",
        )
    page, _, watcher = open_page(ARTICLE_URL)
    dialogs = watch_for_scripts(page)
    page.reload(wait_until="networkidle")
    page.locator(".comment-list").hover()
    assert page.locator(".comment-list .comment").count() == len(SCRIPTS)
    assert page.evaluate("window.__pwned") is None
    assert watcher.foreign_requests == []

    context, admin = sign_in(browser, live_server)
    admin_dialogs = watch_for_scripts(admin)
    admin.goto(live_server.url + "/admin/snippets/comments/comment/")
    assert admin.evaluate("window.__pwned") is None
    first = Comment.objects.order_by("pk").first()
    admin.goto(live_server.url + f"/admin/snippets/comments/comment/moderate/{first.pk}/")
    admin.locator(".comment-moderation-body").hover()
    assert admin.evaluate("window.__pwned") is None
    assert dialogs == [] and admin_dialogs == []
    context.close()


def test_a_reader_without_javascript_posts_with_one_press(site, open_page, settings):
    settings.COMMENTS_MIN_SECONDS_TO_SUBMIT = 3
    page, _, watcher = open_page(ARTICLE_URL, java_script_enabled=False)
    page.get_by_label("Comment *").fill("No scripts here, just words. ✍️")
    page.get_by_label("Name *").fill("Dee")
    page.get_by_label("Email *").fill("dee@example.org")
    page.get_by_role("button", name="Post Comment").click()
    # One press: the comment is stored and shown to its writer, held for a moderator.
    page.wait_for_url("**/world/quota-talks/?posted=*")
    assert "awaiting moderation" in page.locator(".comment-held").inner_text()
    assert Comment.objects.get().body == "No scripts here, just words. ✍️"


def test_a_quick_writer_with_javascript_posts_with_one_press_and_is_not_taken_for_a_bot(
    site, open_page, settings
):
    settings.COMMENTS_MIN_SECONDS_TO_SUBMIT = 3
    settings.COMMENTS_POLICY = {"verify_first_time": False}
    page, _, watcher = open_page(ARTICLE_URL)
    page.get_by_label("Comment *").fill("Fast typist.")
    page.get_by_label("Name *").fill("Quinn")
    page.get_by_label("Email *").fill("quinn@example.org")
    page.get_by_role("button", name="Post Comment").click()  # well within 3 seconds
    page.wait_for_url("**/world/quota-talks/?posted=*", timeout=10_000)
    comment = Comment.objects.get()
    assert comment.status == Status.APPROVED, comment.held_reasons
    assert "Your comment is published" in page.locator(".comment-notice").inner_text()
    assert watcher.console_errors == []


def test_the_comment_box_counts_down_and_keeps_an_overlong_comment(site, open_page):
    from dateline.comments.forms import COMMENT_MAX_LENGTH

    page, _, watcher = open_page(ARTICLE_URL)
    box = page.get_by_label("Comment *")
    counter = page.locator(".char-count")
    assert counter.inner_text() == "5,000 of 5,000 characters left"
    # The counter is part of the field's description; the announcements are polite.
    described = box.get_attribute("aria-describedby").split()
    assert counter.get_attribute("id") in described
    live = page.locator("form.comment-form [aria-live=polite]")
    assert live.count() == 1 and live.inner_text() == ""
    box.fill("A" * 10)
    assert counter.inner_text() == "4,990 of 5,000 characters left"
    page.wait_for_timeout(1200)
    assert live.inner_text() == ""  # far from the limit: nothing said
    text = "B" * (COMMENT_MAX_LENGTH + 12)
    box.fill(text)
    assert counter.inner_text().startswith("12 characters too many: the limit is 5,000.")
    page.get_by_label("Name *").fill("Lee")
    page.get_by_label("Email *").fill("lee@example.org")
    page.get_by_role("button", name="Post Comment").click()
    page.wait_for_timeout(500)
    # Not sent to be refused: still here, in the box, with the count said aloud.
    assert page.url.endswith(ARTICLE_URL)
    assert box.input_value() == text
    assert live.inner_text().startswith("12 characters too many")
    assert Comment.objects.count() == 0
    assert watcher.console_errors == []
