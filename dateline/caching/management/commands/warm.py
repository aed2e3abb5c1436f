"""`dateline warm`: render the most read and newest pages now, with progress."""

import sys

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from dateline.caching import warming
from dateline.caching.policy import PageCachePolicy

# Without a terminal: a plain line every tenth of the way, or every this many pages.
LINE_EVERY = 25


class Command(BaseCommand):
    help = (
        "Render pages into the page cache before readers ask: the front and sections, the pages "
        "readers had rendered most recently, then the newest, for every address readers use. "
        "The worker does the same by itself when a new release starts."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--limit",
            type=int,
            default=None,
            help="how many pages (default: PAGE_CACHE_WARM_AFTER_DEPLOY)",
        )
        parser.add_argument("--all", action="store_true", help="every public page")
        parser.add_argument(
            "--origin",
            action="append",
            default=[],
            help="scheme://host to render for (repeatable; default: those readers used, "
            "or BASE_URL)",
        )
        parser.add_argument(
            "--progress",
            choices=["auto", "always", "never"],
            default="auto",
            help="a progress bar (auto: only on a terminal; otherwise plain lines)",
        )

    def handle(self, *args, limit, all, origin, progress, **options):  # noqa: A002
        policy = PageCachePolicy.from_settings()
        if not policy.enabled:
            raise CommandError("The page cache is off (PAGE_CACHE=0): there is nothing to warm.")
        origins = origin or warming.reader_origins(policy)
        if not origins:
            raise CommandError(
                "No reader has been served yet and BASE_URL is not set: "
                "say which address to warm with --origin https://news.example.org"
            )
        paths = warming.pages_to_warm(None if all else (limit or policy.warm_after_deploy))
        # The stream under Django's wrapper, which would end every bar update with a newline.
        err = getattr(self.stderr, "_out", sys.stderr)
        bar_on = {"always": True, "never": False}.get(progress, err.isatty())
        self.stdout.write(f"Warming {len(paths)} pages for {', '.join(origins)}")
        bar = tqdm(total=len(paths), unit="page", file=err, disable=not bar_on, leave=True)
        done = 0
        every = max(1, min(LINE_EVERY, len(paths) // 10))

        def on_page(path, outcomes):
            nonlocal done
            done += 1
            bar.update(1)
            if not bar_on and (done % every == 0 or done == len(paths)):
                self.stdout.write(f"{done}/{len(paths)} pages ({path})")

        try:
            counts = warming.render_paths(paths, origins, on_page=on_page)
        finally:
            bar.close()
        summary = ", ".join(f"{count} {outcome}" for outcome, count in sorted(counts.items()))
        self.stdout.write(f"Warmed {len(paths)} pages: {summary or 'nothing to do'}")
