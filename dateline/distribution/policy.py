"""What the newsroom decided about distribution, read from settings at request time.

Views ask these objects instead of reading settings themselves, so a choice
(how many items a feed carries, full text or summary, how long caches keep a
sitemap) is made in one place and tests can change it with `settings`.
"""

from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings

FEED_CONTENT_CHOICES = ("full", "summary")


@dataclass(frozen=True)
class FeedPolicy:
    items: int
    content: str
    max_age: int

    @property
    def full_content(self):
        return self.content == "full"

    @classmethod
    def current(cls):
        return cls(
            items=settings.DATELINE_FEED_ITEMS,
            content=settings.DATELINE_FEED_CONTENT,
            max_age=settings.DATELINE_FEED_MAX_AGE,
        )


@dataclass(frozen=True)
class SitemapPolicy:
    page_size: int
    max_age: int
    # Google News only wants stories from the last two days, at most 1,000 of them.
    news_window: timedelta = timedelta(hours=48)
    news_limit: int = 1000

    @classmethod
    def current(cls):
        return cls(
            page_size=settings.DATELINE_SITEMAP_PAGE_SIZE,
            max_age=settings.DATELINE_SITEMAP_MAX_AGE,
        )


def publication_language():
    """The ISO 639 language Google News and JSON Feed expect ("en" from "en-us")."""
    return settings.LANGUAGE_CODE.split("-")[0].lower()
