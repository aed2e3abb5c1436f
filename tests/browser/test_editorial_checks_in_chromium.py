"""An editor sees the editorial checks in Wagtail's Checks panel, jumps to a
field from a finding, and re-checks unsaved changes without saving."""

from urllib.parse import urlsplit

import pytest

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "a long editor password"


@pytest.fixture
def draft():
    from django.contrib.auth import get_user_model

    from dateline.checks.tests.factories import make_photo
    from dateline.checks.tests.reference import reference_article
    from dateline.demo.loader import load_demo_site
    from dateline.news.models import ArticleAuthor, AuthorPage, SectionPage

    load_demo_site()
    get_user_model().objects.create_superuser("editor", "editor@example.com", PASSWORD)
    page = reference_article(make_photo())
    page.slug, page.live = "leaders-meet", False
    page.bylines = [ArticleAuthor(author=AuthorPage.objects.get(slug="maria-lund"))]
    SectionPage.objects.get(slug="world").add_child(instance=page)
    page.save_revision()
    return page


def test_editor_checks_a_draft_and_its_unsaved_changes(draft, open_page, output_dir, settings):
    # Autosave writes while the preview reads; the test's in-memory SQLite
    # reports "table is locked" at once where a real database would wait.
    settings.WAGTAIL_AUTOSAVE_INTERVAL = 0
    page, _, watcher = open_page("/admin/login/")
    page.fill("#id_username", "editor")
    page.fill("#id_password", PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/admin/")

    page.goto(page.url + f"pages/{draft.pk}/edit/")
    page.get_by_role("button", name="Toggle checks").click()
    panel = page.locator("[data-editorial-checks]")
    panel.get_by_role("heading", name="Editorial checks").wait_for()
    assert (
        panel.locator("[data-editorial-checks-summary]")
        .inner_text()
        .startswith("Last saved draft:")
    )

    # Every finding's link leads to an input that exists in the editor.
    for code in ["figure-alt-repeats-caption", "name-spelling", "sentence-case"]:
        link = panel.locator(f'[data-finding="{code}"] a[href^="#"]').first
        target = link.get_attribute("href")
        assert page.locator(target).count() == 1, (code, target)
    page.screenshot(path=str(output_dir / "editorial-checks-panel.png"), full_page=False)

    # The same findings sit under the fields they concern.
    deck_note = page.locator("#panel-child-content-child-deck-wrapper .editorial-checks__inline")
    assert "sentence case" in deck_note.inner_text()
    alt_field = page.locator("#body-1-value-image-alt_text").locator(
        "xpath=ancestor::*[@data-field-wrapper][1]"
    )
    alt_note = alt_field.locator(
        '.editorial-checks__inline[data-finding="figure-alt-repeats-caption"]'
    )
    assert "screen reader reads it twice" in alt_note.inner_text()

    # Fix the deck without saving; the panel re-checks what is on screen.
    page.locator("#id_deck").fill("Two leaders meet for talks at a remote air base.")
    panel.get_by_role("button", name="Check unsaved changes").click()
    summary = panel.locator("[data-editorial-checks-summary]")
    summary.filter(has_text="Unsaved changes").wait_for()
    assert panel.locator('[data-finding="sentence-case"]').count() == 0
    assert deck_note.count() == 0
    assert panel.locator('[data-finding="figure-alt-repeats-caption"]').count() == 1

    # Wagtail's admin asks Gravatar for the editor's avatar, which fails
    # offline; no script error may occur.
    assert {urlsplit(url).hostname for url in watcher.foreign_requests} <= {"www.gravatar.com"}
    failed_loads = "Failed to load resource: net::ERR_NAME_NOT_RESOLVED"
    assert [e for e in watcher.console_errors if e != failed_loads] == []

    # Leave the editor (its preview and session pings stop) and let requests
    # already on the server finish before the test database is flushed.
    page.goto("about:blank")
    page.wait_for_timeout(500)
