"""A reader opens the demo article in Chromium, on a phone and on a desktop."""

import pytest

from dateline.demo import content

ARTICLE = "/world/president-heads-north-for-skarholm-summit/"
VIEWPORTS = {"phone": (390, 844), "desktop": (1280, 900)}

# Read-only: the shared live server shows the demo site that every test
# database starts with; the marker makes pytest-django create that database.
pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("device", VIEWPORTS)
def test_reader_sees_the_article(open_reader_page, output_dir, device):
    width, height = VIEWPORTS[device]
    page, response, watcher = open_reader_page(ARTICLE, width=width, height=height)
    assert response.status == 200

    assert page.locator("h1").all_inner_texts() == [
        "President Varga heads north for the Skarholm fisheries summit"
    ]
    assert page.locator(".deck").inner_text().startswith("The first face-to-face meeting")
    assert page.locator(".byline a[rel=author]").inner_text() == "Maria Lund"
    assert page.locator(".byline time").count() == 1

    figures = page.locator("article figure.figure")
    assert figures.count() == 3
    alts = [figures.nth(i).locator("img").get_attribute("alt") for i in range(3)]
    assert alts == [content.SCENES[k]["alt"] for k in ("motorcade", "roadblock", "limousine")]

    # Scroll every photo into view: lazy images must load, and as real pixels.
    for i in range(3):
        figures.nth(i).scroll_into_view_if_needed()
        page.wait_for_function(
            "img => img.complete && img.naturalWidth > 0",
            arg=figures.nth(i).locator("img").element_handle(),
        )
        # The browser picked a modern format from the <picture> sources.
        current = figures.nth(i).locator("img").evaluate("img => img.currentSrc")
        assert current.endswith(".avif"), current

    assert page.locator(".share a").all_inner_texts() == [
        "Facebook",
        "Twitter/X",
        "LinkedIn",
        "Pinterest",
    ]
    assert page.get_by_role("button", name="Post Comment").is_visible()
    assert page.get_by_label("Email *").get_attribute("type") == "email"

    page.screenshot(path=str(output_dir / f"article-{device}.png"), full_page=True)
    assert watcher.console_errors == []
    assert watcher.foreign_requests == []


def test_no_horizontal_scroll_on_a_phone(open_reader_page):
    page, _, _ = open_reader_page(ARTICLE, width=390, height=844)
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0


def test_keyboard_user_can_skip_to_the_story(open_reader_page):
    page, _, _ = open_reader_page(ARTICLE)
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.textContent")
    assert focused == "Skip to main content"
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline == "solid"
    page.keyboard.press("Enter")
    assert page.evaluate("location.hash") == "#main"


def test_copy_link_copies_the_canonical_url(open_reader_page, reader_server):
    page, _, watcher = open_reader_page(ARTICLE, permissions=["clipboard-read", "clipboard-write"])
    button = page.get_by_role("button", name="Copy link")
    button.click()
    page.get_by_text("Link copied.").wait_for()
    assert page.evaluate("navigator.clipboard.readText()") == reader_server.url + ARTICLE
    assert watcher.console_errors == []


@pytest.mark.parametrize(
    "path", ["/", "/world/", "/tags/fisheries/", "/authors/maria-lund/", "/no-such-page/"]
)
def test_listing_and_error_pages_load_cleanly(open_reader_page, output_dir, path):
    page, response, watcher = open_reader_page(path, width=390, height=844)
    assert response.status == (404 if path == "/no-such-page/" else 200)
    assert page.locator("h1").count() == 1
    name = path.strip("/").replace("/", "-") or "front"
    page.screenshot(path=str(output_dir / f"{name}-phone.png"), full_page=True)
    # Chromium logs the 404 status of the page itself; nothing else may fail.
    expected = (
        []
        if response.ok
        else [
            "Failed to load resource: the server responded with a status of 404 (Not Found) "
            + page.url
        ]
    )
    assert watcher.console_errors == expected
    assert watcher.foreign_requests == []


@pytest.mark.parametrize("path", ["/", ARTICLE, "/world/", "/authors/", "/no-such-page/"])
@pytest.mark.parametrize("device", VIEWPORTS)
def test_pages_have_no_accessibility_violations(open_reader_page, path, device):
    """axe-core (the engine behind Lighthouse's accessibility audit), WCAG 2.1 A and AA."""
    from axe_playwright_python.sync_playwright import Axe

    width, height = VIEWPORTS[device]
    page, _, _ = open_reader_page(path, width=width, height=height)
    results = Axe().run(
        page,
        options={"runOnly": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]},
    )
    assert results.violations_count == 0, results.generate_report()


def test_article_weighs_under_250_kb_on_a_phone(open_reader_page):
    """Everything a phone downloads for the demo article, photos included, once scrolled."""
    page, _, watcher = open_reader_page(ARTICLE, width=390, height=844)
    # A reader scrolls down the story: each lazy photo loads as it comes near.
    figures = page.locator("article figure.figure img")
    for i in range(figures.count()):
        figures.nth(i).scroll_into_view_if_needed()
        page.wait_for_function(
            "img => img.complete && img.naturalWidth > 0", arg=figures.nth(i).element_handle()
        )
    page.evaluate("window.scrollTo(0, document.body.scrollHeight)")
    watcher.wait_until_quiet()
    sizes = {r.url: len(r.body()) for r in watcher.responses if r.status == 200}
    images = [url for url in sizes if "/media/images/" in url]
    assert len(images) >= 3  # the three figures, in a modern format
    assert all(url.endswith(".avif") for url in images)
    assert sum(sizes.values()) <= 250 * 1024, sizes
