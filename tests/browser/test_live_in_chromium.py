"""Live coverage in Chromium: the live desk, and a reader's page that changes as updates arrive.

Runs against the live stack (the root conftest's `live_stack`: nginx, the
app, two stream processes, Redis). Screenshots of both screens at 390 and
1280 pixels go to docs/screenshots/.
"""

import re
import time
from pathlib import Path

import pytest

from dateline.testing.live import EDITOR, REPORTERS

SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"


def sign_in(browser, stack, credentials, width=1280, height=900):
    context = browser.new_context(viewport={"width": width, "height": height})
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(stack.url + "/admin/login/")
    page.fill('input[name="username"]', credentials[0])
    page.fill('input[name="password"]', credentials[1])
    page.click('button[type="submit"]')
    page.wait_for_url(re.compile(r".*/admin/$"))
    page.goto(stack.url + f"/admin/live/{stack.page_id}/")
    page.wait_for_selector("[data-desk-form]")
    return context, page, errors


def open_reader(browser, stack, width=1280, height=900, path=None):
    context = browser.new_context(viewport={"width": width, "height": height})
    page = context.new_page()
    problems = []
    page.on("pageerror", lambda error: problems.append(str(error)))
    page.on(
        "console",
        lambda message: message.type == "error" and problems.append(message.text),
    )
    page.goto(stack.url + (path or stack.page_path), wait_until="networkidle")
    return context, page, problems


def mode(page):
    return page.evaluate("document.querySelector('[data-live-page]').liveStatus()")


def wait_for_mode(page, wanted, timeout=10):
    deadline = time.monotonic() + timeout
    while mode(page)["mode"] != wanted:
        assert time.monotonic() < deadline, f"still {mode(page)} after {timeout}s"
        time.sleep(0.1)


def desk_post(page, text, key_event=False):
    page.fill("#id_text", text)
    if key_event:
        page.check("#id_key_event")
    page.click("[data-desk-submit]")
    page.wait_for_selector(f'.live-desk-list li:has-text("{text}")', timeout=5000)


def test_the_live_desk_posts_pins_corrects_and_deletes(browser, live_stack):
    context, page, errors = sign_in(browser, live_stack, EDITOR)
    try:
        desk_post(
            page, "Delegates are filing into the hall for the afternoon session.", key_event=True
        )
        item = page.locator('.live-desk-list li:has-text("filing into the hall")').first
        assert item.locator(".live-tag-key").count() == 1
        assert page.locator("[data-desk-status]").inner_text() == "Posted."
        assert page.input_value("#id_text") == ""  # ready for the next one

        item.get_by_role("button", name=re.compile("^Pin update")).click()
        page.wait_for_selector(
            '.live-desk-list li:has-text("filing into the hall") .live-tag-pinned'
        )

        item.get_by_role("button", name=re.compile("^Correct update")).click()
        assert page.locator("[data-desk-mode]").inner_text().startswith("Correct update")
        page.fill("#id_text", "Delegates are filing into the main hall for the afternoon session.")
        page.click("[data-desk-submit]")
        page.wait_for_selector('.live-desk-list li:has-text("main hall") .live-edited')

        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        for width, height in ((1280, 1100), (390, 844)):
            shot, shot_page, _ = sign_in(browser, live_stack, EDITOR, width=width, height=height)
            shot_page.fill("#id_text", "The leaders will speak to the press at four.")
            shot_page.wait_for_selector(".live-desk-list li")
            shot_page.evaluate("window.scrollTo(0, 0)")
            shot_page.screenshot(path=str(SCREENSHOTS / f"live-desk-{width}.png"))
            shot.close()

        # An empty update is refused, with the reason, and nothing typed is lost.
        page.fill("#id_title", "Kept title")
        page.fill("#id_text", " ")
        page.click("[data-desk-submit]")
        page.wait_for_selector("[data-desk-errors]:has-text('Write some text')")
        assert page.input_value("#id_title") == "Kept title"

        page.once("dialog", lambda dialog: dialog.accept())
        item = page.locator('.live-desk-list li:has-text("main hall")').first
        item.get_by_role("button", name=re.compile("^Delete update")).click()
        page.wait_for_selector('.live-desk-list li:has-text("main hall")', state="detached")
        assert not errors, errors
    finally:
        context.close()


def test_two_reporters_post_at_once_without_overwriting_each_other(browser, live_stack):
    first, page_a, errors_a = sign_in(browser, live_stack, REPORTERS[0])
    second, page_b, errors_b = sign_in(browser, live_stack, REPORTERS[1])
    try:
        page_a.fill("#id_text", "Reporter A: the motorcade has left the palace.")
        page_b.fill("#id_text", "Reporter B: protesters gather at the harbour.")
        page_a.click("[data-desk-submit]")
        page_b.click("[data-desk-submit]")
        for page in (page_a, page_b):
            # Each desk shows both: its own at once, the other's within its refresh.
            page.wait_for_selector('.live-desk-list li:has-text("Reporter A:")', timeout=6000)
            page.wait_for_selector('.live-desk-list li:has-text("Reporter B:")', timeout=6000)
        # A reporter may not correct the other's update.
        other = page_a.locator('.live-desk-list li:has-text("Reporter B:")').first
        assert other.get_by_role("button", name=re.compile("^Correct")).count() == 0
        assert not errors_a and not errors_b
    finally:
        first.close()
        second.close()


def test_a_reader_sees_updates_edits_and_deletions_live_without_losing_their_place(
    browser, live_stack
):
    desk = live_stack.desk()
    items = [
        desk.post(f"Background update {n}: the talks in detail, paragraph by paragraph. " * 3)[1][
            "item"
        ]
        for n in range(8)
    ]
    context, page, problems = open_reader(browser, live_stack, height=700)
    try:
        wait_for_mode(page, "stream")
        # Read further down: the fourth update from the top is at the top of the screen.
        reading = page.locator(f"#update-{items[4]['id']}")
        reading.scroll_into_view_if_needed()
        page.evaluate(f"document.getElementById('update-{items[4]['id']}').scrollIntoView()")
        top_before = reading.bounding_box()["y"]

        _, new = desk.post("Breaking: the summit communiqué has been agreed.", key_event=True)
        button = page.locator("[data-live-new-button]")
        button.wait_for(state="visible", timeout=3000)
        assert button.inner_text() == "1 new update"
        assert page.locator(f"#update-{new['item']['id']}").count() == 0  # not moved in
        assert abs(reading.bounding_box()["y"] - top_before) < 2
        page.wait_for_function(
            "document.querySelector('[data-live-announcer]').textContent.includes('1 new update')"
        )
        # The key events list (above the reader) gained it without moving the page.
        assert page.locator(f'[data-key-event="{new["item"]["id"]}"]').count() == 1
        assert abs(reading.bounding_box()["y"] - top_before) < 2

        # A correction to the update being read applies in place.
        desk.edit(items[4]["id"], "Corrected: the talks resumed after a short break.")
        page.wait_for_selector(f"#update-{items[4]['id']}:has-text('Corrected:')", timeout=3000)
        reading = page.locator(f"#update-{items[4]['id']}")
        top_before = reading.bounding_box()["y"]
        # Deleting an update above the reader keeps the reader's place.
        desk.delete(items[6]["id"])
        page.wait_for_selector(f"#update-{items[6]['id']}", state="detached", timeout=3000)
        assert abs(reading.bounding_box()["y"] - top_before) < 2
        focused_before = page.evaluate("document.activeElement.tagName")

        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / "live-reader-new-updates-1280.png"))
        # The reader asks for the new update: shown, and focused.
        button.click()
        page.wait_for_selector(f"#update-{new['item']['id']}")
        assert page.evaluate("document.activeElement.id") == f"update-{new['item']['id']}"
        assert focused_before == "BODY"  # nothing took focus before the reader asked

        # At the top, a new update simply appears.
        page.evaluate("window.scrollTo(0, 0)")
        _, top = desk.post("At the top, this appears at once.")
        page.wait_for_selector(f"#update-{top['item']['id']}", timeout=3000)
        assert not page.locator("[data-live-new]").is_visible()
        page.screenshot(path=str(SCREENSHOTS / "live-reader-1280.png"), full_page=False)
        assert not problems, problems
    finally:
        context.close()


def test_the_reader_page_on_a_phone_and_its_screenshot(browser, live_stack):
    context, page, problems = open_reader(browser, live_stack, width=390, height=844)
    try:
        wait_for_mode(page, "stream")
        page.screenshot(path=str(SCREENSHOTS / "live-reader-390.png"), full_page=False)
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
        assert not problems, problems
    finally:
        context.close()


def test_ending_the_coverage_stops_the_page_streaming(browser, live_stack):
    desk = live_stack.desk()
    context, page, problems = open_reader(browser, live_stack)
    try:
        wait_for_mode(page, "stream")
        desk.set_state("ended")
        page.wait_for_selector(".live-status-ended", timeout=3000)
        time.sleep(2.5)  # longer than the stream's retry: nothing reconnects
        assert mode(page) == {"cursor": mode(page)["cursor"], "mode": "idle", "state": "ended"}
        assert not problems, problems
    finally:
        desk.set_state("live")
        context.close()


def test_without_a_stream_the_page_polls_and_still_receives_updates(browser, live_stack):
    # Straight to the app: its /live/stream/ answers 204, as where no stream process runs.
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    try:
        page.goto(live_stack.app.url + live_stack.page_path, wait_until="networkidle")
        wait_for_mode(page, "poll")
        page.evaluate("window.scrollTo(0, 0)")
        _, posted = live_stack.desk().post("Pollers get this too.")
        page.wait_for_selector(f"#update-{posted['item']['id']}", timeout=5000)
    finally:
        context.close()


@pytest.fixture(autouse=True)
def _requires_chromium(browser):
    return browser


@pytest.mark.parametrize("width, height", [(390, 844), (1280, 900)])
def test_the_live_page_has_no_accessibility_violations(browser, live_stack, width, height):
    """axe-core, WCAG 2.1 A and AA, with the new-updates button showing."""
    from axe_playwright_python.sync_playwright import Axe

    desk = live_stack.desk()
    context, page, problems = open_reader(browser, live_stack, width=width, height=height)
    try:
        wait_for_mode(page, "stream")
        page.evaluate("window.scrollTo(0, document.body.scrollHeight / 2)")
        desk.post("An update for the accessibility audit, with the button showing.")
        page.locator("[data-live-new-button]").wait_for(state="visible", timeout=3000)
        results = Axe().run(
            page,
            options={"runOnly": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]},
        )
        assert results.violations_count == 0, results.generate_report()
        assert not problems, problems
    finally:
        context.close()


def test_the_desk_posts_after_its_security_token_changed_in_another_tab(browser, live_stack):
    """Signing in again elsewhere gives a new CSRF token; the open desk picks it up and posts."""
    context, page, errors = sign_in(browser, live_stack, REPORTERS[0])
    try:
        context.clear_cookies()  # the session ended (expired, or signed out elsewhere)
        other = context.new_page()
        other.goto(live_stack.url + "/admin/login/")
        other.fill('input[name="username"]', REPORTERS[0][0])
        other.fill('input[name="password"]', REPORTERS[0][1])
        other.click('button[type="submit"]')
        other.wait_for_url(re.compile(r".*/admin/$"))
        other.close()
        page.fill("#id_text", "Posted from a desk opened before signing in again.")
        page.click("[data-desk-submit]")
        page.wait_for_selector(
            '.live-desk-list li:has-text("before signing in again")', timeout=5000
        )
        assert page.locator("[data-desk-status]").inner_text() == "Posted."
        assert not errors, errors
    finally:
        context.close()


def test_a_signed_out_desk_says_so_and_keeps_the_text(browser, live_stack):
    context, page, errors = sign_in(browser, live_stack, REPORTERS[1])
    try:
        context.clear_cookies()  # the session is gone, as after it expired
        page.fill("#id_text", "Text that must survive being signed out.")
        page.click("[data-desk-submit]")
        page.wait_for_selector("[data-desk-errors]:has-text('signed out')", timeout=5000)
        assert page.input_value("#id_text") == "Text that must survive being signed out."
        assert page.locator("[data-desk-banner]").is_visible()
    finally:
        context.close()
