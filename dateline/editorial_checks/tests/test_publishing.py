"""Every road to going live stops at an open blocking finding, and tells the
person who tried: the Publish button, a version from the history, workflow
approval, bulk publishing, the admin API, code, and scheduled publishing.

The draft's figure has alt text that repeats its caption, which sites block by
default. Each refusal leaves the article as it was (not live, or live with the
earlier version), keeps what the editor wrote, and adds a row to its history.
"""

from datetime import timedelta
from io import StringIO

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.management import call_command
from django.utils import timezone
from wagtail.models import PageLogEntry, Revision, WorkflowState

from dateline.editorial_checks.models import EditorialChecksSettings
from dateline.editorial_checks.publishing import BLOCKED_ACTION, HELD_ACTION, PublishingBlocked
from dateline.news.models import ArticlePage, SectionPage
from dateline.news.tests.html import parse, text
from dateline.newsroom.roles import setup_roles

from .editor_forms import CAPTION, GOOD_ALT, REPEATING_ALT, dismiss_in_panel, edit_url, post_data
from .factories import article, p

REFUSED = "Not published: 1 finding blocks publishing (Body block 2 (figure alt text):"
DISMISSAL = "Agency photo; the caption is the agency's own description."


def shown_messages(response):
    """The messages the admin page shows, as the editor reads them."""
    items = parse(response).select(".messages li")
    for hidden_button in parse_buttons(items):
        hidden_button.decompose()  # "Go to the first error", shown only beside form errors
    return [text(item) for item in items]


def parse_buttons(items):
    return [button for item in items for button in item.select("button.w-hidden")]


def refusals(page, action=BLOCKED_ACTION):
    return list(PageLogEntry.objects.filter(page=page, action=action).order_by("pk"))


def history(client, page):
    return text(parse(client.get(f"/admin/pages/{page.pk}/history/")))


def alt_text(version):
    return version.body[1].value["image"].contextual_alt_text


def stored(page):
    return ArticlePage.objects.get(pk=page.pk)


@pytest.fixture
def blocked(client, editor, draft, photo):
    """The draft saved with the repeating alt text, as the editor left it."""
    data = post_data(draft, photo, alt=REPEATING_ALT, caption=CAPTION, action="action-save")
    assert client.post(edit_url(draft), data, follow=True).status_code == 200
    return stored(draft)


@pytest.fixture
def site_checks(demo_site):
    return EditorialChecksSettings.for_site(demo_site.get_site())


def test_publish_button_refuses_and_keeps_the_draft(client, editor, draft, photo):
    data = post_data(draft, photo, alt=REPEATING_ALT, caption=CAPTION)
    response = client.post(edit_url(draft), data, follow=True)
    assert response.redirect_chain[-1][0] == edit_url(draft)
    [message] = shown_messages(response)
    assert message.startswith(REFUSED)
    assert message.endswith(
        "Your changes are saved as a draft; fix or dismiss the finding in the "
        "article's Checks panel."
    )
    page = stored(draft)
    assert not page.live and page.live_revision is None
    assert alt_text(page.get_latest_revision_as_object()) == REPEATING_ALT
    [refusal] = refusals(draft)
    assert refusal.user == editor and refusal.revision == page.latest_revision
    assert refusal.data["findings"][0]["code"] == "figure-alt-repeats-caption"
    assert "Not published; blocking editorial checks: Body block 2" in history(client, draft)

    client.post(edit_url(draft), post_data(draft, photo, alt=GOOD_ALT, caption=CAPTION))
    page = stored(draft)
    assert page.live and page.live_revision == page.latest_revision


def test_a_site_can_make_a_check_non_blocking(client, editor, draft, photo, site_checks):
    site_checks.blocking_checks = []
    site_checks.save()
    client.post(edit_url(draft), post_data(draft, photo, alt=REPEATING_ALT, caption=CAPTION))
    assert stored(draft).live
    assert refusals(draft) == []


def test_publishing_an_old_version_from_the_history_is_checked(client, editor, blocked, photo):
    old = blocked.latest_revision
    client.post(edit_url(blocked), post_data(blocked, photo, alt=GOOD_ALT, caption=CAPTION))
    live = stored(blocked).live_revision
    assert live is not None and live != old

    revert_url = f"/admin/pages/{blocked.pk}/revisions/{old.pk}/revert/"
    assert client.get(revert_url).status_code == 200
    data = post_data(blocked, photo, alt=REPEATING_ALT, caption=CAPTION)
    response = client.post(revert_url, data, follow=True)
    assert shown_messages(response)[0].startswith(REFUSED)
    page = stored(blocked)
    assert page.live and page.live_revision == live  # the fixed version stays live
    assert alt_text(page.get_latest_revision_as_object()) == REPEATING_ALT
    assert len(refusals(blocked)) == 1


@pytest.fixture
def in_review(blocked, demo_site):
    """The draft submitted to the newsroom's review workflow by its reporter."""
    setup_roles()
    reporter = get_user_model().objects.create_user("rita", "rita@example.com", "x" * 16)
    blocked.get_workflow().start(blocked, reporter)
    return blocked


def test_workflow_approval_is_refused_until_the_finding_is_dismissed(
    client, editor, in_review, photo
):
    state = WorkflowState.objects.get(object_id=str(in_review.pk))
    data = post_data(
        in_review, photo, alt=REPEATING_ALT, caption=CAPTION, action="action-workflow-action"
    )
    data["workflow-action-name"] = "approve"
    response = client.post(edit_url(in_review), data, follow=True)
    assert response.redirect_chain[-1][0] == edit_url(in_review)
    [message] = shown_messages(response)
    assert message.startswith(
        "Not approved: “Leaders meet at the air base for talks on the war”: 1 finding blocks "
        "publishing (Body block 2 (figure alt text):"
    )
    assert "It is still in review and its changes are saved" in message
    state.refresh_from_db()
    assert state.status == WorkflowState.STATUS_IN_PROGRESS
    assert state.current_task_state.status == "in_progress"
    page = stored(in_review)
    assert not page.live and page.live_revision is None
    assert not PageLogEntry.objects.filter(page=page, action="wagtail.workflow.approve").exists()
    [refusal] = refusals(page)
    assert refusal.user == editor

    # The dashboard's approve button opens Wagtail's modal, which posts with
    # XHR and follows the redirect it is given.
    task_state = state.current_task_state
    modal = client.post(
        f"/admin/pages/workflow/action/{page.pk}/approve/{task_state.pk}/",
        {"comment": ""},
        headers={"x-requested-with": "XMLHttpRequest"},
    )
    assert modal.json()["step"] == "success"
    assert modal.json()["redirect"] == edit_url(page)
    assert shown_messages(client.get(edit_url(page)))[0].startswith("Not approved:")
    state.refresh_from_db()
    assert state.status == WorkflowState.STATUS_IN_PROGRESS
    assert len(refusals(page)) == 2

    dismiss_in_panel(client, page, "figure-alt-repeats-caption", DISMISSAL)
    client.post(edit_url(page), data)
    state.refresh_from_db()
    assert state.status == WorkflowState.STATUS_APPROVED
    page = stored(page)
    assert page.live and page.live_revision == page.latest_revision


@pytest.fixture
def clean_draft(demo_site):
    page = article(
        "Ferry timetable changes for the winter season",
        "The northern route runs twice a day from November until the end of March.",
        [p("The harbour office published the new times on Monday.")],
    )
    page.slug, page.live = "ferry-timetable", False
    SectionPage.objects.get(slug="world").add_child(instance=page)
    page.save_revision()
    return page


def bulk_publish(client, pages, include_descendants=False):
    ids = "&".join(f"id={page.pk}" for page in pages)
    url = f"/admin/bulk/wagtailcore/page/publish/?{ids}&next=/admin/pages/"
    data = {"include_descendants": "on"} if include_descendants else {}
    return client.post(url, data, follow=True)


def test_bulk_publishing_publishes_nothing_while_one_article_is_blocked(
    client, editor, blocked, clean_draft
):
    response = bulk_publish(client, [clean_draft, blocked])
    assert response.redirect_chain[-1][0] == "/admin/pages/"
    [message] = shown_messages(response)
    assert message.startswith(
        "Nothing was published. “Leaders meet at the air base for talks on the war”: "
        "1 finding blocks publishing (Body block 2 (figure alt text):"
    )
    assert message.endswith("or leave that article out.")
    assert not stored(blocked).live and stored(blocked).live_revision is None
    assert not stored(clean_draft).live
    assert len(refusals(blocked)) == 1 and refusals(clean_draft) == []

    # Publishing the section with its drafts below it finds the same article.
    world = SectionPage.objects.get(slug="world")
    response = bulk_publish(client, [world], include_descendants=True)
    assert shown_messages(response)[0].startswith("Nothing was published. “Leaders meet")
    assert not stored(clean_draft).live

    dismiss_in_panel(client, blocked, "figure-alt-repeats-caption", DISMISSAL)
    response = bulk_publish(client, [clean_draft, blocked])
    assert shown_messages(response) == ["2 pages have been published"]
    page = stored(blocked)
    assert page.live and page.live_revision == page.latest_revision
    assert stored(clean_draft).live


def test_the_admin_api_refuses_too(client, editor, blocked):
    response = client.post(f"/admin/api/main/pages/{blocked.pk}/action/publish/", {})
    assert response.status_code == 400
    assert response.json()["message"].startswith(REFUSED)
    assert not stored(blocked).live
    assert len(refusals(blocked)) == 1


def test_code_publishing_a_revision_gets_an_exception(blocked):
    with pytest.raises(PublishingBlocked, match="1 finding blocks publishing"):
        blocked.get_latest_revision().publish()
    page = stored(blocked)
    assert not page.live and page.live_revision is None


def test_scheduled_publishing_holds_the_article_and_tells_its_people(
    client, editor, blocked, photo, site_checks
):
    owner = get_user_model().objects.create_user("rita", "rita@example.com", "x" * 16)
    ArticlePage.objects.filter(pk=blocked.pk).update(owner=owner)
    # Scheduled while the site did not block the check; it does by the time
    # the article falls due.
    blocking = site_checks.blocking_checks
    site_checks.blocking_checks = []
    site_checks.save()
    go_live = (timezone.now() + timedelta(hours=1)).replace(second=0, microsecond=0)
    data = post_data(blocked, photo, alt=REPEATING_ALT, caption=CAPTION, go_live_at=go_live)
    client.post(edit_url(blocked), data)
    scheduled = Revision.page_revisions.get(object_id=str(blocked.pk), approved_go_live_at=go_live)
    site_checks.blocking_checks = blocking
    site_checks.save()
    mail.outbox.clear()

    with time_machine.travel(go_live + timedelta(minutes=2), tick=False):
        call_command("worker", "--once", stdout=StringIO())
        page = stored(blocked)
        assert not page.live and page.live_revision is None
        scheduled.refresh_from_db()
        assert scheduled.approved_go_live_at == go_live  # still scheduled
        [held] = refusals(page, HELD_ACTION)
        assert held.revision == scheduled and held.user is None
        [notice] = mail.outbox
        assert notice.to == ["rita@example.com", "editor@example.com"]
        assert notice.subject == (
            "Not published: “Leaders meet at the air base for talks on the war” "
            "is held by the editorial checks"
        )
        assert "- Body block 2 (figure alt text): " in notice.body
        assert f"/admin/pages/{page.pk}/edit/" in notice.body
        assert "Due but not published, still scheduled" in history(client, page)
        dashboard = parse(client.get("/admin/")).select_one("#overdue-articles-section")
        assert "Held by the editorial checks" in text(dashboard)

        # The next pass asks again, and records and tells nobody twice.
        call_command("worker", "--once", stdout=StringIO())
        assert len(refusals(page, HELD_ACTION)) == 1 and len(mail.outbox) == 1

        dismiss_in_panel(client, page, "figure-alt-repeats-caption", DISMISSAL)
        call_command("worker", "--once", stdout=StringIO())
        page = stored(page)
        assert page.live and page.live_revision == scheduled
        assert page.first_published_at >= go_live
