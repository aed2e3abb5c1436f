"""An issue as email: HTML (tables, inline CSS) and plain text, rendered once per send.

Everything that differs between readers is a link carrying their signed
token. The rendered bodies keep two placeholders, `@@LEAVE@@` (this message's
unsubscribe token) and `@@PREFS@@` (the reader's preferences token), which
mail.py fills for each recipient with a byte replace: the templates, the CSS
inliner and the image renditions run once per send, not once per reader.
"""

from urllib.parse import urlsplit

import css_inline
from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.html import strip_tags

LEAVE = "@@LEAVE@@"
PREFS = "@@PREFS@@"
# The card photo: twice the width it is shown at, for sharp high-density screens.
CARD_IMAGE = "fill-1120x630|format-jpeg|jpegquality-70"
CARD_WIDTH, CARD_HEIGHT = 560, 315

_inliner = css_inline.CSSInliner(keep_at_rules=True, load_remote_stylesheets=False)


def site_url():
    return (settings.NEWSLETTERS_BASE_URL or settings.WAGTAILADMIN_BASE_URL).rstrip("/")


def absolute(url):
    return url if urlsplit(url).scheme else site_url() + url


def _card(value):
    article = value["article"]
    if article is None:
        return None
    article = article.specific
    if not article.live:
        return None
    image = None
    if article.lead_image is not None:
        rendition = article.lead_image.get_rendition(CARD_IMAGE)
        image = {
            "url": absolute(rendition.url),
            "width": CARD_WIDTH,
            "height": CARD_HEIGHT,
            "alt": article.lead_image.default_alt_text or "",
        }
    return {
        "headline": value.get("headline") or article.title,
        "deck": value.get("deck") or article.deck,
        "url": absolute(article.url),
        "section": article.section.title,
        "image": image,
    }


def blocks_of(issue):
    """The issue's blocks as the templates draw them (cards for published articles only)."""
    found = []
    for block in issue.body:
        if block.block_type == "article":
            card = _card(block.value)
            if card:
                found.append({"type": "article", "card": card})
        elif block.block_type == "paragraph":
            html = block.value.source
            found.append({"type": "paragraph", "html": str(block.value), "text": _text(html)})
        else:
            found.append({"type": block.block_type, "value": block.value})
    return found


def _text(html):
    text = strip_tags(html.replace("</p>", "\n\n").replace("<br/>", "\n").replace("<li>", "\n- "))
    return "\n".join(line.strip() for line in text.splitlines()).strip()


def render_issue(issue):
    """(html, text) for `issue`, with the LEAVE and PREFS placeholders in their links."""
    newsletter = issue.newsletter
    blocks = blocks_of(issue)
    preheader = issue.preheader or issue.intro[:140]
    context = {
        "issue": issue,
        "newsletter": newsletter,
        "blocks": blocks,
        "preheader": preheader,
        "site_name": settings.WAGTAIL_SITE_NAME,
        "site_url": site_url(),
        "leave_url": site_url() + reverse("newsletters:unsubscribe", args=[LEAVE]),
        "preferences_url": site_url() + reverse("newsletters:preferences", args=[PREFS]),
        "list_url": site_url() + reverse("newsletters:list"),
    }
    html = render_to_string("newsletters/mail/issue.html", context)
    # Rich text links to the site's own pages are relative: a mail app needs the host.
    for attribute in ("href", "src"):
        html = html.replace(f'{attribute}="/', f'{attribute}="{site_url()}/')
    html = _inliner.inline(html)
    text = render_to_string("newsletters/mail/issue.txt", context)
    return html, text


def render_preview(issue, request=None):
    """The email as a reader gets it, links pointing nowhere private (the editor's preview)."""
    html, text = render_issue(issue)
    for placeholder in (LEAVE, PREFS):
        html = html.replace(placeholder, "preview")
        text = text.replace(placeholder, "preview")
    return html, text
