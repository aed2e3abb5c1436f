from django.conf import settings
from django.core.management.base import BaseCommand

from dateline.comments.privacy import purge_expired


class Command(BaseCommand):
    help = (
        "Forget commenters' IP addresses older than COMMENTS_IP_RETENTION_DAYS and erase "
        "trashed or spam comments older than COMMENTS_TRASH_RETENTION_DAYS. Run daily."
    )

    def handle(self, *args, **options):
        cleared, erased = purge_expired()
        self.stdout.write(
            f"Cleared {cleared} IP addresses older than {settings.COMMENTS_IP_RETENTION_DAYS} "
            f"days; erased {erased} comments trashed more than "
            f"{settings.COMMENTS_TRASH_RETENTION_DAYS} days ago."
        )
