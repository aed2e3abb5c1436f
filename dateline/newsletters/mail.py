"""Messages as bytes on the wire: headers, MIME parts, DKIM.

A `PreparedSend` builds everything common to a send once (the sender, the
subject, the list headers, the two bodies) and then makes each reader's
message with a few byte operations: their address, a Message-ID, their
unsubscribe and preferences tokens, quoted-printable encoding (C code in
binascii) and, with a key configured, a DKIM signature. No header ever holds
reader input: the address is normalised on sign-up (addresses.py), and
editor-written names and subjects pass through the email package's header
encoder, which cannot emit a line break.
"""

import binascii
import functools
import hashlib
import hmac
import re
import time
from email.headerregistry import Address
from email.message import EmailMessage as MIMEMessage
from email.policy import SMTP
from email.utils import formatdate
from urllib.parse import quote, urlsplit

from django.conf import settings
from django.core.mail import EmailMessage
from django.urls import reverse

from dateline.adapters import dkim

from .compose import LEAVE, PREFS, site_url
from .tokens import LeaveSigner, preferences_token

LEADING_DOT = re.compile(rb"(?m)^\.")
BOUNDARY = b"=_dateline_part_0f1e"


def message_domain():
    """The domain of Message-IDs, List-Ids and the default bounce address: the site's own."""
    return settings.NEWSLETTERS_DOMAIN or urlsplit(site_url()).hostname or "localhost"


def return_path():
    return settings.NEWSLETTERS_RETURN_PATH or f"bounces@{message_domain()}"


def unsubscribe_mailbox():
    return settings.NEWSLETTERS_UNSUBSCRIBE_MAILTO or f"unsubscribe@{message_domain()}"


def message_id_mac(send_id, delivery_id):
    raw = f"{send_id}.{delivery_id}".encode()
    return hmac.new(settings.SECRET_KEY.encode(), raw, hashlib.sha256).hexdigest()[:10]


def message_id(send_id, delivery_id):
    return f"<nl.{send_id}.{delivery_id}.{message_id_mac(send_id, delivery_id)}@{message_domain()}>"


MESSAGE_ID_RE = re.compile(r"<nl\.(\d{1,18})\.(\d{1,18})\.([0-9a-f]{10})@")


def delivery_from_message_id(value):
    """The delivery id a Message-ID of ours names (checked against its MAC), or None."""
    found = MESSAGE_ID_RE.search(value or "")
    if not found:
        return None
    send_id, delivery_id, mac = found.groups()
    if not hmac.compare_digest(mac, message_id_mac(send_id, delivery_id)):
        return None
    return int(delivery_id)


def _header_block(pairs):
    """Headers through the email package's SMTP policy: encoded, folded, never broken."""
    message = MIMEMessage(policy=SMTP)
    for name, value in pairs:
        if value:
            message[name] = value
    return bytes(message).split(b"\r\n\r\n", 1)[0] + b"\r\n"


def _qp(text):
    return binascii.b2a_qp(text.replace("\r\n", "\n").replace("\n", "\r\n").encode(), istext=True)


class PreparedSend:
    """Each reader's message of one send, made from parts built once."""

    def __init__(self, *, send_id, newsletter, subject, html, text, list_unsubscribe=True):
        self.send_id = send_id
        self.newsletter_id = newsletter.pk
        self.sender = Address(newsletter.sender_name, addr_spec=newsletter.sender_email)
        self.envelope_sender = return_path()
        domain = message_domain()
        self.common = (
            _header_block(
                [
                    ("From", self.sender),
                    ("Reply-To", newsletter.reply_to),
                    ("Subject", subject),
                    ("List-Id", f"{newsletter.name} <{newsletter.slug}.{domain}>"),
                    ("Feedback-ID", f"{send_id}:{newsletter.slug}:{domain}"),
                    ("MIME-Version", "1.0"),
                ]
            )
            + b'Content-Type: multipart/alternative; boundary="'
            + BOUNDARY
            + b'"\r\n'
        )
        self.html = html.replace("\r\n", "\n")
        self.text = text.replace("\r\n", "\n")
        self.list_unsubscribe = list_unsubscribe
        self.leave = LeaveSigner()
        self.site = site_url()
        self.leave_path = reverse("newsletters:unsubscribe", args=[LEAVE])
        self.mailto = unsubscribe_mailbox()

    def message(self, *, delivery_id, subscriber_id, address, date=None):
        """The bytes of one reader's message, CRLF line ends, DKIM-signed when configured."""
        leave = self.leave.token(subscriber_id, self.newsletter_id, self.send_id)
        prefs = preferences_token(subscriber_id)
        leave_url = self.site + self.leave_path.replace(LEAVE, leave)
        headers = [
            self.common,
            b"To: " + address.encode("ascii") + b"\r\n",
            b"Date: " + formatdate(date or time.time()).encode() + b"\r\n",
            b"Message-ID: " + message_id(self.send_id, delivery_id).encode() + b"\r\n",
        ]
        if self.list_unsubscribe:
            mailto = f"mailto:{self.mailto}?subject={quote('unsubscribe ' + leave)}"
            headers.append(f"List-Unsubscribe: <{leave_url}>,\r\n <{mailto}>\r\n".encode())
            headers.append(b"List-Unsubscribe-Post: List-Unsubscribe=One-Click\r\n")
        body = b"".join(
            [
                b"\r\n--" + BOUNDARY + b"\r\n",
                b'Content-Type: text/plain; charset="utf-8"\r\n',
                b"Content-Transfer-Encoding: quoted-printable\r\n\r\n",
                _qp(self.text.replace(LEAVE, leave).replace(PREFS, prefs)),
                b"\r\n--" + BOUNDARY + b"\r\n",
                b'Content-Type: text/html; charset="utf-8"\r\n',
                b"Content-Transfer-Encoding: quoted-printable\r\n\r\n",
                _qp(self.html.replace(LEAVE, leave).replace(PREFS, prefs)),
                b"\r\n--" + BOUNDARY + b"--\r\n",
            ]
        )
        message = b"".join(headers) + body
        return sign(message) if settings.NEWSLETTERS_DKIM else message


SIGNED_HEADERS = (
    "from",
    "to",
    "subject",
    "date",
    "message-id",
    "reply-to",
    "list-id",
    "list-unsubscribe",
    "list-unsubscribe-post",
    "mime-version",
    "content-type",
)


@functools.lru_cache(maxsize=4)
def _key(path):
    with open(path, "rb") as key_file:
        return key_file.read()


def sign(message):
    """`message` with a DKIM-Signature for NEWSLETTERS_DKIM's domain and selector prepended.

    Both List-Unsubscribe headers are signed, as RFC 8058 asks."""
    config = settings.NEWSLETTERS_DKIM
    signature = dkim.sign(
        message,
        selector=config["selector"],
        domain=config["domain"],
        private_key_pem=_key(config["key_file"]),
        headers=SIGNED_HEADERS,
    )
    return signature + message


class WireMessage(EmailMessage):
    """Prepared bytes in the shape Django's mail backends take (file, console, SMTP, memory).

    `message()` gives the bytes exactly as prepared, so a signature stays valid."""

    def __init__(self, raw, envelope_sender, recipient):
        super().__init__(from_email=envelope_sender, to=[recipient])
        self.raw = raw

    def message(self, *, policy=None):
        return _Wire(self.raw)


class _Wire:
    def __init__(self, raw):
        self.raw = raw

    def as_bytes(self, unixfrom=False, linesep="\n", policy=None):
        return self.raw if linesep == "\r\n" else self.raw.replace(b"\r\n", linesep.encode())

    def as_string(self, *args, **kwargs):
        return self.as_bytes(*args, **kwargs).decode("utf-8", "replace")

    def get_charset(self):
        return None


def dot_stuffed(raw):
    """The DATA payload as SMTP wants it: a leading dot doubled, ending in CRLF."""
    data = LEADING_DOT.sub(b"..", raw)
    return data if data.endswith(b"\r\n") else data + b"\r\n"
