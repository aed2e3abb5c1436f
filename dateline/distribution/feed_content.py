"""An article's body as self-contained HTML for feed readers.

Feed readers show the story away from our pages: no stylesheet, no
<picture> sources, and links must be absolute. Figures are rendered from the
photos the feed fetched for all its items at once (see articles.prepare), so
the body adds no query per article.
"""

import re

from django.utils.html import format_html
from wagtail.rich_text import expand_db_html

from .articles import absolute

FEED_IMAGE_SPEC = "width-1200|format-jpeg"
HEADING_LEVELS = {"h2", "h3"}
# Root-relative links and image sources in rich text: made absolute for readers.
RELATIVE_URL = re.compile(r'(\s(?:href|src)=")(/(?!/))')


def _absolutize(html, request):
    base = absolute(request, "/")[:-1]
    return RELATIVE_URL.sub(lambda m: m.group(1) + base + m.group(2), html)


def _paragraph(value, article, request):
    return _absolutize(expand_db_html(value or ""), request)


def _heading(value, article, request):
    level = value.get("level") if value.get("level") in HEADING_LEVELS else "h2"
    return format_html("<{0}>{1}</{0}>", level, value.get("text", ""))


def _quote(value, article, request):
    attribution = value.get("attribution")
    return format_html(
        "<blockquote><p>{}</p>{}</blockquote>",
        value.get("text", ""),
        format_html("<footer>— {}</footer>", attribution) if attribution else "",
    )


def _figure(value, article, request):
    chosen = value.get("image") or {}
    image = article.figure_images.get(chosen.get("image") if isinstance(chosen, dict) else chosen)
    if image is None:  # the photo was deleted from the library
        return ""
    rendition = image.get_rendition(FEED_IMAGE_SPEC)
    decorative = isinstance(chosen, dict) and chosen.get("decorative")
    alt = "" if decorative else (chosen.get("alt_text") or image.default_alt_text or "")
    credit = value.get("credit")
    return format_html(
        '<figure><img src="{}" width="{}" height="{}" alt="{}"><figcaption>{}{}</figcaption>'
        "</figure>",
        absolute(request, rendition.url),
        rendition.width,
        rendition.height,
        alt,
        value.get("caption", ""),
        format_html(" Photo: {}", credit) if credit else "",
    )


RENDERERS = {"paragraph": _paragraph, "heading": _heading, "quote": _quote, "figure": _figure}


def body_html(article, request):
    """The article's body blocks as an HTML string, in order; unknown block types are skipped.

    The result is data for a feed (escaped again by the XML or JSON writer),
    never inserted into one of our pages. Rich text is the editor's HTML, as
    the article page shows it; everything else is escaped by format_html.
    """
    return "\n".join(
        RENDERERS[block["type"]](block.get("value") or {}, article, request)
        for block in article.body.raw_data
        if block.get("type") in RENDERERS
    )
