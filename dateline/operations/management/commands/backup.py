from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from dateline.operations.backup import BackupError, create_backup


class Command(BaseCommand):
    help = "Write the database and all uploaded media into one .tar.gz archive."

    def add_arguments(self, parser):
        parser.add_argument(
            "path",
            nargs="?",
            help="Where to write the archive (default: var/backups/dateline-<UTC time>.tar.gz).",
        )

    def handle(self, *args, path=None, **options):
        if path is None:
            stamp = timezone.now().strftime("%Y%m%dT%H%M%SZ")
            path = Path(settings.VAR_DIR) / "backups" / f"dateline-{stamp}.tar.gz"
        try:
            manifest = create_backup(path)
        except (BackupError, OSError) as error:
            raise CommandError(f"Backup failed: {error}") from error
        media = sum(1 for name in manifest["files"] if name.startswith("media/"))
        self.stdout.write(f"Backup written to {path} (database and {media} media files).")
