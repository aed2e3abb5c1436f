"""The newsroom's day, through Wagtail's admin with the test client.

A reporter writes an article with a figure and submits it; an editor sends it
back, then approves it with a publish time; the worker publishes it at that
time; the editor adds a correction; the change log shows both versions.
"""

from datetime import timedelta

import time_machine
from django.core import mail
from django.core.management import call_command
from django.utils import timezone
from wagtail.models import WorkflowState

from dateline.news.models import ArticlePage, AuthorPage, SectionPage
from dateline.news.tests.html import parse, text
from dateline.newsroom.overdue import overdue_articles

from .admin_forms import article_form, figure, paragraph

PUBLIC_URL = "/world/lighthouse-keepers-vote-to-strike/"


def mail_to(address):
    return [m for m in mail.outbox if address in m.to]


def test_reporter_to_editor_to_worker_to_correction(client, reporter, editor, demo_image):
    world = SectionPage.objects.get(slug="world")
    tomas = AuthorPage.objects.get(slug="tomas-okafor")
    first_draft = {
        "title": "Lighthouse keepers vote to strike",
        "slug": "lighthouse-keepers-vote-to-strike",
        "deck": "The last six keepers want the automation plan delayed.",
        "authors": [tomas],
        "body": [
            paragraph("<p>The keepers voted on Monday to stop work for a week.</p>"),
            figure(
                demo_image,
                "The Skarholm light seen from the ferry.",
                "Tomas Okafor / Dateline",
                "A white lighthouse on a rocky point.",
            ),
        ],
    }

    # 1. The reporter writes the article and submits it for review.
    client.force_login(reporter)
    add_url = f"/admin/pages/add/news/articlepage/{world.pk}/"
    assert client.get(add_url).status_code == 200
    response = client.post(add_url, article_form(**first_draft, **{"action-submit": "1"}))
    assert response.status_code == 302, response.content.decode()[:2000]
    article = ArticlePage.objects.get(slug=first_draft["slug"])
    assert not article.live
    state = WorkflowState.objects.get(object_id=str(article.pk))
    assert state.status == WorkflowState.STATUS_IN_PROGRESS
    assert state.current_task_state.task.name == "Editor review"
    # Editors hear about it.
    assert any("Lighthouse keepers" in m.subject for m in mail_to(editor.email))
    # The reporter cannot publish, even by posting the button's name.
    edit_url = f"/admin/pages/{article.pk}/edit/"
    bylines = list(article.bylines.values_list("pk", flat=True))
    client.post(
        edit_url,
        article_form(**first_draft, existing_bylines=bylines, **{"action-publish": "1"}),
    )
    assert not ArticlePage.objects.get(pk=article.pk).live
    assert client.get(PUBLIC_URL).status_code == 404

    # 2. The editor sends it back with a comment; the reporter is told.
    client.force_login(editor)
    assert client.get(edit_url).status_code == 200
    mail.outbox.clear()
    client.post(
        edit_url,
        article_form(
            **first_draft,
            existing_bylines=bylines,
            **{
                "action-workflow-action": "true",
                "workflow-action-name": "reject",
                "workflow-action-extra-data": '{"comment": "Which union? Name it."}',
            },
        ),
    )
    state.refresh_from_db()
    assert state.status == WorkflowState.STATUS_NEEDS_CHANGES
    [changes_requested] = mail_to(reporter.email)
    assert "Which union? Name it." in changes_requested.body

    # 3. The reporter revises and resubmits.
    client.force_login(reporter)
    revised = dict(
        first_draft,
        body=[
            paragraph(
                "<p>The keepers, members of the Coastal Workers Union, voted on Monday "
                "to stop work for a week.</p>"
            ),
            first_draft["body"][1],
        ],
    )
    client.post(
        edit_url,
        article_form(**revised, existing_bylines=bylines, **{"action-restart-workflow": "1"}),
    )
    state = WorkflowState.objects.get(object_id=str(article.pk), status="in_progress")

    # 4. The editor approves it with a publish time; nothing is live yet.
    client.force_login(editor)
    go_live = (timezone.now() + timedelta(hours=2)).replace(second=0, microsecond=0)
    mail.outbox.clear()
    response = client.post(
        edit_url,
        article_form(
            **revised,
            existing_bylines=bylines,
            go_live_at=go_live,
            **{"action-workflow-action": "true", "workflow-action-name": "approve"},
        ),
    )
    assert response.status_code == 302
    state.refresh_from_db()
    assert state.status == WorkflowState.STATUS_APPROVED
    assert mail_to(reporter.email), "the reporter is told the article was approved"
    article.refresh_from_db()
    assert not article.live and article.go_live_at == go_live
    assert client.get(PUBLIC_URL).status_code == 404

    # 5. The worker leaves it alone before its time and publishes it at the time.
    with time_machine.travel(go_live - timedelta(seconds=30), tick=False):
        call_command("worker", "--once")
        assert not ArticlePage.objects.get(pk=article.pk).live
        assert overdue_articles() == []
    # From here on the clock runs from just after the publish time.
    with time_machine.travel(go_live + timedelta(seconds=20), tick=True):
        call_command("worker", "--once")
        after_the_time(client, article, revised, bylines, go_live)


def after_the_time(client, article, revised, bylines, go_live):
    edit_url = f"/admin/pages/{article.pk}/edit/"
    article = ArticlePage.objects.get(pk=article.pk)
    assert article.live and article.first_published_at >= go_live
    page = parse(client.get(PUBLIC_URL))
    assert "Coastal Workers Union" in text(page.select_one(".article-body"))
    assert "The Skarholm light seen from the ferry." in text(page.select_one("figcaption"))

    # 6. The editor adds a correction and publishes it.
    correction = "An earlier version said the keepers would stop work for a month."
    client.post(
        edit_url,
        article_form(
            **revised,
            existing_bylines=bylines,
            notes=[
                {
                    "kind": "correction",
                    "text": correction,
                    "noted_at": (timezone.now()).strftime("%Y-%m-%d %H:%M"),
                }
            ],
            **{"action-publish": "1"},
        ),
    )
    page = parse(client.get(PUBLIC_URL))
    assert correction in text(page.select_one(".notes-corrections"))
    assert page.select_one(".change-log-link a")["href"] == PUBLIC_URL + "changes/"

    # 7. The public change log shows both published versions and what changed.
    client.logout()
    log = parse(client.get(PUBLIC_URL + "changes/"))
    versions = [text(v.select_one(".version-meta strong")) for v in log.select(".version")]
    assert versions == ["Version 2", "Version 1"]
    diff = parse(client.get(PUBLIC_URL + "changes/1/2/"))
    fields = {text(s.h2): s for s in diff.select(".diff-field")}
    assert [text(i) for i in fields["Corrections and updates"].select("ins")] == [
        "Correction: " + correction
    ]
    assert text(fields["Body"]) == "Body No change."
    # The version the editor sent back was never published, so it is not a version.
    assert client.get(PUBLIC_URL + "changes/1/3/").status_code == 404
