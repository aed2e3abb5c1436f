import os
import shutil
import sys

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = "Serve the site with the production server (gunicorn) and the current settings."

    def add_arguments(self, parser):
        parser.add_argument("--host", default=os.environ.get("HOST", "127.0.0.1"))
        parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8000")))
        parser.add_argument(
            "--workers",
            type=int,
            default=int(os.environ.get("WEB_CONCURRENCY", "0")) or None,
            help="Worker processes (default: 2 per core, at most 8).",
        )

    def handle(self, *args, **options):
        gunicorn = shutil.which("gunicorn", path=os.path.dirname(sys.executable)) or shutil.which(
            "gunicorn"
        )
        if gunicorn is None:
            raise CommandError("gunicorn is not installed; run `make run` or `pip install -e .`")
        workers = options["workers"] or min(8, 2 * (os.cpu_count() or 1))
        bind = f"{options['host']}:{options['port']}"
        self.stdout.write(f"Dateline is serving at http://{bind}/ (Ctrl+C to stop)")
        argv = [
            gunicorn,
            "dateline.wsgi:application",
            "--bind",
            bind,
            "--workers",
            str(workers),
            "--forwarded-allow-ips",
            os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1"),
        ]
        # With JSON logs Dateline writes its own line per request, without the
        # client address that gunicorn's access log would add.
        if getattr(settings, "LOG_FORMAT", "text") != "json":
            argv += ["--access-logfile", "-"]
        if settings.DEBUG:
            self.stderr.write("Warning: DEBUG is on; readers would see error details.")
        sys.stdout.flush()
        os.execv(gunicorn, argv)  # noqa: S606 - replace this process with the server
