"""A newsletter send run for real: its own database, a worker process, an SMTP sink.

The exactly-once test and the benchmark both use it: `seed()` runs inside a
`dateline` subprocess to fill the database (bulk-created confirmed readers,
one issue, one send due now), and `NewsletterRun` starts and kills
`dateline worker` processes against it while the sink counts what arrives.
"""

import os
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from .migrated import migrated
from .servers import DATELINE, ROOT, Process, dateline

SEED = "import django; django.setup(); from dateline.testing.newsletters import seed; seed({args})"


def seed(readers, cards=0, batch=5000):
    """Inside Django: a newsletter with `readers` confirmed readers, an issue with
    `cards` article cards (from the demo site), and a send due now."""
    from django.db import transaction
    from django.utils import timezone

    from dateline.news.models import ArticlePage
    from dateline.newsletters.models import Issue, Newsletter, Send, Subscriber, Subscription

    newsletter = Newsletter.objects.create(
        name="Morning Briefing",
        slug="morning-briefing",
        description="The day's essential stories.",
        schedule="Weekdays at 7:00",
        sender_name="Dateline Morning",
        sender_email="morning@news.example.org",
    )
    now = timezone.now()
    for start in range(0, readers, batch):
        with transaction.atomic():
            subscribers = Subscriber.objects.bulk_create(
                Subscriber(email=f"reader{n}@example.com", confirmed_at=now)
                for n in range(start, min(start + batch, readers))
            )
            Subscription.objects.bulk_create(
                Subscription(subscriber=s, newsletter=newsletter, state="active", confirmed_at=now)
                for s in subscribers
            )
    articles = list(ArticlePage.objects.live().order_by("-first_published_at")[:cards])
    body = [
        {"type": "article", "value": {"article": a.pk, "headline": "", "deck": ""}}
        for a in articles
    ]
    body.append({"type": "paragraph", "value": "<p>Thank you for reading.</p>"})
    issue = Issue.objects.create(
        newsletter=newsletter,
        subject="The morning's stories",
        intro="Good morning. Here is what happened overnight.",
        body=body,
    )
    Send.objects.create(issue=issue, scheduled_for=now)


class NewsletterRun:
    """A private var/ folder (SQLite unless `database_url`), migrated and seeded."""

    def __init__(self, sink, *, readers, cards=0, database_url=None, extra_env=None, demo=False):
        self.dir = Path(tempfile.mkdtemp(prefix="dateline-newsletters-"))
        self.env = {
            **os.environ,
            "DATELINE_VAR_DIR": str(self.dir),
            "SECRET_KEY": "newsletter-run-secret-key-" + "x" * 30,
            "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "EMAIL_HOST": "127.0.0.1",
            "EMAIL_PORT": str(sink.port),
            "NEWSLETTERS_BASE_URL": "https://news.example.org",
            "NEWSLETTERS_JOURNAL_DIR": str(self.dir / "journal"),
            "TASKS_BACKEND": "database",
            "LOG_LEVEL": "WARNING",
            **(extra_env or {}),
        }
        self.env.pop("DATABASE_URL", None)
        if database_url:
            self.env["DATABASE_URL"] = database_url
        self.workers = []
        migrated(self.env)
        if demo:
            dateline(self.env, "load_demo", timeout=600)
        started = time.monotonic()
        subprocess.run(  # noqa: S603 - our own code
            [sys.executable, "-c", SEED.format(args=f"{readers}, {cards}")],
            env={**self.env, "DJANGO_SETTINGS_MODULE": "dateline.settings"},
            cwd=ROOT,
            check=True,
            capture_output=True,
            timeout=600,
        )
        self.seed_seconds = time.monotonic() - started

    def start_worker(self, name="worker"):
        log = self.dir / f"{name}-{len(self.workers)}.log"
        worker = Process([*DATELINE, "worker", "--interval", "30"], log, env=self.env, cwd=ROOT)
        self.workers.append(worker)
        return worker

    def query(self, sql):
        """One SQL answer (rows) from the run's database."""
        if "DATABASE_URL" in self.env:
            import psycopg

            with psycopg.connect(self.env["DATABASE_URL"]) as conn:
                return conn.execute(sql).fetchall()
        with sqlite3.connect(self.dir / "dateline.sqlite3", timeout=30) as conn:
            return conn.execute(sql).fetchall()

    def send_state(self):
        return self.query("SELECT state FROM newsletters_send")[0][0]

    def delivery_states(self):
        return dict(self.query("SELECT state, COUNT(*) FROM newsletters_delivery GROUP BY state"))

    def wait_until_finished(self, timeout=300):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.send_state() == "finished":
                return True
            time.sleep(0.2)
        return False

    def stop(self):
        for worker in self.workers:
            worker.stop()
