import os

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from dateline.operations.worker import Worker

MAX_PUBLISH_INTERVAL = 30  # seconds: due pages must go live within a minute


class Command(BaseCommand):
    help = (
        "Publish due scheduled pages (and unpublish expired ones) every --interval "
        "seconds, and run queued background tasks. Runs until stopped."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--interval",
            type=int,
            default=settings.DATELINE_WORKER_INTERVAL,
            help=f"Seconds between scheduling passes, 1 to {MAX_PUBLISH_INTERVAL} (default: "
            "%(default)s, from WORKER_INTERVAL).",
        )
        parser.add_argument(
            "--once", action="store_true", help="Do one pass and one turn of tasks, then exit."
        )
        parser.add_argument(
            "--exit-with-parent",
            action="store_true",
            help="Stop when the process that started this one exits (used by `make run`).",
        )

    def handle(self, *args, interval, once, exit_with_parent, **options):
        if not 1 <= interval <= MAX_PUBLISH_INTERVAL:
            raise CommandError(f"--interval must be between 1 and {MAX_PUBLISH_INTERVAL} seconds")
        if settings.DATELINE_WORKER_NICE:
            # Background work: readers' requests on the same cores go first.
            os.nice(settings.DATELINE_WORKER_NICE)
        worker = Worker(
            publish_interval=interval, parent_pid=os.getppid() if exit_with_parent else None
        )
        if once:
            ran = worker.run_once()
            self.stdout.write(f"Scheduled publishing done; {ran} queued task(s) run.")
            return
        mode = "database queue" if worker.keeps_tasks_in_database() else "tasks run inline"
        self.stdout.write(
            f"Dateline worker: scheduled publishing every {interval}s, {mode}. Ctrl+C stops it."
        )
        self.stdout.flush()
        worker.run_forever()
