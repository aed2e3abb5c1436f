from django.core.management.base import BaseCommand, CommandError

from dateline.operations.backup import BackupError, restore_backup


class Command(BaseCommand):
    help = (
        "Replace the database and media with those in a `dateline backup` archive. "
        "Run `dateline migrate` first on a new server."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", help="The archive written by `dateline backup`.")
        parser.add_argument(
            "--noinput",
            "--no-input",
            action="store_false",
            dest="interactive",
            help="Do not ask for confirmation.",
        )

    def handle(self, *args, path, interactive=True, **options):
        if interactive:
            answer = input(
                "This replaces every article, page, user and comment in the database with the "
                "backup's. Type 'yes' to continue: "
            )
            if answer.strip().lower() != "yes":
                raise CommandError("Restore cancelled; nothing was changed.")
        try:
            manifest, media = restore_backup(path)
        except BackupError as error:
            raise CommandError(f"Restore failed, nothing was changed: {error}") from error
        self.stdout.write(f"Restored the backup of {manifest['created_at']} ({media} media files).")
