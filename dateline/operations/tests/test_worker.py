"""The worker: queued tasks and its command line (scheduled pages: newsroom/tests)."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django_tasks import task
from django_tasks_db.models import DBTaskResult
from taggit.models import Tag

DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


@task()
def create_tag(name):
    """Stands for any task another app queues: it leaves a row behind."""
    Tag.objects.create(name=name, slug=name.lower())
    return name


# Transactional: the worker checks its connection between tasks the way a
# long-running process must, which would end a test's wrapping transaction.
@pytest.mark.django_db(transaction=True)
def test_worker_runs_tasks_queued_in_the_database(settings):
    settings.TASKS = DATABASE_TASKS
    result = create_tag.enqueue("Queued")
    assert DBTaskResult.objects.get(id=result.id).status == "READY"
    assert not Tag.objects.filter(name="Queued").exists()
    out = StringIO()
    call_command("worker", "--once", stdout=out)
    assert "1 queued task(s) run" in out.getvalue()
    assert Tag.objects.filter(name="Queued").exists()
    assert DBTaskResult.objects.get(id=result.id).status == "SUCCESSFUL"


@pytest.mark.django_db
@pytest.mark.parametrize("interval", ["0", "31"])
def test_worker_refuses_an_interval_that_would_miss_the_minute(interval):
    with pytest.raises(CommandError, match="between 1 and 30"):
        call_command("worker", "--interval", interval)
