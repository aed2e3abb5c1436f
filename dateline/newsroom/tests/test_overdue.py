"""Scheduled articles the worker has not published show on the editors' dashboard."""

from datetime import timedelta
from io import StringIO

import time_machine
from django.core.management import call_command
from django.utils import timezone

from dateline.news.models import ArticlePage
from dateline.news.tests.content import paragraph
from dateline.news.tests.html import parse, text
from dateline.newsroom.overdue import overdue_articles


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
