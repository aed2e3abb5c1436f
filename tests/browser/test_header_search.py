"""The search box in every reader page's header, on a phone and on a desktop."""

from pathlib import Path

import pytest

from .test_article_in_chromium import ARTICLE, VIEWPORTS

pytestmark = pytest.mark.django_db
SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
WIDTHS = {"phone": 390, "desktop": 1280}


@pytest.mark.parametrize("device", VIEWPORTS)
def test_a_reader_searches_from_the_header_without_javascript(open_reader_page, device):
    width, height = VIEWPORTS[device]
    page, _, watcher = open_reader_page("/", width=width, height=height, java_script_enabled=False)
    header = page.locator("header.site-header")
    search = header.get_by_role("search", name="Site")
    box = search.get_by_label("Search stories")
    assert box.is_visible() and search.get_by_role("button", name="Search").is_visible()
    # The box and button sit inside the viewport: nothing to scroll sideways for.
    for element in (box, search.get_by_role("button", name="Search")):
        bounds = element.bounding_box()
        assert bounds["x"] >= 0 and bounds["x"] + bounds["width"] <= width
        assert bounds["height"] >= 44  # a comfortable target for a finger
    assert page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    header.screenshot(path=str(SCREENSHOTS / f"reader-header-{WIDTHS[device]}.png"))

    box.fill("Skarholm")
    box.press("Enter")
    page.wait_for_url("**/search/?q=Skarholm")
    assert "for “Skarholm”" in page.locator(".search-count").inner_text()
    assert page.locator(".search-results li").count() >= 1
    assert watcher.console_errors == []


@pytest.mark.parametrize("path", ["/", ARTICLE, "/world/", "/search/?q=summit", "/no-such-page/"])
def test_every_reader_page_has_the_header_search_and_no_accessibility_violations(
    open_reader_page, path
):
    from axe_playwright_python.sync_playwright import Axe

    for width, height in VIEWPORTS.values():
        page, _, watcher = open_reader_page(path, width=width, height=height)
        assert page.locator("header.site-header [role=search] input[type=search]").count() == 1
        results = Axe().run(
            page,
            options={"runOnly": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]},
        )
        assert results.violations_count == 0, results.generate_report()
        if path != "/no-such-page/":
            assert watcher.console_errors == []
