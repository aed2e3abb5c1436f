"""An editor sees the editorial checks in Wagtail's Checks panel, jumps to a
field from a finding, and sees unsaved changes checked as they type."""

from urllib.parse import urlsplit

import pytest

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "a long editor password"


@pytest.fixture
def draft():
    from django.contrib.auth import get_user_model

    from dateline.demo.loader import load_demo_site
    from dateline.editorial_checks.tests.factories import make_photo
    from dateline.editorial_checks.tests.reference import reference_article
    from dateline.news.models import ArticleAuthor, AuthorPage, SectionPage

    load_demo_site()
    get_user_model().objects.create_superuser("editor", "editor@example.com", PASSWORD)
    page = reference_article(make_photo())
    page.slug, page.live = "leaders-meet", False
    page.bylines = [ArticleAuthor(author=AuthorPage.objects.get(slug="maria-lund"))]
    SectionPage.objects.get(slug="world").add_child(instance=page)
    page.save_revision()
    return page


def open_checks_panel(open_page, article):
    """Sign in as the editor, open the article in the editor and its Checks panel."""
    page, _, watcher = open_page("/admin/login/")
    page.fill("#id_username", "editor")
    page.fill("#id_password", PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/admin/")
    page.goto(page.url + f"pages/{article.pk}/edit/")
    page.get_by_role("button", name="Toggle checks").click()
    panel = page.locator("[data-editorial-checks]")
    panel.get_by_role("heading", name="Editorial checks").wait_for()
    # Opening the panel has Wagtail render the preview once (the first render
    # makes the images' renditions); the test's in-memory SQLite cannot store
    # a form while that render reads one, so let it finish first.
    watcher.wait_until_quiet()
    return page, panel, watcher


def leave_the_editor(page):
    """Stop its preview and session pings, and let requests already on the
    server finish before the test database is flushed."""
    page.goto("about:blank")
    page.wait_for_timeout(500)


def test_editor_checks_a_draft_and_its_unsaved_changes(draft, open_page, output_dir, settings):
    # Autosave writes while the preview reads; the test's in-memory SQLite
    # reports "table is locked" at once where a real database would wait.
    settings.WAGTAIL_AUTOSAVE_INTERVAL = 0
    # The button alone sends the form here: the preview's own updates, racing
    # it to store the form, are the next test's.
    settings.WAGTAIL_AUTO_UPDATE_PREVIEW_INTERVAL = 0
    page, panel, watcher = open_checks_panel(open_page, draft)
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
    # The preview the panel loaded when it opened may still be re-checked
    # first (also "Unsaved changes", with the old deck); the button's check
    # follows it and must clear the finding.
    panel.locator('[data-finding="sentence-case"]').wait_for(state="detached", timeout=10_000)
    assert deck_note.count() == 0
    assert panel.locator('[data-finding="figure-alt-repeats-caption"]').count() == 1

    # Wagtail's admin asks Gravatar for the editor's avatar, which fails
    # offline; no script error may occur.
    assert {urlsplit(url).hostname for url in watcher.foreign_requests} <= {"www.gravatar.com"}
    failed_loads = "Failed to load resource: net::ERR_NAME_NOT_RESOLVED"
    assert [e for e in watcher.console_errors if e != failed_loads] == []
    leave_the_editor(page)


@pytest.mark.parametrize(
    "preview_interval",
    [
        # While the Checks panel is open, Wagtail sends the form to its
        # preview as it changes; the panel re-checks each preview.
        pytest.param(500, id="wagtail-preview-sends"),
        # Wagtail sends nothing (or missed an edit): the panel sends the form
        # itself once the editor pauses.
        pytest.param(0, id="panel-sends"),
    ],
)
def test_checks_panel_follows_the_editor_as_they_type(draft, open_page, settings, preview_interval):
    from wagtail.models import Revision

    settings.WAGTAIL_AUTOSAVE_INTERVAL = 0
    settings.WAGTAIL_AUTO_UPDATE_PREVIEW_INTERVAL = preview_interval

    clean = "Two leaders meet for talks behind closed doors at a remote air base."
    draft.deck = clean
    draft.save_revision()
    revisions = Revision.page_revisions.filter(object_id=str(draft.pk)).count()
    page, panel, _ = open_checks_panel(open_page, draft)
    deck = page.locator("#id_deck")
    deck_notes = page.locator("#panel-child-content-child-deck-wrapper .editorial-checks__inline")

    def deck_finding(code):
        return panel.locator(f'[data-field="deck"][data-finding="{code}"]')

    def deck_note(code):
        return deck_notes.and_(page.locator(f'[data-finding="{code}"]'))

    assert panel.locator('[data-field="deck"]').count() == 0

    deck.fill("")
    deck.press_sequentially("Two Leaders Meet For Talks Behind Closed Doors At A Remote Air Base")
    deck_finding("sentence-case").wait_for()
    assert "Meet" in deck_finding("sentence-case").inner_text()
    assert "sentence case" in deck_note("sentence-case").inner_text()
    summary = panel.locator("[data-editorial-checks-summary]")
    assert summary.inner_text().startswith("Unsaved changes:")

    # Fixed, but with two spaces where one belongs.
    deck.fill(clean.replace("meet for", "meet  for"))
    deck_finding("double-space").wait_for()
    deck_finding("sentence-case").wait_for(state="detached")
    assert deck_note("sentence-case").count() == 0

    deck.fill(clean)
    deck_finding("double-space").wait_for(state="detached")
    assert panel.locator('[data-field="deck"]').count() == 0
    assert deck_notes.count() == 0

    # Nothing was saved along the way.
    assert Revision.page_revisions.filter(object_id=str(draft.pk)).count() == revisions
    assert draft.get_latest_revision_as_object().deck == clean
    leave_the_editor(page)
