"""The worker: queued tasks, scheduled pages, overdue articles, and its command line."""

from datetime import timedelta
from io import StringIO

import pytest
import time_machine
from django.core.management import CommandError, call_command
from django.utils import timezone
from django_tasks import task
from django_tasks_db.models import DBTaskResult
from taggit.models import Tag

from dateline.news.models import ArticlePage
from dateline.news.tests.html import parse, text
from dateline.newsroom.overdue import overdue_articles

from .conftest import paragraph

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


def test_overdue_articles_show_on_the_dashboard_until_the_worker_runs(client, editor, new_article):
    article = new_article("scheduled", "Scheduled story", [paragraph("At noon.")], publish=False)
    article.go_live_at = timezone.now() + timedelta(minutes=10)
    article.save_revision().publish()  # approved, scheduled
    never_approved = new_article("stale", "Never approved", [paragraph("Hm.")], publish=False)
    ArticlePage.objects.filter(pk=never_approved.pk).update(
        go_live_at=timezone.now() + timedelta(minutes=5)
    )
    client.force_login(editor)
    assert overdue_articles() == []
    assert client.get("/admin/").status_code == 200
    assert parse(client.get("/admin/")).select_one("#overdue-articles-section") is None

    with time_machine.travel(timezone.now() + timedelta(minutes=15), tick=False):
        overdue = {item.article.title: item for item in overdue_articles()}
        assert set(overdue) == {"Scheduled story", "Never approved"}
        assert overdue["Scheduled story"].approved
        assert not overdue["Never approved"].approved
        panel = parse(client.get("/admin/")).select_one("#overdue-articles-section")
        assert "Scheduled story" in text(panel)
        assert "is the worker running?" in text(panel)
        call_command("worker", "--once", stdout=StringIO())
        assert ArticlePage.objects.get(pk=article.pk).live
        assert [item.article.title for item in overdue_articles()] == ["Never approved"]


@pytest.mark.django_db
@pytest.mark.parametrize("interval", ["0", "31"])
def test_worker_refuses_an_interval_that_would_miss_the_minute(interval):
    with pytest.raises(CommandError, match="between 1 and 30"):
        call_command("worker", "--interval", interval)
