"""Newsletter fixtures: a real SMTP server on loopback, a newsletter, its readers, an issue."""

import re

import pytest
from django.core.cache import cache
from django.utils import timezone

from dateline.newsletters import delivery
from dateline.newsletters.models import Issue, Newsletter, Subscriber, Subscription
from dateline.testing.smtp import SMTPSink


@pytest.fixture
def sink(settings, tmp_path):
    """Every message (confirmations, issues, tests) goes over SMTP to this server."""
    with SMTPSink() as server:
        for name, value in server.settings().items():
            setattr(settings, name, value)
        settings.NEWSLETTERS_JOURNAL_DIR = str(tmp_path / "journal")
        delivery.reset_sender()
        yield server
        delivery.reset_sender()


@pytest.fixture(autouse=True)
def _newsletter_settings(settings):
    settings.NEWSLETTERS_BASE_URL = "https://news.example.org"
    settings.NEWSLETTERS_DOMAIN = ""
    settings.NEWSLETTERS_RATE = 0
    settings.NEWSLETTERS_DKIM = None
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def newsletter(demo_site):
    from dateline.news.models import SectionPage

    newsletter = Newsletter.objects.create(
        name="Morning Briefing",
        slug="morning-briefing",
        description="The day's essential stories before breakfast.",
        schedule="Weekdays at 7:00",
        sender_name="Dateline Morning",
        sender_email="morning@news.example.org",
        reply_to="letters@news.example.org",
    )
    newsletter.sections.set([SectionPage.objects.get(slug="world")])
    return newsletter


@pytest.fixture
def readers(newsletter):
    """`readers(n)`: n confirmed subscribers of the newsletter, reader0@example.com…"""

    def _make(count, prefix="reader", target=None):
        target = target or newsletter
        now = timezone.now()
        subscribers = Subscriber.objects.bulk_create(
            Subscriber(email=f"{prefix}{n}@example.com", confirmed_at=now) for n in range(count)
        )
        Subscription.objects.bulk_create(
            Subscription(subscriber=s, newsletter=target, state="active", confirmed_at=now)
            for s in subscribers
        )
        return subscribers

    return _make


@pytest.fixture
def issue(newsletter):
    from dateline.news.models import ArticlePage

    articles = list(ArticlePage.objects.live().order_by("-first_published_at")[:2])
    return Issue.objects.create(
        newsletter=newsletter,
        subject="Summit week: what to watch",
        preheader="Three stories that matter this morning.",
        intro="Good morning. The summit opens today.\nHere is what to know.",
        body=[
            *(
                {"type": "article", "value": {"article": a.pk, "headline": "", "deck": ""}}
                for a in articles
            ),
            {"type": "paragraph", "value": "<p>Thanks for reading. <b>Reply</b> any time.</p>"},
        ],
    )


def links(text):
    return re.findall(r"https?://[^\s\"'<>]+", text)


def body_text(message, subtype="plain"):
    return message.get_body(preferencelist=(subtype,)).get_content()
