"""The newsroom's background worker: scheduled publishing and queued tasks.

One process does both, so an operator has one thing to run (and `make run`
runs it): every `publish_interval` seconds it applies Wagtail's own
`publish_scheduled` (due pages go live, expired ones come down), and in
between it runs the background tasks other parts of Dateline queue with
django_tasks' `@task`, when tasks are kept in the database.
"""

import logging
import os
import signal
import time

from django.conf import settings
from django.core.management import call_command
from django.db import close_old_connections
from django.utils import timezone
from django.utils.crypto import get_random_string
from django_tasks import task_backends
from django_tasks_db.backend import DatabaseBackend
from django_tasks_db.management.commands.db_worker import Worker as TaskRunner

logger = logging.getLogger("dateline.worker")

# Tasks run between two scheduling passes, at most; more wait for the next turn
# so a long queue cannot hold back a scheduled front page.
TASKS_PER_TURN = 50


class NewsroomWorker:
    def __init__(self, publish_interval=None, poll_interval=1.0, parent_pid=None):
        self.publish_interval = publish_interval or settings.DATELINE_WORKER_INTERVAL
        self.poll_interval = poll_interval
        # When started by a server, stop when that server is gone rather than
        # linger as an orphan.
        self.parent_pid = parent_pid
        self.worker_id = get_random_string(32)
        self.running = True
        self.last_publish_pass = None

    @staticmethod
    def keeps_tasks_in_database():
        return isinstance(task_backends["default"], DatabaseBackend)

    def publish_due_pages(self):
        """Wagtail's scheduled publishing, exactly as its own command does it."""
        call_command("publish_scheduled", verbosity=0)
        self.last_publish_pass = timezone.now()

    def run_queued_tasks(self, limit=TASKS_PER_TURN):
        if not self.keeps_tasks_in_database():
            return 0
        runner = TaskRunner(
            queue_names=["*"],
            interval=0,
            batch=True,
            backend_name="default",
            startup_delay=False,
            max_tasks=limit,
            worker_id=self.worker_id,
            excluded_queue_names=[],
        )
        runner.run()
        return runner._run_tasks

    def run_once(self):
        """One scheduling pass and one turn of queued tasks."""
        self.publish_due_pages()
        return self.run_queued_tasks()

    def stop(self, signum=None, frame=None):
        self.running = False

    def parent_is_gone(self):
        return self.parent_pid is not None and os.getppid() != self.parent_pid

    def run_forever(self):
        signal.signal(signal.SIGTERM, self.stop)
        signal.signal(signal.SIGINT, self.stop)
        next_publish = 0.0
        while self.running and not self.parent_is_gone():
            close_old_connections()
            ran = 0
            try:
                if time.monotonic() >= next_publish:
                    self.publish_due_pages()
                    next_publish = time.monotonic() + self.publish_interval
                ran = self.run_queued_tasks()
            except Exception:
                # A failure (a locked database, one broken page) is logged and
                # retried on the next turn; the worker itself keeps going.
                logger.exception("Worker turn failed; retrying")
            close_old_connections()
            if not ran:
                time.sleep(self.poll_interval)
