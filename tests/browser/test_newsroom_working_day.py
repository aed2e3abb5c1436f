"""The newsroom's working day in Chromium, counting what each task takes.

A reporter starts an article from the dashboard; an editor schedules one to the
minute; a moderator approves a comment from the queue; an editor reads the
Checks panel. Each test counts the clicks (and typed fields) it needs, drives
part of the screen by keyboard alone, checks the new screens with axe-core and
the console for errors, and saves screenshots at 1280 and 390 px wide (copied
into docs/screenshots/ for the docs).
"""

import re
from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "correct horse 42"
WIDTHS = {"desktop": (1280, 900), "phone": (390, 844)}
AXE_RULES = {"runOnly": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}
COUNTS = {}


class Actions:
    """What a person does, counted: each click, each key pressed to activate, each field filled."""

    def __init__(self, page):
        self.page = page
        self.count = 0

    def click(self, locator):
        self.count += 1
        locator.click()

    def press_enter_on(self, locator):
        self.count += 1
        locator.focus()
        self.page.keyboard.press("Enter")

    def fill(self, locator, value):
        self.count += 1
        locator.fill(value)


@pytest.fixture
def newsroom(settings):
    # The test database is in-memory SQLite shared by the live server's
    # threads; autosave writing while the page's own requests run is more
    # than that setup takes. Autosave's answers are tested with the test client.
    settings.WAGTAIL_AUTOSAVE_INTERVAL = 0
    settings.WAGTAIL_AUTO_UPDATE_PREVIEW_INTERVAL = 0
    settings.TIME_ZONE = "Europe/Oslo"
    from dateline.demo.loader import load_demo_site
    from dateline.news.models import AuthorPage
    from dateline.newsroom.roles import setup_roles

    load_demo_site()
    groups = setup_roles()
    users = {}
    for name, role in (("rita", "reporter"), ("ed", "editor"), ("mo", "moderator")):
        user = get_user_model().objects.create_user(
            username=name, email=f"{name}@newsroom.example", password=PASSWORD
        )
        user.groups.add(groups[role])
        users[name] = user
    tomas = AuthorPage.objects.get(slug="tomas-okafor")
    tomas.user = users["rita"]
    tomas.save_revision().publish()
    return users


@pytest.fixture
def sign_in(browser, live_server):
    from tests.browser.conftest import PageWatcher

    contexts = []

    def _sign_in(username, width=1280, height=900):
        context = browser.new_context(viewport={"width": width, "height": height})
        contexts.append(context)
        page = context.new_page()
        watcher = PageWatcher(page, live_server.url)
        page.goto(live_server.url + "/admin/login/")
        page.get_by_label("Username").fill(username)
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Sign in").click()
        page.wait_for_url(live_server.url + "/admin/")
        return page, watcher

    yield _sign_in
    for context in contexts:
        context.close()


def no_axe_violations(page, selector):
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page, context={"include": [[selector]]}, options=AXE_RULES)
    assert results.violations_count == 0, results.generate_report()


def shoot(page, output_dir, name, device):
    page.wait_for_timeout(400)  # messages and panels slide in
    page.screenshot(path=str(output_dir / f"{name}-{WIDTHS[device][0]}.png"))


@pytest.mark.parametrize("device", WIDTHS)
def test_a_reporter_starts_an_article_in_two_clicks(
    newsroom, sign_in, live_server, output_dir, device
):
    page, watcher = sign_in("rita", *WIDTHS[device])
    panel = page.locator("#start-writing-section")
    shoot(page, output_dir, "dashboard-start-writing", device)
    no_axe_violations(page, "#start-writing-section")

    person = Actions(page)
    person.click(panel.get_by_role("link", name="New article"))
    page.get_by_role("heading", name="New article").wait_for()
    shoot(page, output_dir, "new-article-section", device)
    no_axe_violations(page, ".newsroom-sections")
    # The section is chosen by keyboard as well as by mouse: a link, Enter.
    person.press_enter_on(page.get_by_role("link", name=re.compile(r"^World\b")))
    page.wait_for_url("**/admin/pages/add/news/articlepage/*/")
    COUNTS["New article from the dashboard"] = person.count
    assert person.count == 2

    headline = page.get_by_role("textbox", name="Headline*", exact=True)
    assert headline.get_attribute("placeholder") == "Headline*"
    byline = page.locator("#inline_child_bylines-0")
    assert "Tomas Okafor" in byline.inner_text()  # the signed-in reporter, already there
    headline.fill("Lighthouse keepers vote to strike")
    shoot(page, output_dir, "new-article-editor", device)
    assert watcher.console_errors == []


@pytest.fixture
def draft(newsroom):
    from dateline.news.models import ArticleAuthor, ArticlePage, AuthorPage, SectionPage

    article = ArticlePage(
        title="Lighthouse keepers vote to strike",
        slug="lighthouse-keepers-vote-to-strike",
        deck="The last six keepers want the automation plan delayed by a year.",
        body=[{"type": "paragraph", "value": "<p>The keepers voted on Monday.</p>"}],
        live=False,
    )
    article.bylines = [ArticleAuthor(author=AuthorPage.objects.get(slug="tomas-okafor"))]
    SectionPage.objects.get(slug="world").add_child(instance=article)
    article.save_revision()
    return article


@pytest.mark.parametrize("device", WIDTHS)
def test_an_editor_schedules_to_the_minute_in_two_actions(
    draft, sign_in, live_server, output_dir, device
):
    oslo = ZoneInfo("Europe/Oslo")
    day = timezone.localtime(timezone.now(), oslo).date() + timedelta(days=2)
    page, watcher = sign_in("ed", *WIDTHS[device])
    page.goto(f"{live_server.url}/admin/pages/{draft.pk}/edit/")
    publish_at = page.get_by_label("Publish at")
    publish_at.scroll_into_view_if_needed()
    main = page.locator("footer .w-dropdown-button > button").first
    assert main.inner_text().strip() == "Publish"

    person = Actions(page)
    person.fill(publish_at, f"{day:%Y-%m-%d}T14:37")
    assert main.inner_text().strip() == "Schedule to publish"
    shoot(page, output_dir, "schedule-publish-at", device)
    no_axe_violations(page, ".article-schedule")
    person.click(main)
    page.locator(".messages").wait_for()
    COUNTS["Schedule a publish"] = person.count
    assert person.count == 2

    when = f"{day.day} {day:%b %Y}, 14:37 CET"
    assert f"is scheduled to go live on {when}" in page.locator(".messages").inner_text()
    # The section's page listing says when.
    page.goto(f"{live_server.url}/admin/pages/{draft.get_parent().pk}/")
    row = page.locator("tbody tr", has_text="Lighthouse keepers vote to strike")
    assert f"scheduled for {when}".lower() in row.inner_text().lower()
    shoot(page, output_dir, "explorer-scheduled", device)
    assert watcher.console_errors == []


@pytest.mark.parametrize("device", WIDTHS)
def test_approving_says_published_and_links_to_the_live_article(
    draft, newsroom, sign_in, live_server, output_dir, device
):
    draft.get_workflow().start(draft, newsroom["rita"])
    page, watcher = sign_in("ed", *WIDTHS[device])
    page.goto(f"{live_server.url}/admin/pages/{draft.pk}/edit/")
    main = page.locator("footer .w-dropdown-button > button").first
    assert main.inner_text().strip() == "Approve and Publish"

    person = Actions(page)
    person.click(main)
    message = page.locator(".messages")
    message.wait_for()
    COUNTS["Approve an article in review"] = person.count
    assert "Approved and published: “Lighthouse keepers vote to strike” is live." in (
        message.inner_text()
    )
    assert "has been updated" not in message.inner_text()
    shoot(page, output_dir, "approved-view-live", device)
    message.get_by_role("link", name="View live").click()
    page.wait_for_url("**/world/lighthouse-keepers-vote-to-strike/")
    assert page.locator("h1").inner_text() == "Lighthouse keepers vote to strike"
    assert watcher.console_errors == []


@pytest.mark.parametrize("device", WIDTHS)
def test_an_editor_without_an_email_address_is_told_where_to_add_one(
    newsroom, sign_in, live_server, output_dir, device
):
    newsroom["ed"].email = ""
    newsroom["ed"].save()
    page, watcher = sign_in("ed", *WIDTHS[device])
    panel = page.locator("#email-missing-section")
    assert "no email address" in panel.inner_text()
    shoot(page, output_dir, "dashboard-email-missing", device)
    no_axe_violations(page, "#email-missing-section")
    panel.get_by_role("link", name="Add one on your account page").click()
    page.wait_for_url("**/admin/account/")
    assert watcher.console_errors == []


@pytest.fixture
def held_comments(newsroom):
    from dateline.comments.models import Comment, Status
    from dateline.news.models import ArticlePage

    article = ArticlePage.objects.get(slug="president-heads-north-for-skarholm-summit")
    long_text = (
        "I live on the coast road, and the closure lasted far longer than four hours: "
        "we waited from six in the morning until after noon, and nobody told us why. "
    ) * 3
    rows = [
        ("Ada Reader", long_text.strip(), "First comment from this email address."),
        ("Bo Fisher", "The quota numbers match what the harbour master told us.", ""),
        ("Cheap Pills", "casino bonus casino bonus", "Spam score 0.97: casino, bonus"),
    ]
    return [
        Comment.objects.create(
            article=article,
            name=name,
            email=f"reader{i}@example.org",
            body=body,
            held_reasons=why,
            status=Status.PENDING,
            idempotency_key=f"browser-{i}",
        )
        for i, (name, body, why) in enumerate(rows)
    ]


@pytest.mark.parametrize("device", WIDTHS)
def test_a_moderator_approves_a_comment_in_one_click(
    held_comments, sign_in, live_server, output_dir, device
):
    from dateline.comments.models import Status

    ada, bo, pills = held_comments
    page, watcher = sign_in("mo", *WIDTHS[device])
    panel = page.locator("#pending-comments-section")
    assert "3 comments wait for a moderator." in " ".join(panel.inner_text().split())
    menu = page.locator("a[data-pending-count]")
    assert menu.get_attribute("data-pending-count") == "3"
    assert menu.get_attribute("aria-label") == "Comments, 3 awaiting moderation"
    shoot(page, output_dir, "dashboard-pending-comments", device)

    page.get_by_role("link", name="Moderate them").click()
    page.wait_for_url("**/comments/comment/?status=pending")
    queue = page.locator("table.listing")
    # Every word of every comment, without opening it.
    assert ada.body in " ".join(queue.locator(".comment-cell__body").all_inner_texts())
    shoot(page, output_dir, "moderation-queue", device)
    no_axe_violations(page, "table.listing")

    person = Actions(page)
    person.click(page.get_by_role("button", name="Approve: comment by Ada Reader"))
    page.locator(".messages").wait_for()
    COUNTS["Approve a comment (from the queue)"] = person.count
    assert person.count == 1
    assert "Approved: comment by Ada Reader." in page.locator(".messages").inner_text()
    ada.refresh_from_db()
    assert ada.status == Status.APPROVED

    # By keyboard alone: the button is reached and pressed like any other.
    page.get_by_role("button", name="Mark as spam: comment by Cheap Pills").focus()
    page.keyboard.press("Enter")
    page.locator(".messages", has_text="Marked as spam: comment by Cheap Pills.").wait_for()
    pills.refresh_from_db()
    assert pills.status == Status.SPAM
    assert page.locator("a[data-pending-count]").get_attribute("data-pending-count") == "1"
    assert watcher.console_errors == []


@pytest.fixture
def checked_draft(newsroom):
    from dateline.editorial_checks.tests.factories import make_photo
    from dateline.editorial_checks.tests.reference import reference_article
    from dateline.news.models import ArticleAuthor, AuthorPage, SectionPage

    page = reference_article(make_photo())
    page.slug, page.live = "leaders-meet", False
    page.bylines = [ArticleAuthor(author=AuthorPage.objects.get(slug="maria-lund"))]
    SectionPage.objects.get(slug="world").add_child(instance=page)
    page.save_revision()
    return page


@pytest.mark.parametrize("device", WIDTHS)
def test_the_checks_panel_puts_what_blocks_first(
    checked_draft, sign_in, live_server, output_dir, device
):
    from dateline.news.models import ArticlePage

    page, watcher = sign_in("ed", *WIDTHS[device])
    page.goto(f"{live_server.url}/admin/pages/{checked_draft.pk}/edit/")
    page.get_by_role("button", name="Toggle checks").click()
    panel = page.locator("[data-editorial-checks]")
    panel.get_by_role("heading", name="Editorial checks").wait_for()
    watcher.wait_until_quiet()
    kinds = panel.locator(".editorial-checks__kind").all_inner_texts()
    assert kinds[0].strip().lower() == "blocks publishing"
    assert all(k.strip().lower() != "blocks publishing" for k in kinds[1:])
    shoot(page, output_dir, "checks-panel", device)
    no_axe_violations(page, "[data-editorial-checks-results]")
    # Under the field, the blocking finding looks like an error, and says so.
    note = page.locator('.editorial-checks__inline[data-finding="figure-alt-repeats-caption"]')
    assert "help-critical" in note.get_attribute("class")
    assert note.inner_text().startswith("Editorial check, Blocks publishing:")

    clean = ArticlePage.objects.get(slug="president-heads-north-for-skarholm-summit")
    # Let the preview the panel asked for finish before leaving: the test's
    # in-memory SQLite answers "table is locked" where a real database waits.
    page.goto("about:blank")
    page.wait_for_timeout(1000)
    page.goto(f"{live_server.url}/admin/pages/{clean.pk}/edit/")
    toggle = page.get_by_role("button", name="Toggle checks")
    toggle.wait_for()
    empty = panel.locator("[data-editorial-checks-empty]")
    if not empty.is_visible():  # Wagtail may reopen the side panel last used
        toggle.click()
    empty.wait_for()
    assert empty.inner_text().strip() == "No open findings"
    page.wait_for_timeout(1000)
    shoot(page, output_dir, "checks-panel-empty", device)
    page.goto("about:blank")
    assert watcher.console_errors == []


def test_counts_for_the_record(capsys):
    """Runs last in this file: prints what each task took (see docs/newsroom.md)."""
    with capsys.disabled():
        for task, count in COUNTS.items():
            print(f"\n  {task}: {count}")
