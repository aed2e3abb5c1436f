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


def plural(kind):
    return kind[:-1] + "ies" if kind.endswith("y") else kind + "s"


class Progress:
    """A byte-count bar per pass over the file on a terminal; plain lines elsewhere.

    A log (cron, CI, `make bench-import > log`) gets one line as each pass
    starts, one at every tenth of the file, and one as it ends, with the
    objects handled so far; a bar's redraws would fill it with control codes.
    """

    STEP = 10  # percent of the file between two plain lines

    def __init__(self, stream, mode):
        self.stream, self.mode = stream, mode  # mode: "bar", "lines" or "off"
        self.bar, self.items = None, Counter()
        self.name, self.total, self.done, self.reported = "", 0, 0, 0

    def phase(self, name, total):
        self.close()
        self.items = Counter()
        self.name, self.total, self.done, self.reported = name, total, 0, 0
        if self.mode == "lines":
            self.line(f"started ({total / 1e6:.1f} MB)")
        self.bar = tqdm(
            total=total,
            desc=name,
            unit="B",
            unit_scale=True,
            file=self.stream,
            disable=self.mode != "bar",
            leave=True,
        )

    def counts(self):
        return ", ".join(f"{count:,} {plural(name)}" for name, count in self.items.items())

    def item(self, kind):
        """Show how many objects of each kind the pass handled, e.g. "1,204 posts, 310 comments"."""
        self.items[kind] += 1
        if self.bar is not None and not self.bar.disable:
            self.bar.set_postfix_str(self.counts(), refresh=False)

    def advance(self, count):
        if self.bar is not None:
            self.bar.update(count)
        self.done += count
        if self.mode == "lines" and self.total:
            percent = min(100, 100 * self.done // self.total)
            if percent >= self.reported + self.STEP and percent < 100:
                self.reported = percent - percent % self.STEP
                self.line(f"{self.reported}%" + (f", {self.counts()}" if self.items else ""))

    def line(self, text):
        self.stream.write(f"{self.name}: {text}\n")
        self.stream.flush()

    def close(self):
        if self.bar is not None:
            self.bar.close()
            self.bar = None
            if self.mode == "lines":
                self.line("done" + (f", {self.counts()}" if self.items else ""))


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
            help="show a progress bar (auto: a bar on a terminal, plain lines otherwise)",
        )

    def handle(self, *args, export, uploads, dry_run, progress, **options):
        # The stream under Django's wrapper, which would end every bar update with a newline.
        err = getattr(self.stderr, "_out", sys.stderr)
        on_terminal = "bar" if err.isatty() else "lines"
        bar = Progress(err, {"always": "bar", "never": "off"}.get(progress, on_terminal))
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
