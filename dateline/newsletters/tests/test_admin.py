"""Editors compose, preview, test and send issues; only those who may send can."""

import pytest
from django.contrib.auth.models import Group
from django.test import RequestFactory
from django.urls import reverse

from dateline.news.tests.html import parse, text
from dateline.newsletters import delivery
from dateline.newsletters.models import Issue, Send
from dateline.newsroom.roles import setup_roles


@pytest.fixture
def member(django_user_model):
    setup_roles()

    def _make(role, email="desk@news.example.org"):
        user = django_user_model.objects.create_user(role, email, "x" * 20)
        user.groups.add(Group.objects.get(name=role))
        return user

    return _make


def send_url(issue):
    return reverse(Issue.snippet_viewset.get_url_name("send"), args=[issue.pk])


def test_an_editor_confirms_the_count_and_the_issue_goes_out(client, member, sink, issue, readers):
    readers(12)
    client.force_login(member("Editors"))
    page = parse(client.get(send_url(issue)))
    assert "12 confirmed readers of Morning Briefing" in text(
        page.select_one(".newsletter-send-count")
    )
    assert text(page.select_one(".newsletter-send-form button")) == "Send to 12 readers"

    # Someone subscribed meanwhile: the editor is asked again with the new count.
    readers(1, prefix="late")
    stale = client.post(send_url(issue), {"when": "now", "recipients": 12}, follow=True)
    assert "it now has 13 readers" in text(parse(stale))
    assert not Send.objects.exists()

    sent = client.post(send_url(issue), {"when": "now", "recipients": 13}, follow=True)
    assert "goes to 13 readers now" in text(parse(sent))
    while delivery.worker_job():
        pass
    assert sink.inbox.count == 13
    listing = parse(client.get(reverse(Send.snippet_viewset.get_url_name("list"))))
    row = text(listing.select_one("tbody tr"))
    assert "Summit week: what to watch" in row and "Sent" in row and "13" in row


def test_scheduling_waits_for_the_moment(client, member, sink, issue, readers):
    import datetime

    import time_machine
    from django.utils import timezone

    readers(2)
    client.force_login(member("Editors"))
    later = (timezone.localtime() + datetime.timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M")
    client.post(send_url(issue), {"when": "later", "scheduled_for": later, "recipients": 2})
    send = Send.objects.get()
    assert send.state == "scheduled"
    delivery.worker_job()
    assert sink.inbox.count == 0
    with time_machine.travel(timezone.now() + datetime.timedelta(hours=3)):
        while delivery.worker_job():
            pass
    assert sink.inbox.count == 2


def test_reporters_may_not_send(client, member, issue):
    client.force_login(member("Reporters"))
    refused = client.get(send_url(issue), follow=True)
    assert "do not have permission" in text(parse(refused))
    assert "newsletter-send-form" not in refused.content.decode()
    client.post(send_url(issue), {"when": "now", "recipients": 0})
    assert not Send.objects.exists()


def test_send_a_test_to_me(client, member, sink, issue):
    client.force_login(member("Editors", email="editor@news.example.org"))
    url = reverse(Issue.snippet_viewset.get_url_name("test"), args=[issue.pk])
    client.post(url)
    [message] = sink.inbox.to("editor@news.example.org")
    assert message["Subject"] == "[Test] Summit week: what to watch"
    assert not Send.objects.exists()


def test_the_preview_is_the_email_at_phone_and_desktop_widths(issue):
    widths = [size["device_width"] for size in issue.preview_sizes]
    assert widths == [390, 600]
    request = RequestFactory().get("/")
    html = issue.serve_preview(request, "").content.decode()
    assert "Summit week: what to watch" in html and "Good morning." in html
    assert html.count('class="headline"') == 2
    text_version = issue.serve_preview(request, "text").content.decode()
    assert "Read the story: https://news.example.org/" in text_version


def test_editorial_checks_hold_a_send(client, member, sink, issue, readers, monkeypatch):
    from dateline.newsletters import checks

    readers(3)
    monkeypatch.setattr(checks, "blocking_findings", lambda issue: ["Headline: all capitals"])
    monkeypatch.setattr(delivery, "blocking_findings", lambda issue: ["Headline: all capitals"])
    send = Send.objects.create(issue=issue)
    delivery.worker_job()
    send.refresh_from_db()
    assert send.state == "held" and "all capitals" in send.held_reason
    assert sink.inbox.count == 0


def test_also_send_as_newsletter_when_publishing(member, sink, summit_article, readers, newsletter):
    from dateline.newsletters.wagtail_hooks import send_published_article

    readers(4)
    request = RequestFactory().post("/", {"newsletters_also_send": [str(newsletter.pk)]})
    request.user = member("Editors")
    send_published_article(request, summit_article)
    while delivery.worker_job():
        pass
    [message] = sink.inbox.to("reader3@example.com")
    assert message["Subject"] == summit_article.title
    html = message.get_body(preferencelist=("html",)).get_content()
    assert summit_article.deck in html
