from django.core.management.base import BaseCommand

from dateline.comments.mail import send_moderator_digest


class Command(BaseCommand):
    help = (
        "Mail moderators one digest of the pending comments not yet announced. "
        "Run from cron (e.g. hourly) with COMMENTS_MODERATOR_MAIL=digest."
    )

    def handle(self, *args, **options):
        count = send_moderator_digest()
        self.stdout.write(f"Digest sent for {count} pending comment(s).")
