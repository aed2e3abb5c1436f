"""A reporter and an editor work through Wagtail's admin in Chromium.

The reporter writes an article with a figure and submits it; the editor sets
a publish time and approves it; the worker publishes it at that time; the
editor adds a correction; a reader sees it all, change log included.
"""

from datetime import timedelta

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.utils import timezone

from dateline.news.models import ArticlePage, SectionPage
from dateline.newsroom.roles import setup_roles

pytestmark = pytest.mark.django_db(transaction=True)
PASSWORD = "correct horse 42"
SLUG = "lighthouse-keepers-vote-to-strike"
CORRECTION = "An earlier version said the strike would last a month."


@pytest.fixture
def newsroom(settings):
    # The test database is in-memory SQLite shared by the live server's
    # threads; the editor's background autosave would write while the page's
    # own requests do, which that setup cannot take. Autosave stays on in use.
    settings.WAGTAIL_AUTOSAVE_INTERVAL = 0
    from dateline.demo.loader import load_demo_site

    load_demo_site()
    groups = setup_roles()
    for name, role in (("rita", "reporter"), ("ed", "editor")):
        user = get_user_model().objects.create_user(
            username=name, email=f"{name}@newsroom.example", password=PASSWORD
        )
        user.groups.add(groups[role])


@pytest.fixture
def session(browser, live_server):
    contexts = []

    def _open(username=None):
        context = browser.new_context(viewport={"width": 1280, "height": 1000})
        contexts.append(context)
        page = context.new_page()
        if username:
            page.goto(live_server.url + "/admin/login/")
            page.get_by_label("Username").fill(username)
            page.get_by_label("Password").fill(PASSWORD)
            page.get_by_role("button", name="Sign in").click()
            page.wait_for_url(live_server.url + "/admin/")
        return page

    yield _open
    for context in contexts:
        context.close()


def reporter_writes_and_submits(page, base):
    world = SectionPage.objects.get(slug="world")
    page.goto(f"{base}/admin/pages/add/news/articlepage/{world.pk}/")
    page.get_by_placeholder("Headline*").fill("Lighthouse keepers vote to strike")
    page.locator("#id_deck").fill("The last six keepers want the automation plan delayed.")
    page.get_by_role("button", name="Choose a page (Author page)").click()
    page.locator(".modal-content").get_by_role("link", name="Tomas Okafor").click()
    page.locator(".modal-content").wait_for(state="hidden")

    page.get_by_role("button", name="Insert a block").first.click()
    page.get_by_role("option", name="Paragraph").click()
    page.keyboard.press("Escape")
    page.locator("#body-root .public-DraftEditor-content").last.click()
    page.keyboard.type("The keepers voted on Monday to stop work for a week.")

    page.get_by_role("button", name="Insert a block").last.click()
    page.get_by_role("option", name="Figure").click()
    page.keyboard.press("Escape")
    page.locator("#body-root").get_by_role("button", name="Choose an image").click()
    page.locator(".modal-content").get_by_role("link", name="Police roadblock").click()
    page.locator(".modal-content").wait_for(state="hidden")
    page.locator("input[name$='-value-image-alt_text']").fill("Police beside barriers.")
    page.locator("input[name$='-value-caption']").fill("Keepers marched past the lamp room.")
    page.locator("input[name$='-value-credit']").fill("Tomas Okafor / Dateline")

    page.get_by_role("button", name="More actions").click()
    page.get_by_role("button", name="Submit to Newsroom review").click()
    page.get_by_text("created and submitted for moderation").wait_for()


def editor_schedules_and_approves(page, base, article, go_live):
    page.goto(f"{base}/admin/pages/{article.pk}/edit/")
    # One input to the minute, in the newsroom's time zone, then the main
    # button, which is the decision while the article waits for review.
    page.get_by_label("Publish at").fill(timezone.localtime(go_live).strftime("%Y-%m-%dT%H:%M"))
    # The form posts and Wagtail redirects: wait for that page, not for a quiet
    # network, which the editor page before the click may already have had.
    with page.expect_navigation():
        page.get_by_role("button", name="Approve and Publish").click()


def editor_adds_correction(page, base, article):
    page.goto(f"{base}/admin/pages/{article.pk}/edit/")
    page.get_by_role("button", name="Add Correction or update").click()
    page.locator("select[name='notes-0-kind']").select_option("correction")
    page.locator("textarea[name='notes-0-text']").fill(CORRECTION)
    page.get_by_role("button", name="Publish", exact=True).click()
    page.get_by_text("has been published").wait_for()


def test_from_reporter_to_correction_in_chromium(newsroom, session, live_server, output_dir):
    base = live_server.url
    reporter = session("rita")
    reporter_writes_and_submits(reporter, base)
    article = ArticlePage.objects.get(slug=SLUG)
    assert not article.live
    # The reporter has no publish button at all.
    reporter.goto(f"{base}/admin/pages/{article.pk}/edit/")
    reporter.get_by_role("button", name="More actions").click()
    assert reporter.get_by_role("button", name="Publish", exact=True).count() == 0

    editor = session("ed")
    go_live = (timezone.now() + timedelta(minutes=3)).replace(second=0, microsecond=0)
    editor_schedules_and_approves(editor, base, article, go_live)
    article.refresh_from_db()
    assert not article.live and article.go_live_at == go_live
    editor.screenshot(path=str(output_dir / "newsroom-approved.png"))

    reader = session()
    assert reader.goto(f"{base}/world/{SLUG}/").status == 404

    # The worker run just after the publish time publishes it; from here on
    # the clock runs from then.
    with time_machine.travel(go_live + timedelta(seconds=10), tick=True):
        call_command("worker", "--once")
        assert ArticlePage.objects.get(pk=article.pk).live
        response = reader.goto(f"{base}/world/{SLUG}/")
        assert response.status == 200
        assert reader.locator("h1").inner_text() == "Lighthouse keepers vote to strike"
        assert "stop work for a week" in reader.locator(".article-body").inner_text()
        caption = reader.locator("figure figcaption").inner_text()
        assert caption.startswith("Keepers marched past the lamp room.")

        editor_adds_correction(editor, base, article)
        reader.goto(f"{base}/world/{SLUG}/")
        assert CORRECTION in reader.locator(".notes-corrections").inner_text()
        # A click returns before the next page loads, and all_inner_texts()
        # does not wait: read through expect(), which waits for the new page.
        from playwright.sync_api import expect

        reader.get_by_role("link", name="How this article changed").click()
        expect(reader.locator(".version-meta strong")).to_have_text(["Version 2", "Version 1"])
        reader.get_by_role("link", name="What changed from version 1").click()
        expect(reader.locator(".diff-field ins")).to_have_text(["Correction: " + CORRECTION])
        reader.screenshot(path=str(output_dir / "newsroom-change-diff.png"), full_page=True)
