"""Issues delivered over real SMTP: what arrives, once each, with the headers providers need."""

import pytest
from django.utils import timezone

from dateline.newsletters import delivery
from dateline.newsletters.models import Delivery, Send, Subscriber

from .conftest import body_text, links


def send_now(issue, **fields):
    return Send.objects.create(issue=issue, scheduled_for=timezone.now(), **fields)


def run_worker_until_done(limit=50):
    for _ in range(limit):
        if not delivery.worker_job():
            break


def test_every_confirmed_reader_gets_the_issue_once_with_list_headers(sink, issue, readers):
    readers(30)
    # Not confirmed, paused, or left: none of them gets it.
    pending = Subscriber.objects.create(email="pending@example.com")
    pending.subscriptions.create(newsletter=issue.newsletter, state="pending")
    send = send_now(issue)

    run_worker_until_done()

    send.refresh_from_db()
    assert send.state == Send.State.FINISHED and send.recipients == 30
    assert sink.inbox.count == 30
    assert set(sink.inbox.per_recipient.values()) == {1}
    assert "pending@example.com" not in sink.inbox.per_recipient
    mail_from, rcpts, _ = sink.inbox.messages[0]
    assert mail_from == "bounces@news.example.org"  # the Return-Path a bounce mailbox gets
    message = sink.inbox.to("reader7@example.com")[0]
    assert message["To"] == "reader7@example.com"
    assert message["Subject"] == "Summit week: what to watch"
    assert message["From"] == "Dateline Morning <morning@news.example.org>"
    assert message["Reply-To"] == "letters@news.example.org"
    assert message["List-Id"] == "Morning Briefing <morning-briefing.news.example.org>"
    assert message["Message-ID"].endswith("@news.example.org>")
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    https, mailto = [v.strip(" <>") for v in str(message["List-Unsubscribe"]).split(",")]
    assert https.startswith("https://news.example.org/newsletters/unsubscribe/")
    assert mailto.startswith("mailto:unsubscribe@news.example.org?subject=unsubscribe")
    assert message.get_content_type() == "multipart/alternative"
    text = body_text(message)
    html = body_text(message, "html")
    assert "Good morning. The summit opens today." in text
    assert "Good morning. The summit opens today." in html
    assert https in html and https in text  # the footer's link is the header's
    assert not any(link.startswith("http://") for link in links(html))
    assert "<style" not in html.split("<body")[1]  # CSS inlined, only @media kept in head
    assert 'style="' in html
    counts = send.counts()
    assert counts["sent"] == 30 and counts["queued"] == 0 and counts["failed"] == 0


def test_temporary_failures_retry_and_permanent_ones_stop_the_address(
    sink, issue, readers, settings
):
    settings.NEWSLETTERS_RETRY_DELAYS = [0]
    settings.NEWSLETTERS_BOUNCE_LIMIT = 2
    readers(5)
    sink.inbox.defer["reader1@example.com"] = [2, "451 4.3.0 Greylisted, try again"]
    sink.inbox.refuse["reader2@example.com"] = "550 5.1.1 No such mailbox"
    send = send_now(issue)
    run_worker_until_done()

    assert sink.inbox.per_recipient["reader1@example.com"] == 1  # third try went through
    assert "reader2@example.com" not in sink.inbox.per_recipient
    row = Delivery.objects.get(send=send, subscriber__email="reader1@example.com")
    assert (row.state, row.attempts) == (Delivery.State.SENT, 3)
    bounced = Delivery.objects.get(send=send, subscriber__email="reader2@example.com")
    assert bounced.state == Delivery.State.FAILED and "550" in bounced.error
    assert send.counts()["failed"] == 1
    reader2 = Subscriber.objects.get(email="reader2@example.com")
    assert reader2.bounce_count == 1 and not reader2.is_bouncing

    second = send_now(issue)
    run_worker_until_done()
    reader2.refresh_from_db()
    assert reader2.is_bouncing  # the second permanent failure in a row
    third = send_now(issue)
    run_worker_until_done()
    assert not Delivery.objects.filter(send=third, subscriber=reader2).exists()
    assert sink.inbox.per_recipient["reader0@example.com"] == 3
    assert second.deliveries.count() == 5


def test_leaving_stops_messages_already_queued_and_claimed(sink, issue, readers):
    from dateline.newsletters.subscribing import leave

    subscribers = readers(4)
    send = send_now(issue)
    delivery.queue_send(send.pk)
    claimed = delivery.sender().claim(10)
    leave(subscribers[1], issue.newsletter)  # after the claim, before the hand-over
    claim_id, note, rows = claimed
    delivery.sender().send_batch(claim_id, note, rows)
    assert "reader1@example.com" not in sink.inbox.per_recipient
    assert len(sink.inbox.per_recipient) == 3
    assert (
        Delivery.objects.get(send=send, subscriber=subscribers[1]).state == Delivery.State.SKIPPED
    )


@pytest.mark.parametrize("rate", [200])
def test_sending_is_throttled_to_the_configured_rate(sink, issue, readers, settings, rate):
    import time

    settings.NEWSLETTERS_RATE = rate
    readers(60)
    send_now(issue)
    delivery.start_due_sends()
    started = time.monotonic()
    run_worker_until_done()
    elapsed = time.monotonic() - started
    assert sink.inbox.count == 60
    assert elapsed >= 59 / rate * 0.95
