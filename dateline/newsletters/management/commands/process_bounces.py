import sys

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from dateline.newsletters import bounces
from dateline.newsletters.mailbox_unsubscribe import process_unsubscribe_request


class Command(BaseCommand):
    help = (
        "Read bounce reports (DSNs, RFC 3464) and mailto: unsubscribe requests: from a "
        "Maildir (default NEWSLETTERS_BOUNCE_MAILDIR; the worker also reads it every "
        "minute), or one message on standard input with `-` (a mail server's pipe)."
    )

    def add_arguments(self, parser):
        parser.add_argument("source", nargs="?", default=None, help="A Maildir folder, or -")

    def handle(self, *args, source=None, **options):
        if source == "-":
            raw = sys.stdin.buffer.read()
            found = bounces.process_dsn(raw) or int(process_unsubscribe_request(raw))
            self.stdout.write(f"{found} report(s) recorded")
            return
        source = source or settings.NEWSLETTERS_BOUNCE_MAILDIR
        if not source:
            raise CommandError("Name a Maildir, or set NEWSLETTERS_BOUNCE_MAILDIR.")
        self.stdout.write(f"{bounces.process_maildir(source)} message(s) read")
