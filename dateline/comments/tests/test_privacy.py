"""A reader's own data: export and erasure by emailed link, and retention."""

from datetime import timedelta

from django.core.management import call_command
from django.utils import timezone

from dateline.comments.models import Comment, Status
from dateline.news.tests.html import parse, text

from .conftest import ARTICLE_URL, links_in


def test_export_and_erase_by_emailed_link(
    client, post_comment, outbox, settings, django_capture_on_commit_callbacks
):
    settings.COMMENTS_POLICY = {"verify_first_time": False}
    post_comment(comment="Mine, with a reply below", email="me@example.org", name="Me")
    mine = Comment.objects.get()
    post_comment(comment="Reply from someone else", email="you@example.org", parent=mine.pk)
    post_comment(comment="Mine, alone 🐟", email="ME@example.org", name="Me")

    # Asking reveals nothing about whether an address commented.
    for address in ("me@example.org", "nobody@example.org"):
        with django_capture_on_commit_callbacks(execute=True):
            answer = client.post("/comments/my-data/", {"email": address})
        assert "If comments were posted with that address" in text(parse(answer))
    assert [m.to for m in outbox] == [["me@example.org"]]
    path = "/" + links_in(outbox[0])[0].split("/", 3)[3]

    overview = parse(client.get(path))
    assert "We hold 2 comments" in text(overview)
    export = client.get(path + "?format=json")
    assert export["Content-Disposition"] == 'attachment; filename="my-comments.json"'
    assert "no-store" in export["Cache-Control"]
    data = export.json()
    assert sorted(c["comment"] for c in data["comments"]) == [
        "Mine, alone 🐟",
        "Mine, with a reply below",
    ]
    assert data["comments"][0]["ip_address"] == "127.0.0.1"

    assert client.get("/comments/my-data/forged-token/").status_code == 400
    erased = client.post(path)
    assert "2 comments" in text(parse(erased))
    remaining = {c.body: c for c in Comment.objects.all()}
    assert set(remaining) == {
        "This comment was removed at its author's request.",
        "Reply from someone else",
    }
    placeholder = remaining["This comment was removed at its author's request."]
    assert (placeholder.name, placeholder.email, placeholder.ip_address) == (
        "Former reader",
        "",
        None,
    )
    page = parse(client.get(ARTICLE_URL))
    assert "Reply from someone else" in text(page.select_one(".comment-list"))
    assert "me@example.org" not in str(page)


def test_purge_forgets_old_ips_and_erases_old_trash(post_comment, settings, capsys):
    settings.COMMENTS_POLICY = {"verify_first_time": False}
    settings.COMMENTS_IP_RETENTION_DAYS = 30
    settings.COMMENTS_TRASH_RETENTION_DAYS = 30
    for body in ("old", "recent", "old trash", "recent trash"):
        post_comment(comment=body, email=f"{body.replace(' ', '')}@example.org")
    long_ago = timezone.now() - timedelta(days=31)
    Comment.objects.filter(body__startswith="old").update(created_at=long_ago)
    Comment.objects.filter(body__endswith="trash").update(status=Status.TRASH)
    Comment.objects.filter(body="old trash").update(moderated_at=long_ago)
    Comment.objects.filter(body="recent trash").update(moderated_at=timezone.now())

    call_command("purge_comment_data")
    assert "Cleared 2 IP addresses" in capsys.readouterr().out
    rows = dict(Comment.objects.values_list("body", "ip_address"))
    assert rows == {"old": None, "recent": "127.0.0.1", "recent trash": "127.0.0.1"}


def test_data_requests_cannot_flood_an_inbox(
    client, post_comment, outbox, django_capture_on_commit_callbacks
):
    post_comment(email="target@example.org")
    outbox.clear()
    for _ in range(5):
        with django_capture_on_commit_callbacks(execute=True):
            answer = client.post("/comments/my-data/", {"email": "target@example.org"})
        assert "If comments were posted with that address" in text(parse(answer))
    assert len(outbox) == 3
