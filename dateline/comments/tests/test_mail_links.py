"""Links in the mail that arrives point at the site's own address, never at a
development default (127.0.0.1:8000) when BASE_URL is not set."""

import pytest
from django.core.management import call_command
from wagtail.models import Site

from dateline.comments import tasks
from dateline.comments.models import Comment

from .conftest import links_in

HOST = "news.example.org"


@pytest.fixture
def public_host(settings, news_site):
    settings.BASE_URL = ""
    settings.ALLOWED_HOSTS = [HOST, "testserver"]
    Site.objects.filter(is_default_site=True).update(hostname=HOST, port=80)


def test_verification_and_moderator_mail_link_to_the_address_the_reader_used(
    post_comment, outbox, admin_user, public_host
):
    post_comment(
        comment="Hello from the public site.", HTTP_HOST=HOST, HTTP_ORIGIN=f"http://{HOST}"
    )
    verification = next(m for m in outbox if m.to == ["ada@example.org"])
    notice = next(m for m in outbox if m.to == [admin_user.email])
    for message in (verification, notice):
        links = links_in(message)
        assert links, message.body
        assert all(link.startswith(f"http://{HOST}/") for link in links), links
        assert "127.0.0.1" not in message.body
    assert any("/comments/verify/" in link for link in links_in(verification))


def test_data_request_mail_links_to_the_address_the_reader_used(
    client, post_comment, outbox, public_host, django_capture_on_commit_callbacks
):
    post_comment(
        comment="Something to ask for later.", HTTP_HOST=HOST, HTTP_ORIGIN=f"http://{HOST}"
    )
    outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/comments/my-data/", {"email": "ada@example.org"}, HTTP_HOST=HOST)
    (message,) = outbox
    (link,) = links_in(message)
    assert link.startswith(f"http://{HOST}/comments/my-data/")
    assert client.get(link.removeprefix(f"http://{HOST}"), HTTP_HOST=HOST).status_code == 200


def test_mail_without_a_request_uses_the_articles_wagtail_site(
    post_comment, outbox, admin_user, public_host, settings
):
    """The digest from cron, and tasks queued before they carried an address:
    the article's Site, with https when the site runs behind HTTPS."""
    settings.SECURE_HTTPS = True
    settings.COMMENTS_MODERATOR_MAIL = "digest"
    post_comment(comment="Waiting for the digest.")
    outbox.clear()
    call_command("send_comment_digest")
    (digest,) = outbox
    assert links_in(digest) and all(
        link.startswith(f"https://{HOST}/admin/") for link in links_in(digest)
    )

    outbox.clear()
    tasks.send_verification_link.call(Comment.objects.get().pk)
    (link,) = links_in(outbox[0])
    assert link.startswith(f"https://{HOST}/comments/verify/")

    Site.objects.filter(is_default_site=True).update(port=8443)
    outbox.clear()
    tasks.send_verification_link.call(Comment.objects.get().pk)
    assert links_in(outbox[0])[0].startswith(f"https://{HOST}:8443/comments/verify/")
