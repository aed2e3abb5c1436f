"""What search engines and social networks read from an article page.

JSON-LD (schema.org NewsArticle and BreadcrumbList), OpenGraph and Twitter card
tags, all built from one `ArticleMetadata` so they cannot disagree with each
other or with the canonical URL the share bar uses.
"""

from dataclasses import dataclass, field
from functools import cached_property

from django.conf import settings
from django.templatetags.static import static
from django.utils.html import json_script
from django.utils.safestring import SafeString

from .articles import absolute, site_for, site_name

PUBLISHER_LOGO = ("distribution/logo.png", 600, 60)

_article_data = []


def register_article_data(extend):
    """`extend(metadata, data)` may change an article's schema.org object in place.

    Features whose pages are articles of their own kind fill it from their
    `AppConfig.ready()` (live coverage: LiveBlogPosting and its updates);
    `metadata` is the ArticleMetadata, with the page and the request.
    """
    if extend not in _article_data:
        _article_data.append(extend)
    return extend


def ld_json_script(data):
    """`data` as <script type="application/ld+json">, escaped exactly as json_script does.

    Django's json_script escapes <, > and & so the JSON cannot close the
    script element; only the type differs, and it marks the block as data
    the browser never runs (the strict CSP allows it).
    """
    escaped = json_script(data)
    return SafeString(
        escaped.replace(
            '<script type="application/json">', '<script type="application/ld+json">', 1
        )
    )


def og_locale(language_code):
    """OpenGraph wants language_TERRITORY: "en-us" becomes "en_US"."""
    language, _, territory = language_code.partition("-")
    return f"{language.lower()}_{territory.upper()}" if territory else language.lower()


@dataclass
class ArticleMetadata:
    page: object
    request: object
    canonical_url: str
    authors: list = field(init=False)

    def __post_init__(self):
        self.authors = self.page.authors

    # -- shared facts ----------------------------------------------------------

    @cached_property
    def site_name(self):
        return site_name(site_for(self.request))

    @property
    def section(self):
        return self.page.section

    @cached_property
    def tags(self):
        return [tag.name for tag in self.page.tag_list]

    @property
    def title(self):
        return self.page.seo_title or self.page.title

    @property
    def description(self):
        return self.page.search_description or self.page.deck

    @cached_property
    def image(self):
        """The social image: the lead photo cropped to 1200×630, with its alt text."""
        lead = self.page.lead_image
        if lead is None:
            return None
        rendition = self.page.social_image
        return {
            "url": absolute(self.request, rendition.url),
            "width": rendition.width,
            "height": rendition.height,
            "alt": lead.default_alt_text or "",
        }

    def author_url(self, author):
        return absolute(self.request, author.get_url(self.request))

    @property
    def published(self):
        return self.page.first_published_at

    @property
    def modified(self):
        return self.page.last_published_at or self.page.first_published_at

    # -- schema.org ----------------------------------------------------------------

    def news_article(self):
        logo, logo_width, logo_height = PUBLISHER_LOGO
        data = {
            "@context": "https://schema.org",
            "@type": "NewsArticle",
            "mainEntityOfPage": {"@type": "WebPage", "@id": self.canonical_url},
            "url": self.canonical_url,
            "headline": self.page.title,
            "description": self.description,
            "datePublished": self.published.isoformat() if self.published else None,
            "dateModified": self.modified.isoformat() if self.modified else None,
            "author": [
                {"@type": "Person", "name": author.title, "url": self.author_url(author)}
                for author in self.authors
            ],
            "publisher": {
                "@type": "Organization",
                "name": self.site_name,
                "url": absolute(self.request, "/"),
                "logo": {
                    "@type": "ImageObject",
                    "url": absolute(self.request, static(logo)),
                    "width": logo_width,
                    "height": logo_height,
                },
            },
            "articleSection": self.section.title,
            "keywords": self.tags,
            "inLanguage": settings.LANGUAGE_CODE,
        }
        if self.page.dateline:
            data["locationCreated"] = {"@type": "Place", "name": self.page.dateline}
        corrections = self.page.corrections
        if corrections:
            # schema.org's CreativeWork.correction, one CorrectionComment per note.
            data["correction"] = [
                {
                    "@type": "CorrectionComment",
                    "text": note.text,
                    "datePublished": note.noted_at.isoformat(),
                }
                for note in corrections
            ]
        if self.image:
            data["image"] = [
                {
                    "@type": "ImageObject",
                    "url": self.image["url"],
                    "width": self.image["width"],
                    "height": self.image["height"],
                    "caption": self.image["alt"],
                }
            ]
        for extend in _article_data:
            extend(self, data)
        return {key: value for key, value in data.items() if value not in (None, [], "")}

    def breadcrumbs(self):
        trail = [
            (self.site_name, absolute(self.request, "/")),
            (self.section.title, absolute(self.request, self.section.get_url(self.request))),
            (self.page.title, self.canonical_url),
        ]
        return {
            "@context": "https://schema.org",
            "@type": "BreadcrumbList",
            "itemListElement": [
                {"@type": "ListItem", "position": position, "name": name, "item": url}
                for position, (name, url) in enumerate(trail, start=1)
            ],
        }

    # -- OpenGraph and Twitter ---------------------------------------------------------

    def open_graph(self):
        """(property, content) pairs in the order the OpenGraph protocol lists them."""
        tags = [
            ("og:type", "article"),
            ("og:title", self.title),
            ("og:description", self.description),
            ("og:url", self.canonical_url),
            ("og:site_name", self.site_name),
            ("og:locale", og_locale(settings.LANGUAGE_CODE)),
        ]
        if self.image:
            tags += [
                ("og:image", self.image["url"]),
                ("og:image:type", "image/jpeg"),
                ("og:image:width", str(self.image["width"])),
                ("og:image:height", str(self.image["height"])),
                ("og:image:alt", self.image["alt"]),
            ]
        if self.published:
            tags.append(("article:published_time", self.published.isoformat()))
        if self.modified:
            tags.append(("article:modified_time", self.modified.isoformat()))
        tags += [("article:author", self.author_url(author)) for author in self.authors]
        tags.append(("article:section", self.section.title))
        tags += [("article:tag", tag) for tag in self.tags]
        return tags

    def twitter_card(self):
        tags = [
            ("twitter:card", "summary_large_image" if self.image else "summary"),
            ("twitter:title", self.title),
            ("twitter:description", self.description),
        ]
        if self.image:
            tags += [("twitter:image", self.image["url"]), ("twitter:image:alt", self.image["alt"])]
        return tags
