"""Newsletters in a real browser: the issue email at a phone's and a mail app's width,
and the sign-up form on an article, with and without JavaScript."""

from pathlib import Path

import pytest
from django.core.cache import cache
from django.utils import timezone

from dateline.testing.smtp import SMTPSink

pytestmark = pytest.mark.django_db(transaction=True)
SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
ARTICLE = "/world/president-heads-north-for-skarholm-summit/"


@pytest.fixture
def newsletter_site(settings, live_server):
    from dateline.demo.loader import load_demo_site
    from dateline.news.models import ArticlePage, SectionPage
    from dateline.newsletters.models import Issue, Newsletter

    load_demo_site()
    cache.clear()
    settings.NEWSLETTERS_BASE_URL = live_server.url
    newsletter = Newsletter.objects.create(
        name="Morning Briefing",
        slug="morning-briefing",
        description="The day's essential stories before breakfast.",
        schedule="Weekdays at 7:00",
        sender_name="Dateline Morning",
        sender_email="morning@news.example.org",
    )
    newsletter.sections.set([SectionPage.objects.get(slug="world")])
    articles = ArticlePage.objects.live().order_by("-first_published_at")[:3]
    issue = Issue.objects.create(
        newsletter=newsletter,
        subject="Summit week: what to watch",
        intro="Good morning. The summit opens today in Skarholm; here is what to know.",
        body=[
            *(
                {"type": "article", "value": {"article": a.pk, "headline": "", "deck": ""}}
                for a in articles
            ),
            {"type": "paragraph", "value": "<p>Thanks for reading. Reply any time.</p>"},
        ],
    )
    return newsletter, issue


@pytest.mark.parametrize("width", [390, 600])
@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_the_issue_reads_well_at_phone_and_mail_app_widths(browser, newsletter_site, width, scheme):
    from dateline.newsletters.compose import render_preview

    _newsletter, issue = newsletter_site
    html, _text = render_preview(issue)
    context = browser.new_context(viewport={"width": width, "height": 900}, color_scheme=scheme)
    page = context.new_page()
    page.set_content(html, wait_until="networkidle")
    # Nothing wider than the screen, every photo loaded and described.
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    photos = page.query_selector_all("img.photo")
    assert len(photos) == 3
    for photo in photos:
        assert photo.get_attribute("alt") is not None
        assert page.evaluate("(img) => img.complete && img.naturalWidth > 0", photo)
        assert photo.bounding_box()["width"] <= width
    background = page.evaluate("getComputedStyle(document.querySelector('.sheet')).backgroundColor")
    assert background == ("rgb(255, 255, 255)" if scheme == "light" else "rgb(34, 32, 27)")
    page.screenshot(
        path=SCREENSHOTS / f"newsletter-{width}{'-dark' if scheme == 'dark' else ''}.png",
        full_page=True,
    )
    # Images off (as many mail apps start): the headlines and links still read.
    blocked = context.new_page()
    blocked.route("**/*.jpg", lambda route: route.abort())
    blocked.route("**/media/**", lambda route: route.abort())
    blocked.set_content(html)
    assert len(blocked.query_selector_all("h2.headline a")) == 3
    assert "Unsubscribe" in blocked.inner_text(".footer")
    context.close()


@pytest.mark.parametrize("javascript", [True, False])
def test_a_reader_subscribes_from_an_article(
    browser, live_server, newsletter_site, settings, javascript, django_capture_on_commit_callbacks
):
    with SMTPSink() as sink:
        for name, value in sink.settings().items():
            setattr(settings, name, value)
        context = browser.new_context(java_script_enabled=javascript)
        page = context.new_page()
        page.goto(live_server.url + ARTICLE)
        form = page.locator(".newsletter-signup form")
        form.locator("input[type=email]").fill("Reader@Example.org")
        form.locator("button[type=submit]").click()
        if javascript:
            from playwright.sync_api import expect

            expect(form.locator(".newsletter-answer")).to_contain_text(
                "Please check your inbox", timeout=15000
            )
            assert page.url == live_server.url + ARTICLE  # answered in place
        else:
            page.wait_for_load_state()
            assert page.url.endswith("/newsletters/subscribe/")
            assert "Please check your inbox" in page.inner_text("main")
        deadline = timezone.now().timestamp() + 10
        while not sink.inbox.count and timezone.now().timestamp() < deadline:
            page.wait_for_timeout(100)
        [message] = sink.inbox.to("reader@example.org")
        assert message["Subject"] == "Confirm your Dateline newsletters"
        context.close()
