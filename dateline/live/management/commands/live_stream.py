import os
import shutil
import sys

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = (
        "Serve live pages' streams (Server-Sent Events) with Granian's ASGI interface: "
        "run it beside `dateline serve`, behind nginx (deploy/nginx.conf sends /live/stream/ "
        "here with buffering off). One process holds thousands of open streams; run one or "
        "more per machine, each on its own port, all hearing Redis."
    )

    def add_arguments(self, parser):
        parser.add_argument("--host", default=os.environ.get("LIVE_STREAM_HOST", "127.0.0.1"))
        parser.add_argument(
            "--port", type=int, default=int(os.environ.get("LIVE_STREAM_PORT", "8001"))
        )
        parser.add_argument(
            "--workers",
            type=int,
            default=int(os.environ.get("LIVE_STREAM_WORKERS", "1")),
            help="Worker processes (default 1: streams are waiting, not working).",
        )
        parser.add_argument(
            "--max-streams",
            type=int,
            default=int(os.environ.get("LIVE_STREAM_MAX", "20000")),
            help="Open streams per worker before new ones wait (default 20000).",
        )

    def handle(self, *args, **options):
        granian = shutil.which("granian", path=os.path.dirname(sys.executable)) or shutil.which(
            "granian"
        )
        if granian is None:
            raise CommandError("granian is not installed; run `make run` or `pip install -e .`")
        if not settings.REDIS_URL:
            self.stderr.write(
                "No REDIS_URL: this process reads the database every second for changes."
            )
        self.stdout.write(
            f"Live streams at http://{options['host']}:{options['port']}/live/stream/"
            " (Ctrl+C to stop)"
        )
        argv = [
            granian,
            "--interface",
            "asgi",
            "dateline.live.stream.app:application",
            "--host",
            options["host"],
            "--port",
            str(options["port"]),
            "--workers",
            str(options["workers"]),
            "--backlog",
            "4096",
            # Granian's default lets backlog/workers requests run at once; an
            # open stream is one of them for as long as the reader stays.
            "--backpressure",
            str(options["max_streams"]),
            "--respawn-failed-workers",
            "--no-access-log",
        ]
        sys.stdout.flush()
        os.execv(granian, argv)  # noqa: S606 - replace this process with the server
