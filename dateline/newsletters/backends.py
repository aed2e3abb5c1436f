"""Django's SMTP backend, able to hand over one prepared message in stages.

`send_prepared` speaks MAIL, RCPT and DATA itself on the backend's own
connection (opened, reused and closed by Django's code, with every EMAIL_*
setting), so that it can call `before_final_dot()` after the whole message
is on the wire and just before the "." that asks the server to take it. That
one moment is where responsibility passes to the server; delivery.py writes
it to its journal there (docs/newsletters.md: "the ambiguous window").
"""

import smtplib
import socket

from django.core.mail.backends.smtp import EmailBackend as DjangoSMTPBackend

from .mail import dot_stuffed


class StagedSMTPBackend(DjangoSMTPBackend):
    def open(self):
        opened = super().open()
        if self.connection is not None and self.connection.sock is not None:
            # The final "." is a tiny write after a large one: without this, Nagle's
            # algorithm holds it until the server's delayed ACK (up to 40 ms a message).
            self.connection.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        return opened

    def send_prepared(self, envelope_sender, recipient, raw, before_final_dot):
        """Hand `raw` (CRLF bytes) to the server for `recipient`; raise smtplib's
        exceptions (with the server's code) on refusal."""
        if self.connection is None:
            self.open()
        smtp = self.connection
        smtp.ehlo_or_helo_if_needed()
        code, reply = smtp.mail(envelope_sender)
        if code != 250:
            smtp.rset()
            raise smtplib.SMTPSenderRefused(code, reply, envelope_sender)
        code, reply = smtp.rcpt(recipient)
        if code not in (250, 251):
            smtp.rset()
            raise smtplib.SMTPRecipientsRefused({recipient: (code, reply)})
        code, reply = smtp.docmd("DATA")
        if code != 354:
            smtp.rset()
            raise smtplib.SMTPDataError(code, reply)
        smtp.send(dot_stuffed(raw))
        before_final_dot()
        smtp.send(b".\r\n")
        code, reply = smtp.getreply()
        if code != 250:
            raise smtplib.SMTPDataError(code, reply)
        return code
