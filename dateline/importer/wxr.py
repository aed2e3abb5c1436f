"""A streaming reader for WordPress export files (WXR 1.0, 1.1 and 1.2).

The file is read in chunks and each <item> is handed over and dropped as soon
as its closing tag arrives, so memory stays flat however large the export.
Expat parses behind defusedxml: a file with a document type declaration,
where entities are declared (the "billion laughs", or XXE reading local
files), is refused before anything is expanded or fetched. WordPress never
writes one.
"""

import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from datetime import UTC, datetime

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import DefusedXMLParser

CHUNK_SIZE = 64 * 1024

WP_NAMESPACE_PREFIX = "http://wordpress.org/export/"
NAMESPACE_NAMES = {
    "http://purl.org/rss/1.0/modules/content/": "content",
    "http://purl.org/dc/elements/1.1/": "dc",
    "http://wellformedweb.org/CommentAPI/": "wfw",
}


class WXRError(Exception):
    """The file cannot be read as a WordPress export; says where and why."""

    def __init__(self, message, line=None):
        self.message = message
        self.line = line
        super().__init__(f"line {line}: {message}" if line else message)


def short_name(tag):
    """`{http://wordpress.org/export/1.2/}post_id` -> `wp:post_id`, whatever the WXR version."""
    if not tag.startswith("{"):
        return tag
    namespace, local = tag[1:].split("}", 1)
    if namespace.startswith(WP_NAMESPACE_PREFIX):
        prefix = "excerpt" if namespace.rstrip("/").endswith("excerpt") else "wp"
        return f"{prefix}:{local}"
    prefix = NAMESPACE_NAMES.get(namespace)
    return f"{prefix}:{local}" if prefix else local


def parse_wp_date(value):
    """A WordPress date ("2025-08-14 09:30:00", UTC for the *_gmt fields), or None
    for WordPress's "never" (0000-00-00 00:00:00) and for anything unreadable."""
    value = (value or "").strip()
    if not value or value.startswith("0000"):
        return None
    try:
        return datetime.strptime(value, "%Y-%m-%d %H:%M:%S").replace(tzinfo=UTC)
    except ValueError:
        return None


@dataclass
class Author:
    wordpress_id: str
    login: str
    email: str
    display_name: str
    first_name: str = ""
    last_name: str = ""


@dataclass
class Term:
    """A category or a tag declared at the top of the export."""

    kind: str  # "category" or "tag"
    wordpress_id: str
    slug: str
    name: str
    parent_slug: str = ""
    description: str = ""


@dataclass
class Comment:
    wordpress_id: str
    parent_id: str
    author: str
    email: str
    url: str
    ip: str
    date_gmt: datetime | None
    date_local: datetime | None
    content: str
    approved: str
    type: str


@dataclass
class Item:
    """One <item>: a post, a page, an attachment or anything else WordPress exports."""

    line: int
    wordpress_id: str = ""
    post_type: str = ""
    title: str = ""
    link: str = ""
    guid: str = ""
    creator: str = ""
    content: str = ""
    excerpt: str = ""
    status: str = ""
    slug: str = ""
    date_local: datetime | None = None
    date_gmt: datetime | None = None
    modified_gmt: datetime | None = None
    sticky: bool = False
    password: str = ""
    attachment_url: str = ""
    categories: list = field(default_factory=list)  # [(slug, name)]
    tags: list = field(default_factory=list)  # [(slug, name)]
    meta: dict = field(default_factory=dict)
    comments: list = field(default_factory=list)


@dataclass
class Channel:
    """What the export says about the site itself."""

    title: str = ""
    link: str = ""
    base_site_url: str = ""
    wxr_version: str = ""


def _text(element):
    return (element.text or "").strip() if element is not None else ""


def _children(element):
    return {short_name(child.tag): child for child in element}


def _read_author(element):
    values = {name: _text(child) for name, child in _children(element).items()}
    return Author(
        wordpress_id=values.get("wp:author_id", "") or values.get("wp:author_login", ""),
        login=values.get("wp:author_login", ""),
        email=values.get("wp:author_email", ""),
        display_name=values.get("wp:author_display_name", ""),
        first_name=values.get("wp:author_first_name", ""),
        last_name=values.get("wp:author_last_name", ""),
    )


def _read_term(element):
    values = {name: _text(child) for name, child in _children(element).items()}
    if short_name(element.tag) == "wp:category":
        return Term(
            kind="category",
            wordpress_id=values.get("wp:term_id", "") or values.get("wp:category_nicename", ""),
            slug=values.get("wp:category_nicename", ""),
            name=values.get("wp:cat_name", ""),
            parent_slug=values.get("wp:category_parent", ""),
            description=values.get("wp:category_description", ""),
        )
    return Term(
        kind="tag",
        wordpress_id=values.get("wp:term_id", "") or values.get("wp:tag_slug", ""),
        slug=values.get("wp:tag_slug", ""),
        name=values.get("wp:tag_name", ""),
        description=values.get("wp:tag_description", ""),
    )


def _read_comment(element):
    values = {}
    for child in element:
        name = short_name(child.tag)
        if name != "wp:commentmeta":
            values[name] = child.text or ""
    return Comment(
        wordpress_id=values.get("wp:comment_id", "").strip(),
        parent_id=values.get("wp:comment_parent", "").strip(),
        author=values.get("wp:comment_author", "").strip(),
        email=values.get("wp:comment_author_email", "").strip(),
        url=values.get("wp:comment_author_url", "").strip(),
        ip=values.get("wp:comment_author_IP", "").strip(),
        date_gmt=parse_wp_date(values.get("wp:comment_date_gmt")),
        date_local=parse_wp_date(values.get("wp:comment_date")),
        content=values.get("wp:comment_content", ""),
        approved=values.get("wp:comment_approved", "").strip(),
        type=values.get("wp:comment_type", "").strip(),
    )


# Item fields read as plain text, by their short tag name.
ITEM_TEXT_FIELDS = {
    "title": "title",
    "link": "link",
    "guid": "guid",
    "dc:creator": "creator",
    "wp:post_id": "wordpress_id",
    "wp:post_type": "post_type",
    "wp:status": "status",
    "wp:post_name": "slug",
    "wp:post_password": "password",
    "wp:attachment_url": "attachment_url",
}


def _read_item(element, line):
    item = Item(line=line)
    for child in element:
        name = short_name(child.tag)
        if name in ITEM_TEXT_FIELDS:
            setattr(item, ITEM_TEXT_FIELDS[name], _text(child))
        elif name == "content:encoded":
            item.content = child.text or ""
        elif name == "excerpt:encoded":
            item.excerpt = (child.text or "").strip()
        elif name == "wp:post_date":
            item.date_local = parse_wp_date(child.text)
        elif name == "wp:post_date_gmt":
            item.date_gmt = parse_wp_date(child.text)
        elif name == "wp:post_modified_gmt":
            item.modified_gmt = parse_wp_date(child.text)
        elif name == "wp:is_sticky":
            item.sticky = _text(child) == "1"
        elif name == "category":
            pair = (child.get("nicename", ""), _text(child))
            if child.get("domain") == "category":
                item.categories.append(pair)
            elif child.get("domain") == "post_tag":
                item.tags.append(pair)
        elif name == "wp:postmeta":
            values = {short_name(c.tag): c.text or "" for c in child}
            item.meta[values.get("wp:meta_key", "")] = values.get("wp:meta_value", "")
        elif name == "wp:comment":
            item.comments.append(_read_comment(child))
    return item


CHANNEL_RECORDS = {
    "wp:author": _read_author,
    "wp:category": _read_term,
    "wp:tag": _read_term,
}
CHANNEL_FIELDS = {
    "title": "title",
    "link": "link",
    "wp:base_site_url": "base_site_url",
    "wp:wxr_version": "wxr_version",
}


def read_wxr(stream, on_progress=None):
    """Yield the channel, then each author, term and item, in file order.

    `stream` is a binary file; `on_progress(bytes_read)` is called after each
    chunk. Raises WXRError, naming the line, for malformed or hostile XML.
    """
    parser = DefusedXMLParser(
        target=ET.TreeBuilder(), forbid_dtd=True, forbid_entities=True, forbid_external=True
    )
    pull = ET.XMLPullParser(events=("start", "end"), _parser=parser)
    channel_element = None
    channel = Channel()
    depth = 0
    item_line = 0
    seen_root = False
    channel_sent = False

    def current_line():
        return parser.parser.CurrentLineNumber

    while True:
        chunk = stream.read(CHUNK_SIZE)
        try:
            if chunk:
                pull.feed(chunk)
            else:
                pull.close()
            # The pull parser keeps an error for read_events(); a chunk's events are few.
            events = list(pull.read_events())
        except ET.ParseError as error:
            line = error.position[0] if error.position else current_line()
            raise WXRError(f"malformed XML ({_expat_reason(error)})", line) from None
        except DefusedXmlException as error:
            raise WXRError(_refusal(error), current_line()) from None
        for event, element in events:
            name = short_name(element.tag)
            if event == "start":
                depth += 1
                if depth == 1:
                    seen_root = True
                    if name != "rss":
                        raise WXRError(
                            f"this is not a WordPress export: the document is <{name}>, not <rss>",
                            current_line(),
                        )
                elif depth == 2 and name == "channel":
                    channel_element = element
                elif depth == 3 and name == "item":
                    item_line = current_line()
                continue
            depth -= 1
            if depth != 2 or channel_element is None:
                continue
            # A direct child of <channel> is complete: hand it over, then drop it.
            if name in CHANNEL_FIELDS:
                setattr(channel, CHANNEL_FIELDS[name], _text(element))
            elif name == "item" or name in CHANNEL_RECORDS:
                if not channel_sent:
                    # The site's own fields come first in every export.
                    channel_sent = True
                    yield channel
                if name == "item":
                    yield _read_item(element, item_line)
                else:
                    yield CHANNEL_RECORDS[name](element)
            channel_element.remove(element)
        if on_progress is not None:
            on_progress(len(chunk))
        if not chunk:
            break
    if not seen_root or channel_element is None:
        raise WXRError("this is not a WordPress export: it has no <rss><channel>", None)
    if not channel_sent:
        yield channel


def _expat_reason(error):
    message = str(error)
    # "not well-formed (invalid token): line 3, column 4" -> "not well-formed (invalid token)"
    return message.split(": line")[0]


def _refusal(error):
    name = type(error).__name__
    if name == "EntitiesForbidden":
        return (
            f"refused: the file declares the entity '{error.name}'; WordPress exports never "
            "do, and entities can read local files or exhaust memory"
        )
    if name == "ExternalReferenceForbidden":
        return "refused: the file refers to an external resource (XXE)"
    if name == "DTDForbidden":
        return (
            "refused: the file has a document type declaration (<!DOCTYPE>); WordPress exports "
            "never do, and one can declare entities that read local files or exhaust memory"
        )
    return f"refused: {error}"
