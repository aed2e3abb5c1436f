"""`dateline import-wordpress export.xml --uploads wp-content/uploads [--dry-run]`"""

import sys
from collections import Counter

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from dateline.importer.run import ImportAborted, WordPressImport

# Exit statuses: 0 everything imported (skips are listed, not errors),
# 1 some objects failed (listed), 2 nothing imported (bad file or options).
EXIT_SOME_FAILED = 1
EXIT_ABORTED = 2


class Progress:
    """A byte-count bar per pass over the file; silent when not on a terminal."""

    def __init__(self, stream, enabled):
        self.stream, self.enabled, self.bar, self.items = stream, enabled, None, Counter()

    def phase(self, name, total):
        self.close()
        self.items = Counter()
        self.bar = tqdm(
            total=total,
            desc=name,
            unit="B",
            unit_scale=True,
            file=self.stream,
            disable=not self.enabled,
            leave=True,
        )

    def item(self, kind):
        """Show how many objects of each kind the pass handled, e.g. "1,204 posts, 310 comments"."""
        self.items[kind] += 1
        if self.bar is not None and not self.bar.disable:
            counts = ", ".join(f"{count:,} {name}s" for name, count in self.items.items())
            self.bar.set_postfix_str(counts, refresh=False)

    def advance(self, count):
        if self.bar is not None:
            self.bar.update(count)

    def close(self):
        if self.bar is not None:
            self.bar.close()
            self.bar = None


class Command(BaseCommand):
    help = "Import a WordPress export (WXR) file: posts, authors, categories, tags and images."

    def add_arguments(self, parser):
        parser.add_argument("export", help="the .xml file from WordPress's Tools > Export")
        parser.add_argument(
            "--uploads",
            metavar="PATH",
            help="a local copy of the site's wp-content/uploads folder, for the images",
        )
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="show what would be imported, and save nothing",
        )
        parser.add_argument(
            "--progress",
            choices=["auto", "always", "never"],
            default="auto",
            help="show a progress bar (auto: only on a terminal)",
        )

    def handle(self, *args, export, uploads, dry_run, progress, **options):
        # The stream under Django's wrapper, which would end every bar update with a newline.
        err = getattr(self.stderr, "_out", sys.stderr)
        enabled = {"always": True, "never": False}.get(progress, err.isatty())
        bar = Progress(err, enabled)
        job = WordPressImport(
            export,
            uploads=uploads,
            dry_run=dry_run,
            on_progress=bar.advance,
            on_phase=bar.phase,
            on_item=bar.item,
        )
        try:
            summary = job.run()
        except ImportAborted as error:
            raise CommandError(str(error), returncode=EXIT_ABORTED) from None
        finally:
            bar.close()

        if dry_run:
            self.stdout.write("Dry run: nothing was saved. The import would:")
            for line in job.ctx.planned if job.ctx else []:
                self.stdout.write(f"  {line}")
        for line in summary.notes():
            self.stdout.write(line)
        self.stdout.write("Summary" + (" (dry run)" if dry_run else "") + ":")
        for line in summary.table():
            self.stdout.write(f"  {line}")
        if summary.failed:
            self.stderr.write(f"{len(summary.failures)} object(s) failed to import; see above.")
            sys.exit(EXIT_SOME_FAILED)
