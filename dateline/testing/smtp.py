"""A real SMTP server on loopback (aiosmtpd) that keeps what it is given.

Tests and the newsletter benchmark deliver to it over TCP exactly as to a
relay, and read what arrived with the stdlib email package. It can refuse
chosen recipients, permanently (5xx) or for a number of tries (4xx).
"""

import collections
import email
import threading
from email import policy

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP

from .servers import free_port


class Inbox:
    def __init__(self, keep_content=True):
        self.keep_content = keep_content
        self.messages = []  # (mail_from, [rcpt], content bytes)
        self.count = 0
        self.per_recipient = collections.Counter()
        self.refuse = {}  # address -> "550 5.1.1 ..." (always)
        self.defer = {}  # address -> [remaining tries, "451 ..."]
        self.lock = threading.Lock()

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # noqa: N802
        if address in self.refuse:
            return self.refuse[address]
        deferred = self.defer.get(address)
        if deferred and deferred[0] > 0:
            deferred[0] -= 1
            return deferred[1]
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):  # noqa: N802
        with self.lock:
            self.count += 1
            self.per_recipient.update(envelope.rcpt_tos)
            if self.keep_content:
                self.messages.append(
                    (envelope.mail_from, list(envelope.rcpt_tos), envelope.original_content)
                )
        return "250 2.0.0 Accepted"

    def parsed(self):
        """Every message as an email.message.EmailMessage (policy.default)."""
        return [
            email.message_from_bytes(content, policy=policy.default)
            for _sender, _rcpts, content in self.messages
        ]

    def to(self, address):
        return [
            email.message_from_bytes(content, policy=policy.default)
            for _sender, rcpts, content in self.messages
            if address in rcpts
        ]


class _Controller(Controller):
    def factory(self):
        # 8BITMIME and SMTPUTF8 as a real relay offers them; big enough for an issue.
        return SMTP(self.handler, enable_SMTPUTF8=True, data_size_limit=10_000_000)


class SMTPSink:
    """`with SMTPSink() as sink:` a server on 127.0.0.1:`sink.port`, stopped on exit."""

    def __init__(self, keep_content=True):
        self.inbox = Inbox(keep_content=keep_content)
        self.port = free_port()
        self.controller = _Controller(self.inbox, hostname="127.0.0.1", port=self.port)

    def start(self):
        self.controller.start()
        return self

    def stop(self):
        self.controller.stop()

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()

    def settings(self):
        """The Django settings that send to this server."""
        return {
            "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "NEWSLETTERS_EMAIL_BACKEND": "dateline.newsletters.backends.StagedSMTPBackend",
            "EMAIL_HOST": "127.0.0.1",
            "EMAIL_PORT": self.port,
            "EMAIL_USE_TLS": False,
        }


def main():
    """`python -m dateline.testing.smtp PORT`: a sink in a process of its own (benchmarks:
    the server must not share the sender's interpreter). Stops on SIGTERM."""
    import signal
    import sys

    sink = SMTPSink(keep_content=False)
    sink.port = int(sys.argv[1])
    sink.controller = _Controller(sink.inbox, hostname="127.0.0.1", port=sink.port)
    sink.start()
    print("ready", flush=True)
    signal.sigwait({signal.SIGTERM, signal.SIGINT})
    sink.stop()


if __name__ == "__main__":
    main()
