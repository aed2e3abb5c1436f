"""Signed mail a receiver can verify, and bounce reports turned into the same states."""

import base64
import mailbox
from email.message import EmailMessage

import dkim
import pytest
import time_machine
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from django.core.management import call_command

from dateline.newsletters import delivery
from dateline.newsletters.models import BounceReport, Delivery, Send, Subscriber


@pytest.fixture
def dkim_key(tmp_path, settings):
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    path = tmp_path / "dkim.pem"
    path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.TraditionalOpenSSL,
            serialization.NoEncryption(),
        )
    )
    settings.NEWSLETTERS_DKIM = {
        "domain": "news.example.org",
        "selector": "mail2026",
        "key_file": str(path),
    }
    public = key.public_key().public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    return b"v=DKIM1; k=rsa; p=" + base64.b64encode(public)


def test_each_issue_carries_a_dkim_signature_receivers_can_verify(sink, issue, readers, dkim_key):
    readers(3)
    Send.objects.create(issue=issue)
    while delivery.worker_job():
        pass
    assert sink.inbox.count == 3

    def dns(name, timeout=5):
        assert name == b"mail2026._domainkey.news.example.org."
        return dkim_key

    for _sender, _rcpts, content in sink.inbox.messages:
        assert dkim.verify(content, dnsfunc=dns)
        signature = content.split(b"\r\n\r\n")[0].decode()
        assert "d=news.example.org" in signature and "list-unsubscribe" in signature.lower()
    # Changing a signed header (as a forwarder adding a list footer would) breaks it.
    tampered = sink.inbox.messages[0][2].replace(b"Subject: Summit", b"Subject: SUMMIT")
    assert not dkim.verify(tampered, dnsfunc=dns)


def dsn_for(original_message_id, recipient, status="5.1.1", action="failed"):
    report = EmailMessage()
    report["From"] = "MAILER-DAEMON@mx.example.com"
    report["To"] = "bounces@news.example.org"
    report["Subject"] = "Undelivered Mail Returned to Sender"
    report.set_content("The mail system could not deliver your message.")
    status_part = EmailMessage()
    status_part.set_content(
        "Reporting-MTA: dns; mx.example.com\n\n"
        f"Final-Recipient: rfc822; {recipient}\nAction: {action}\nStatus: {status}\n"
        "Diagnostic-Code: smtp; 550 5.1.1 User unknown\n",
        subtype="plain",
    )
    report.make_mixed()
    raw = report.as_bytes().decode()
    # The report type RFC 3464 defines, built by hand: the email package has no helper.
    boundary = report.get_boundary()
    raw = raw.replace("multipart/mixed", 'multipart/report; report-type="delivery-status"', 1)
    tail = f"--{boundary}--"
    extra = (
        f"--{boundary}\nContent-Type: message/delivery-status\n\n"
        "Reporting-MTA: dns; mx.example.com\n\n"
        f"Final-Recipient: rfc822; {recipient}\nAction: {action}\nStatus: {status}\n"
        "Diagnostic-Code: smtp; 550 5.1.1 User unknown\n\n"
        f"--{boundary}\nContent-Type: text/rfc822-headers\n\n"
        f"Message-ID: {original_message_id}\nSubject: Summit week\n\n"
    )
    return raw.replace(tail, extra + tail).encode()


def test_bounce_reports_in_the_mailbox_stop_an_address(sink, issue, readers, tmp_path, settings):
    settings.NEWSLETTERS_BOUNCE_LIMIT = 1
    readers(3)
    send = Send.objects.create(issue=issue)
    while delivery.worker_job():
        pass
    message = sink.inbox.to("reader1@example.com")[0]
    box = mailbox.Maildir(tmp_path / "bounces", create=True)
    box.add(dsn_for(message["Message-ID"], "reader1@example.com"))
    box.add(dsn_for("<someone-else@example.net>", "stranger@example.net"))
    call_command("process_bounces", str(tmp_path / "bounces"))

    row = Delivery.objects.get(send=send, subscriber__email="reader1@example.com")
    assert row.state == Delivery.State.BOUNCED
    report = BounceReport.objects.get()
    assert (report.source, report.status, report.permanent) == ("dsn", "5.1.1", True)
    assert Subscriber.objects.get(email="reader1@example.com").is_bouncing
    assert send.counts()["bounced"] == 1
    assert len(box) == 0  # read messages leave the mailbox

    Send.objects.create(issue=issue)
    while delivery.worker_job():
        pass
    assert sink.inbox.per_recipient["reader1@example.com"] == 1  # nothing more to it
    assert sink.inbox.per_recipient["reader2@example.com"] == 2


def test_a_forged_message_id_bounces_nothing(sink, issue, readers):
    from dateline.newsletters.bounces import process_dsn

    readers(1)
    forged = "<nl.1.1.0000000000@news.example.org>"
    assert process_dsn(dsn_for(forged, "nobody@example.com")) == 0
    assert not BounceReport.objects.exists()


def test_mailto_unsubscribe_from_the_mailbox(sink, issue, readers, tmp_path):
    from urllib.parse import unquote

    readers(2)
    Send.objects.create(issue=issue)
    while delivery.worker_job():
        pass
    header = str(sink.inbox.to("reader0@example.com")[0]["List-Unsubscribe"])
    subject = unquote(header.split("subject=")[1].rstrip(">"))
    request = EmailMessage()
    request["From"] = "reader0@example.com"
    request["To"] = "unsubscribe@news.example.org"
    request["Subject"] = subject
    request.set_content("")
    box = mailbox.Maildir(tmp_path / "box", create=True)
    box.add(request.as_bytes())
    call_command("process_bounces", str(tmp_path / "box"))
    states = dict(Subscriber.objects.values_list("email", "subscriptions__state"))
    assert states == {"reader0@example.com": "left", "reader1@example.com": "active"}


def test_openssl_makes_the_signature_dkimpy_would(tmp_path):
    from dateline.adapters import dkim as adapter

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.TraditionalOpenSSL,
        serialization.NoEncryption(),
    )
    message = b"From: a@news.example.org\r\nTo: b@example.com\r\nSubject: hi\r\n\r\nBody\r\n"
    clock = time_machine.travel(1_800_000_000, tick=False)  # one t= for both signatures
    clock.start()
    fast = adapter.sign(
        message,
        selector="s",
        domain="news.example.org",
        private_key_pem=pem,
        headers=["from", "to", "subject"],
    )
    # dkimpy's own pure-Python RSA, on the same header and key.
    original = dkim.RSASSA_PKCS1_v1_5_sign
    dkim.RSASSA_PKCS1_v1_5_sign = adapter._pure_python_sign
    try:
        slow = dkim.sign(
            message,
            b"s",
            b"news.example.org",
            pem,
            canonicalize=(b"relaxed", b"simple"),
            include_headers=[b"from", b"to", b"subject"],
            linesep=b"\r\n",
        )
    finally:
        dkim.RSASSA_PKCS1_v1_5_sign = original
        clock.stop()
    assert fast == slow
