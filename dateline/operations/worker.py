"""The background worker: scheduled publishing, periodic jobs and queued tasks.

One process does it all, so an operator has one thing to run (and `make
run` runs it): every `publish_interval` seconds it applies Wagtail's own
`publish_scheduled` (due pages go live, expired ones come down) and the
periodic jobs features register (`register_periodic`: live coverage left
idle ends itself); on every turn it runs the jobs features register
(`register_job`: newsletter delivery), each for a bounded time; and in
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
from django_tasks_db.management.commands import db_worker

from .cluster_lock import only_one

logger = logging.getLogger("dateline.worker")

# Tasks run between two scheduling passes, at most; more wait for the next turn
# so a long queue cannot hold back a scheduled front page.
TASKS_PER_TURN = 50

_jobs = []


def register_job(job):
    """`job(worker)`, run once every turn: it works for a bounded time (a second or
    two) and returns how much it did, so the worker sleeps only when nobody had work."""
    if job not in _jobs:
        _jobs.append(job)
    return job


def registered_jobs():
    return tuple(_jobs)


_periodic_jobs = []


def register_periodic(job):
    """Run `job()` on every scheduling pass (every WORKER_INTERVAL seconds)."""
    if job not in _periodic_jobs:
        _periodic_jobs.append(job)
    return job


def periodic_jobs():
    return tuple(_periodic_jobs)


class TaskRunner(db_worker.Worker):
    """django_tasks_db's own worker, counting the tasks it runs."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.ran = 0

    def run_task(self, db_task_result):
        super().run_task(db_task_result)
        self.ran += 1


class Worker:
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
        """Wagtail's scheduled publishing, exactly as its own command does it.

        One worker at a time across every machine: two passes at once would
        both find the same due page and publish it twice.
        """
        with only_one("dateline.worker.scheduling") as mine:
            if not mine:
                return  # another worker is on its pass now
            call_command("publish_scheduled", verbosity=0)
            for job in periodic_jobs():
                try:
                    job()
                except Exception:
                    # One feature's failing job must not stop scheduled publishing.
                    logger.exception("Periodic job %s failed; retrying next pass", job.__name__)
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
        return runner.ran

    def run_jobs(self):
        done = 0
        for job in registered_jobs():
            try:
                done += job(self) or 0
            except Exception:
                # One feature's failure must not stop publishing or the others,
                # nor leave them a broken database connection. (Only after a
                # failure: closing a connection inside a caller's transaction,
                # as `worker --once` may run in one, would end that transaction.)
                logger.exception("Worker job %s failed; retrying", getattr(job, "__name__", job))
                close_old_connections()
        return done

    def run_once(self):
        """One scheduling pass, one turn of queued tasks and of every registered job."""
        self.publish_due_pages()
        return self.run_queued_tasks() + self.run_jobs()

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
            ran += self.run_jobs()
            close_old_connections()
            if not ran:
                time.sleep(self.poll_interval)
