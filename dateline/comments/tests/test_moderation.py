"""Moderators in the Wagtail admin: the queue, its actions, the audit log, the
spam filter learning from them, and the mail they get."""

import json
from urllib.parse import urlencode

import pytest
from django.test import Client
from django.urls import reverse
from wagtail.models import ModelLogEntry

from dateline.comments import spam
from dateline.comments.models import Comment, Status, TrustedCommenter
from dateline.news.tests.html import parse, text

from .conftest import links_in

QUEUE = "/admin/snippets/comments/comment/"


def make_comments(article, count, status=Status.PENDING, key="", **fields):
    values = {"name": "Reader", "email": "reader@example.org", "body": "words"}
    values.update(fields)
    return Comment.objects.bulk_create(
        [
            Comment(article=article, status=status, idempotency_key=f"{key}{status}-{i}", **values)
            for i in range(count)
        ]
    )


def bulk_url(action, ids=None, **params):
    query = [("id", i) for i in (ids or ["all"])] + list(params.items()) + [("next", QUEUE)]
    url = reverse("wagtail_bulk_action", args=["comments", "comment", action])
    return url + "?" + urlencode(query)


def test_the_queue_counts_filters_searches_and_says_why(
    admin_client, article, django_assert_max_num_queries
):
    reason = "Contains 3 links (comments with 2 or more are held)."
    make_comments(article, 3, held_reasons=reason)
    make_comments(article, 2, status=Status.SPAM, body="cheap pills")
    make_comments(article, 1, status=Status.APPROVED, name="Visible Person")
    page = parse(admin_client.get(QUEUE))
    options = [text(o) for o in page.select("select[name=status] option")]
    assert options == ["All", "Pending (3)", "Approved (1)", "Spam (2)", "Trash (0)"]

    pending = parse(admin_client.get(QUEUE + "?status=pending"))
    rows = pending.select("table.listing tbody tr")
    assert len(rows) == 3
    assert "Contains 3 links" in text(rows[0])

    # A full page of the queue costs the same few queries however many rows it shows.
    make_comments(article, 120, status=Status.TRASH, body="old")
    with django_assert_max_num_queries(25):
        full = admin_client.get(QUEUE)
    assert len(parse(full).select("table.listing tbody tr")) == 50

    held_for_links = parse(admin_client.get(QUEUE + "?reason=links"))
    assert len(held_for_links.select("table.listing tbody tr")) == 3
    searched = parse(admin_client.get(QUEUE + "?q=Visible"))
    rows = searched.select("table.listing tbody tr")
    assert len(rows) == 1
    assert text(rows[0].select_one(".comment-cell__who")) == (
        "Visible Person on Quota talks open in Skarholm"
    )
    assert text(rows[0].select_one(".comment-cell__body")) == "words"


def test_the_queue_shows_each_comment_whole_and_decides_in_one_click(article, admin_user):
    body = (
        "I live on the coast road, and the closure lasted far longer than four hours: "
        "we waited from six until after noon.\n\nThe harbour master told us the same."
    )
    (held,) = make_comments(article, 1, name="Ada Reader", body=body)
    junk = Comment.objects.create(
        article=article,
        name="Cheap Pills",
        email="x@example.org",
        body="casino bonus",
        idempotency_key="junk",
    )
    moderator = Client(enforce_csrf_checks=True)
    moderator.force_login(admin_user)
    queue = parse(moderator.get(QUEUE + "?status=pending"))
    row = next(r for r in queue.select("tbody tr") if "Ada Reader" in text(r))
    # All of it, paragraph by paragraph, as readers would see it.
    assert [text(p) for p in row.select(".comment-cell__body p")] == [
        "I live on the coast road, and the closure lasted far longer than four hours: "
        "we waited from six until after noon.",
        "The harbour master told us the same.",
    ]
    # Decisions are verbs, and each is one button: a POST form with a CSRF token.
    buttons = row.select(".comment-decide button")
    assert [text(b) for b in buttons] == ["Approve", "Mark as spam"]
    approve = buttons[0].find_parent("form")
    fields = {i["name"]: i["value"] for i in approve.select("input[type=hidden]")}
    assert approve["method"] == "post" and fields["csrfmiddlewaretoken"]

    response = moderator.post(approve["action"], {**fields, "decision": "approve"}, follow=True)
    assert response.redirect_chain[-1][0] == QUEUE + "?status=pending"
    page = parse(response)
    assert "Approved: comment by Ada Reader." in text(page.select_one(".messages"))
    held.refresh_from_db()
    assert held.status == Status.APPROVED
    assert [text(r.select_one(".comment-cell strong")) for r in page.select("tbody tr")] == [
        "Cheap Pills"
    ]

    spam = page.select("tbody tr .comment-decide form")[1]
    fields = {i["name"]: i["value"] for i in spam.select("input[type=hidden]")}
    moderator.post(spam["action"], {**fields, "decision": "spam"})
    junk.refresh_from_db()
    assert junk.status == Status.SPAM

    # The comment's own screen offers every decision, as verbs (Not spam: it was marked spam).
    screen = parse(moderator.get(f"{QUEUE}moderate/{junk.pk}/"))
    assert [text(b) for b in screen.select(".comment-moderation-actions button")] == [
        "Approve",
        "Not spam",
        "Move to trash",
        "Return to queue",
    ]


def sidebar_item(page, name):
    """A main menu item as the admin's sidebar receives it (its props, as JSON)."""
    props = json.loads(page.select_one("#wagtail-sidebar-props").string)
    found = []

    def walk(node):
        if isinstance(node, dict):
            if node.get("name") == name and "url" in node:
                found.append(node)
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(props)
    return found[0]


def test_the_dashboard_and_the_menu_count_the_comments_waiting(admin_client, article):
    make_comments(article, 3)
    make_comments(article, 2, status=Status.APPROVED)
    dashboard = parse(admin_client.get("/admin/"))
    panel = dashboard.select_one("#pending-comments-section")
    assert "3 comments wait for a moderator." in text(panel)
    assert panel.select_one(".pending-comments a")["href"] == QUEUE + "?status=pending"
    comments = sidebar_item(dashboard, "comments")
    assert comments["attrs"]["data-pending-count"] == "3"
    assert comments["attrs"]["aria-label"] == "Comments, 3 awaiting moderation"

    Comment.objects.update(status=Status.APPROVED)
    dashboard = parse(admin_client.get("/admin/"))
    assert "No comments are waiting." in text(dashboard.select_one("#pending-comments-section"))
    assert "data-pending-count" not in sidebar_item(dashboard, "comments")["attrs"]


def test_moderating_is_post_only_csrf_protected_and_logged(article, admin_user):
    (comment,) = make_comments(article, 1, email="first@example.org", email_verified=True)
    moderator = Client(enforce_csrf_checks=True)
    moderator.force_login(admin_user)
    url = f"{QUEUE}moderate/{comment.pk}/"

    screen = moderator.get(url)
    assert screen.status_code == 200
    comment.refresh_from_db()
    assert comment.status == Status.PENDING  # looking changes nothing

    forged = moderator.post(url, {"decision": "approve"})
    assert forged.status_code == 403
    comment.refresh_from_db()
    assert comment.status == Status.PENDING

    token = parse(screen).select_one("input[name=csrfmiddlewaretoken]")["value"]
    done = moderator.post(url, {"decision": "approve", "csrfmiddlewaretoken": token})
    assert done.status_code == 302
    comment.refresh_from_db()
    assert comment.status == Status.APPROVED
    entry = ModelLogEntry.objects.get(action="comments.approve")
    assert (entry.object_id, entry.user_id) == (str(comment.pk), admin_user.pk)
    assert TrustedCommenter.objects.get(email="first@example.org").first_approved_at

    history = admin_client_for(admin_user).get(f"{QUEUE}history/{comment.pk}/")
    assert "Comment approved" in text(parse(history))


def admin_client_for(user):
    client = Client()
    client.force_login(user)
    return client


@pytest.mark.django_db
def test_readers_cannot_reach_the_queue(client, article):
    (comment,) = make_comments(article, 1)
    response = client.post(f"{QUEUE}moderate/{comment.pk}/", {"decision": "approve"})
    assert response.status_code == 302 and "/login/" in response["Location"]
    comment.refresh_from_db()
    assert comment.status == Status.PENDING


def test_bulk_actions_update_all_matching_comments_in_few_queries(
    admin_client, article, django_assert_max_num_queries
):
    make_comments(article, 1500)
    make_comments(article, 10, status=Status.SPAM)
    confirm = parse(admin_client.get(bulk_url("approve_comments", status="pending")))
    assert "Approve: 1500 comments." in text(confirm.select_one(".bulk-count"))
    with django_assert_max_num_queries(40):
        response = admin_client.post(bulk_url("approve_comments", status="pending"))
    assert response.status_code == 302
    assert Comment.objects.filter(status=Status.APPROVED).count() == 1500
    assert Comment.objects.filter(status=Status.SPAM).count() == 10  # not in the filter
    assert ModelLogEntry.objects.filter(action="comments.approve").count() == 1500

    some = list(Comment.objects.filter(status=Status.APPROVED).values_list("pk", flat=True)[:3])
    admin_client.post(bulk_url("trash_comments", ids=some))
    assert Comment.objects.filter(status=Status.TRASH).count() == 3


def test_the_spam_filter_learns_from_spam_and_not_spam_and_explains_itself(
    admin_client, article, post_comment, settings, django_capture_on_commit_callbacks
):
    settings.COMMENTS_POLICY = {"verify_first_time": False, "disallowed_words": []}
    spammy = make_comments(article, 4, body="zorblax quantum coupons zorblax")
    good = make_comments(
        article, 4, status=Status.SPAM, body="the quota talks matter for fishermen"
    )
    with django_capture_on_commit_callbacks(execute=True):
        admin_client.post(bulk_url("spam_comments", ids=[c.pk for c in spammy]))
        admin_client.post(bulk_url("not_spam_comments", ids=[c.pk for c in good]))
    assert Comment.objects.filter(status=Status.APPROVED).count() == 4
    probability, reason = spam.score("zorblax coupons, quantum zorblax")
    assert probability > 0.9
    assert "zorblax" in reason
    assert spam.score("the quota talks")[0] < 0.5

    post_comment(comment="Zorblax quantum coupons for everyone", email="s@example.org")
    held = Comment.objects.get(email="s@example.org")
    assert held.status == Status.PENDING
    assert held.held_reason_list[0].startswith("Spam score")
    screen = parse(admin_client.get(f"{QUEUE}moderate/{held.pk}/"))
    assert "words often seen in spam here" in text(screen.select_one(".comment-held-reasons"))
    buttons = [text(b) for b in screen.select(".comment-moderation-actions button")]
    assert "Not spam" in buttons


def test_a_fresh_install_scores_obvious_spam_and_holds_default_words(post_comment, settings):
    """No moderator has decided anything yet: the shipped seed and word list work."""
    settings.COMMENTS_POLICY = {"verify_first_time": False}
    post_comment(
        comment="Make money online from home! Earn $5000 per week, click here to claim "
        "your free gift card, limited offer.",
        email="spammer@example.net",
    )
    spammy = Comment.objects.get(email="spammer@example.net")
    assert spammy.status == Status.PENDING
    assert spammy.spam_score > 0.9
    assert any(r.startswith("Spam score") for r in spammy.held_reason_list)
    assert "Contains disallowed words: make money online, click here to claim" in (
        spammy.held_reason_list
    )
    post_comment(
        comment="The harbour council should publish the dredging costs before the vote.",
        email="reader@example.org",
    )
    ordinary = Comment.objects.get(email="reader@example.org")
    assert ordinary.status == Status.APPROVED
    assert ordinary.spam_score < 0.5

    # The operator's own list (COMMENTS_DISALLOWED_WORDS) replaces the shipped one.
    settings.COMMENTS_POLICY = {"verify_first_time": False, "disallowed_words": ["dredging"]}
    post_comment(comment="Buy cialis here.", email="other@example.net")
    assert not any(
        r.startswith("Contains disallowed")
        for r in Comment.objects.get(email="other@example.net").held_reason_list
    )


def test_approving_teaches_the_filter_nothing_only_spam_and_not_spam_do(
    admin_client, article, django_capture_on_commit_callbacks
):
    from dateline.comments.models import SpamToken

    spam.ensure_seeded()

    def counts(word):
        row = SpamToken.objects.filter(token=word).first()
        return (row.spam_count, row.ham_count) if row else (0, 0)

    (held,) = make_comments(
        article, 1, key="a", body="glorbnik offers", held_reasons="Spam score 0.95: words"
    )
    (plain,) = make_comments(article, 1, key="b", body="glorbnik weather")
    with django_capture_on_commit_callbacks(execute=True):
        admin_client.post(f"{QUEUE}moderate/{plain.pk}/", {"decision": "approve"})
        admin_client.post(f"{QUEUE}moderate/{held.pk}/", {"decision": "approve"})
    assert counts("glorbnik") == (0, 0)  # two approvals, no lesson

    (flagged,) = make_comments(
        article, 1, key="c", body="glorbnik flagged", held_reasons="Spam score 0.97: words"
    )
    (unflagged,) = make_comments(article, 1, key="d", body="glorbnik unflagged")
    with django_capture_on_commit_callbacks(execute=True):
        admin_client.post(bulk_url("not_spam_comments", ids=[flagged.pk, unflagged.pk]))
    # "Not spam" teaches "ham" only from what had been held as spam.
    assert counts("glorbnik") == (0, 1)
    assert counts("unflagged") == (0, 0)
    with django_capture_on_commit_callbacks(execute=True):
        admin_client.post(bulk_url("spam_comments", ids=[plain.pk]))
    assert counts("glorbnik") == (1, 1)


def test_first_time_commenter_confirms_by_link_and_is_trusted_only_in_that_browser(
    client, post_comment, outbox, admin_client, article, django_capture_on_commit_callbacks
):
    post_comment(comment="my first", email="Kim@Example.org")
    first = Comment.objects.get()
    link = links_in(next(m for m in outbox if m.to == ["Kim@Example.org"]))[0]
    path = link.split("testserver", 1)[-1].replace("http://127.0.0.1:8000", "")
    # Opening the link (a mail scanner might) confirms nothing; the button does.
    assert client.get(path).status_code == 200
    assert not Comment.objects.get().email_verified
    confirmed = client.post(path)
    assert confirmed.status_code == 303
    first.refresh_from_db()
    assert first.email_verified and first.status == Status.PENDING
    assert first.held_reason_list == ["Email address confirmed; waiting for a moderator."]

    with django_capture_on_commit_callbacks(execute=True):
        admin_client.post(f"{QUEUE}moderate/{first.pk}/", {"decision": "approve"})
    # From the confirmed browser, the next comment appears at once.
    post_comment(comment="my second", email="kim@example.org")
    assert Comment.objects.get(body="my second").status == Status.APPROVED
    # Someone else typing the same name and address is still held.
    other_browser = Client()
    post_comment(browser=other_browser, comment="forged", email="kim@example.org")
    forged = Comment.objects.get(body="forged")
    assert forged.status == Status.PENDING
    assert forged.held_reason_list[0].startswith("First comment from this email address")


def test_moderators_are_mailed_through_the_queue_after_commit(
    post_comment, outbox, admin_user, settings
):
    # A queue whose worker has not run yet: the setting another engineer owns.
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    from django_tasks import default_task_backend

    post_comment(comment="queued please")
    comment = Comment.objects.get()
    queued = default_task_backend.results
    assert {(r.task.name, tuple(r.args)) for r in queued} == {
        ("send_verification_link", (comment.pk, "http://testserver")),
        ("notify_moderators", (comment.pk, "http://testserver")),
    }
    assert outbox == []  # nothing was sent from the reader's request
    for result in queued:  # the worker's turn
        result.task.call(*result.args)
    notice = next(m for m in outbox if m.to == [admin_user.email])
    assert "awaiting moderation" in notice.subject
    assert "queued please" in notice.body
    assert comment.held_reason_list[0] in notice.body
    assert "ada@example.org" not in notice.body
    assert any("?status=pending" in link for link in links_in(notice))


def test_policy_overrides_and_author_opt_ins_are_edited_in_the_admin(
    admin_client, article, post_comment, outbox, django_user_model
):
    from dateline.comments.models import AuthorNotificationOptIn, CommentPolicyOverride
    from dateline.news.models import ArticleAuthor, AuthorIndexPage, AuthorPage

    response = admin_client.post(
        "/admin/snippets/comments/commentpolicyoverride/add/",
        {"page": article.pk, "comments_open": "false", "disallowed_action": ""},
    )
    assert response.status_code == 302, response.content[:2000]
    assert CommentPolicyOverride.objects.get().comments_open is False

    home = article.get_parent().get_parent()
    people = home.add_child(instance=AuthorIndexPage(title="People", slug="people"))
    author = people.add_child(instance=AuthorPage(title="Maria Lund", slug="maria"))
    ArticleAuthor.objects.create(page=article, author=author)
    editor = django_user_model.objects.create_user("editor", "editor@example.org", "x" * 20)
    response = admin_client.post(
        "/admin/snippets/comments/authornotificationoptin/add/",
        {"author": author.pk, "user": editor.pk},
    )
    assert response.status_code == 302
    assert AuthorNotificationOptIn.objects.filter(user=editor).exists()

    CommentPolicyOverride.objects.all().delete()
    post_comment(comment="for the author")
    notice = next(m for m in outbox if "awaiting moderation" in m.subject)
    assert "editor@example.org" in notice.to


def test_deleting_a_comment_moves_it_to_the_trash(admin_client, article):
    first, second, third = make_comments(article, 3)
    response = admin_client.post(f"{QUEUE}delete/{first.pk}/")
    assert response.status_code == 302 and response["Location"].endswith("?status=trash")
    delete_all = reverse("wagtail_bulk_action", args=["comments", "comment", "delete"])
    admin_client.post(f"{delete_all}?id={second.pk}&id={third.pk}")
    assert Comment.objects.count() == 3
    assert set(Comment.objects.values_list("status", flat=True)) == {Status.TRASH}
    assert ModelLogEntry.objects.filter(action="comments.trash").count() == 3


def test_comments_are_not_created_in_the_admin(admin_client, article):
    response = admin_client.get(f"{QUEUE}add/")
    assert response.status_code == 302  # refused with a message, not a 500
    assert f'href="{QUEUE}add/"' not in admin_client.get(QUEUE).content.decode()
    assert Comment.objects.count() == 0


def test_moderators_can_get_a_digest_instead(post_comment, outbox, admin_user, settings):
    from django.core.management import call_command

    settings.COMMENTS_MODERATOR_MAIL = "digest"
    post_comment(comment="first pending", email="one@example.org")
    post_comment(comment="second pending", email="two@example.org")
    assert [m for m in outbox if admin_user.email in m.to] == []
    call_command("send_comment_digest")
    (digest,) = [m for m in outbox if admin_user.email in m.to]
    assert digest.subject.startswith("2 comments awaiting moderation")
    assert "first pending" in digest.body and "second pending" in digest.body
    assert "one@example.org" not in digest.body
    call_command("send_comment_digest")
    assert len([m for m in outbox if admin_user.email in m.to]) == 1  # nothing new


def test_cached_article_pages_are_purged_when_their_comments_change(
    article, admin_user, post_comment, settings, django_capture_on_commit_callbacks
):
    from django.core.cache import cache

    from dateline.caching.keys import path_marker
    from dateline.comments.actions import moderate
    from dateline.comments.privacy import erase

    def purged_at():
        return cache.get(path_marker(article.url), 0)

    (held,) = make_comments(article, 1)
    before = purged_at()
    with django_capture_on_commit_callbacks(execute=True):
        moderate([held.pk], "approve", admin_user)
    after_approval = purged_at()
    assert after_approval > before
    settings.COMMENTS_POLICY = {"verify_first_time": False}
    with django_capture_on_commit_callbacks(execute=True):
        post_comment(comment="published at once", email="now@example.org")
    after_post = purged_at()
    assert after_post > after_approval
    with django_capture_on_commit_callbacks(execute=True):
        erase("now@example.org")
    assert purged_at() > after_post
