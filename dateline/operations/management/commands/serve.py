import os
import shutil
import sys

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = (
        "Serve the site with the production server (Granian, WSGI) and the current settings. "
        "Granian was measured against gunicorn's sync and threaded workers on the cached "
        "article page and served about three times as many requests per second."
    )

    def add_arguments(self, parser):
        parser.add_argument("--host", default=os.environ.get("HOST", "127.0.0.1"))
        parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8000")))
        parser.add_argument(
            "--workers",
            type=int,
            default=int(os.environ.get("WEB_CONCURRENCY", "0")) or None,
            help="Worker processes (default: one per core).",
        )
        parser.add_argument(
            "--threads",
            type=int,
            default=int(os.environ.get("WEB_THREADS", "4")),
            help="Threads per worker for the Django application (default 4).",
        )
        parser.add_argument(
            "--nice",
            type=int,
            default=int(os.environ.get("WEB_NICE", "0")),
            help="Lower the server's CPU priority by this much (0-19; the render pool's, "
            "docs/caching.md: cold renders yield the cores to nginx and the other processes).",
        )

    def handle(self, *args, **options):
        granian = shutil.which("granian", path=os.path.dirname(sys.executable)) or shutil.which(
            "granian"
        )
        if granian is None:
            raise CommandError("granian is not installed; run `make run` or `pip install -e .`")
        workers = options["workers"] or os.cpu_count() or 1
        self.stdout.write(
            f"Dateline is serving at http://{options['host']}:{options['port']}/ (Ctrl+C to stop)"
        )
        argv = [
            granian,
            "--interface",
            "wsgi",
            "dateline.wsgi:application",
            "--host",
            options["host"],
            "--port",
            str(options["port"]),
            "--workers",
            str(workers),
            "--blocking-threads",
            str(options["threads"]),
            "--backlog",
            "2048",
            "--respawn-failed-workers",
        ]
        # With JSON logs Dateline writes its own line per request, without the
        # client address that the server's access log would add.
        if getattr(settings, "LOG_FORMAT", "text") != "json":
            argv += ["--access-log"]
        if settings.DEBUG:
            self.stderr.write("Warning: DEBUG is on; readers would see error details.")
        if options["nice"]:
            # Kept across execv and by every worker Granian starts.
            os.nice(options["nice"])
        sys.stdout.flush()
        os.execv(granian, argv)  # noqa: S606 - replace this process with the server
