"""Feed writers: Django's RSS 2.0 and Atom 1.0 with full content, and JSON Feed 1.1.

Each takes the items Django's syndication framework builds, so one Feed class
serves all three formats.
"""

import json

from django.utils import feedgenerator

JSON_FEED_VERSION = "https://jsonfeed.org/version/1.1"


class RssFeed(feedgenerator.Rss201rev2Feed):
    """RSS 2.0; the whole story, when configured, goes in content:encoded."""

    def rss_attributes(self):
        return {
            **super().rss_attributes(),
            "xmlns:content": "http://purl.org/rss/1.0/modules/content/",
        }

    def add_item_elements(self, handler, item):
        super().add_item_elements(handler, item)
        if item.get("content_html"):
            handler.addQuickElement("content:encoded", item["content_html"])


class AtomFeed(feedgenerator.Atom1Feed):
    """Atom 1.0; the whole story, when configured, goes in <content type="html">."""

    def add_item_elements(self, handler, item):
        super().add_item_elements(handler, item)
        if item.get("content_html"):
            handler.addQuickElement("content", item["content_html"], {"type": "html"})


def _rfc3339(value):
    return value.isoformat() if value else None


class JsonFeed(feedgenerator.SyndicationFeed):
    """JSON Feed 1.1 (https://www.jsonfeed.org/version/1.1/)."""

    content_type = "application/feed+json; charset=utf-8"

    def item_json(self, item):
        entry = {
            "id": item["unique_id"] or item["link"],
            "url": item["link"],
            "title": item["title"],
            "summary": item["description"],
            "date_published": _rfc3339(item["pubdate"]),
            "date_modified": _rfc3339(item["updateddate"]),
            "authors": item.get("authors") or [],
            "tags": list(item["categories"]),
            "language": self.feed["language"],
        }
        if item.get("content_html"):
            entry["content_html"] = item["content_html"]
        else:
            entry["content_text"] = item["description"] or ""
        if item.get("image"):
            entry["image"] = item["image"]
        return {key: value for key, value in entry.items() if value not in (None, [])}

    def feed_json(self):
        feed = {
            "version": JSON_FEED_VERSION,
            "title": self.feed["title"],
            "home_page_url": self.feed["link"],
            "feed_url": self.feed["feed_url"],
            "description": self.feed["description"],
            "language": self.feed["language"],
            "icon": self.feed.get("icon"),
            "items": [self.item_json(item) for item in self.items],
        }
        return {key: value for key, value in feed.items() if value is not None}

    def write(self, outfile, encoding):
        # ensure_ascii=False keeps emoji and right-to-left text readable; JSON
        # escapes quotes and control characters itself.
        outfile.write(json.dumps(self.feed_json(), ensure_ascii=False))


FORMATS = {"rss": RssFeed, "atom": AtomFeed, "json": JsonFeed}
