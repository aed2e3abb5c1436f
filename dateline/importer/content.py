"""WordPress post content (block markup or classic HTML) to the article body.

The result is the raw StreamField data of `ArticleBodyBlock`: paragraphs
(rich text limited to the features the body allows, sanitised by nh3),
sub-headings, pull quotes and figures. Whatever cannot become one of those
keeps its words as a paragraph, so nothing the author wrote is dropped except
markup the body does not allow (scripts, styles, event handlers).
"""

import re
from dataclasses import dataclass, field

import nh3
from bs4 import BeautifulSoup, Comment, Tag

from dateline.news.blocks import FigureBlock, HeadingBlock, QuoteBlock

from .shortcodes import expand_shortcodes, is_block_markup

# What a paragraph may contain: the body's rich-text features
# (bold, italic, link, ol, ul, blockquote) plus line breaks.
PARAGRAPH_TAGS = {"p", "b", "i", "a", "ul", "ol", "li", "blockquote", "br"}
RICH_TEXT_CLEANER = nh3.Cleaner(
    tags=PARAGRAPH_TAGS,
    clean_content_tags={"script", "style"},
    attributes={"a": {"href"}},
    url_schemes={"http", "https", "mailto"},
    link_rel=None,
)
RENAMED_TAGS = {"strong": "b", "em": "i", "dfn": "i", "var": "i"}

CAPTION_LIMIT = FigureBlock.base_blocks["caption"].field.max_length
CREDIT_LIMIT = FigureBlock.base_blocks["credit"].field.max_length
HEADING_LIMIT = HeadingBlock.base_blocks["text"].field.max_length
ATTRIBUTION_LIMIT = QuoteBlock.base_blocks["attribution"].field.max_length

# Markup that is never content: dropped with whatever it contains.
DROPPED = {
    "script", "style", "noscript", "template", "head", "title", "meta", "link",
    "form", "input", "button", "select", "textarea", "svg", "math", "object", "embed",
    "canvas", "audio", "video", "source", "track", "map", "area", "hr",
}  # fmt: skip
# Wrappers whose children are converted in their place.
CONTAINERS = {
    "div", "section", "article", "main", "header", "footer", "aside", "center",
    "nav", "html", "body", "details", "summary", "picture",
}  # fmt: skip
HEADINGS = {"h1", "h2", "h3", "h4", "h5", "h6"}
BLOCK_LEVEL = (
    DROPPED
    | CONTAINERS
    | HEADINGS
    | {"p", "ul", "ol", "blockquote", "figure", "table", "pre", "iframe", "dl", "address"}
)

WP_IMAGE_CLASS = re.compile(r"\bwp-image-(\d+)\b")
CREDIT_SUFFIX = re.compile(
    r"[\s(\[]*\b(?:photo(?:graph)?s?|credit|image)(?:\s+by)?\s*:\s*(?P<credit>[^()\[\]]+?)[)\]]?\s*$",
    re.I,
)
BLANK_LINE = re.compile(r"\n[ \t\r]*\n")


@dataclass
class ImageRef:
    """An image in the library that a post's photo resolved to."""

    pk: int | None  # None in a dry run, where the image is not saved
    title: str
    alt: str = ""
    caption: str = ""


@dataclass
class Conversion:
    blocks: list = field(default_factory=list)
    warnings: list = field(default_factory=list)
    image_pks: list = field(default_factory=list)

    def first_text(self):
        """The text of the first paragraph, for a deck when the post has no excerpt."""
        for block in self.blocks:
            if block["type"] == "paragraph":
                text = plain_text(BeautifulSoup(block["value"], "html.parser"))
                if text:
                    return text
        return ""


def plain_text(node):
    text = node.get_text(" ") if isinstance(node, Tag) else str(node)
    return " ".join(text.split())


def text_of_html(html):
    """What a browser shows for a WordPress title or excerpt: entities decoded,
    tags gone (WordPress prints both into its pages as they are stored)."""
    if "<" not in html and "&" not in html:
        return " ".join(html.split())
    return plain_text(BeautifulSoup(html, "html.parser"))


def sanitise_rich_text(html):
    """Rich text reduced to what the body allows; "" when no words remain."""
    cleaned = RICH_TEXT_CLEANER.clean(html).strip()
    if not plain_text(BeautifulSoup(cleaned, "html.parser")):
        return ""
    return cleaned


class Converter:
    """Turns one post's content into body blocks.

    `resolve_image(attachment_id, src)` returns an ImageRef or None (a photo
    whose file was not imported).
    """

    def __init__(self, resolve_image):
        self.resolve_image = resolve_image

    def convert(self, content):
        self.result = Conversion()
        self.classic = not is_block_markup(content)
        soup = BeautifulSoup(expand_shortcodes(content), "html.parser")
        self._rename_inline_tags(soup)
        self._walk(soup)
        return self.result

    # -- walking the tree ---------------------------------------------------

    def _rename_inline_tags(self, soup):
        for old, new in RENAMED_TAGS.items():
            for tag in soup.find_all(old):
                tag.name = new

    def _walk(self, container):
        run = []
        for node in list(container.children):
            if isinstance(node, Comment):
                continue  # block delimiters (<!-- wp:paragraph -->) and HTML comments
            if isinstance(node, Tag) and node.name in BLOCK_LEVEL:
                self._paragraphs_from_run(run)
                run = []
                self._block(node)
            else:
                run.append(node)
        self._paragraphs_from_run(run)

    def _block(self, tag):
        name = tag.name
        if name in DROPPED:
            return
        if name in CONTAINERS:
            self._walk(tag)
        elif name in HEADINGS:
            self._heading(tag)
        elif name == "p":
            self._paragraph_with_images(list(tag.children))
        elif name in {"ul", "ol"}:
            self._add_paragraph(str(tag), images_from=tag)
        elif name == "blockquote":
            self._blockquote(tag)
        elif name == "figure":
            self._figure(tag)
        elif name == "table":
            self._table(tag)
        elif name == "iframe":
            self._embedded_frame(tag)
        else:  # pre, dl, address: keep the lines
            lines = [line.strip() for line in tag.get_text("\n").splitlines()]
            self._add_paragraph("<p>" + "<br>".join(_escape(x) for x in lines if x) + "</p>")

    def _paragraphs_from_run(self, nodes):
        """Loose text and inline markup between blocks: classic posts' paragraphs."""
        if not nodes or not "".join(plain_text(n) for n in nodes if not _is_image(n)).strip():
            if any(_contains_image(n) for n in nodes):
                self._paragraph_with_images(nodes)
            return
        html = "".join(str(n) for n in nodes)
        for chunk in BLANK_LINE.split(html):
            soup = BeautifulSoup(chunk, "html.parser")
            self._paragraph_with_images(list(soup.children))

    def _paragraph_with_images(self, nodes):
        """A paragraph, split around any photos in it, which become figures."""
        pending = []
        for node in nodes:
            image = _image_in(node)
            if image is None:
                pending.append(node)
                continue
            found = self._resolve(image, wrapper=None)
            if found is None:
                # A photo we do not have (a tracking pixel, a hot-linked image):
                # left out, and the sentence around it stays whole.
                self._warn_dropped_image(image)
                continue
            self._add_paragraph(self._as_paragraph(pending))
            pending = []
            self._figure_from_image(image, caption_node=None, wrapper=None, found=found)
        self._add_paragraph(self._as_paragraph(pending))

    def _as_paragraph(self, nodes):
        html = "".join(str(n) for n in nodes).strip()
        if self.classic:
            html = html.replace("\r\n", "\n").replace("\n", "<br>")
        return f"<p>{html}</p>" if html else ""

    def _add_paragraph(self, html, images_from=None):
        if images_from is not None:
            for image in images_from.find_all("img"):
                self._warn_dropped_image(image)
        value = sanitise_rich_text(html)
        if value:
            self.result.blocks.append({"type": "paragraph", "value": value})

    def _add_text_paragraph(self, text):
        if text.strip():
            self._add_paragraph(f"<p>{_escape(text)}</p>")

    # -- specific blocks ----------------------------------------------------

    def _heading(self, tag):
        text = plain_text(tag)
        if not text:
            return
        if len(text) > HEADING_LIMIT:
            # Too long for a sub-heading; keep every word as a bold paragraph.
            self._add_paragraph(f"<p><b>{_escape(text)}</b></p>")
            return
        level = "h2" if tag.name in {"h1", "h2"} else "h3"
        self.result.blocks.append({"type": "heading", "value": {"text": text, "level": level}})

    def _blockquote(self, tag):
        """A quote with a named source becomes a pull quote; one without stays
        in the text as a quoted paragraph, links and all."""
        cite = tag.find(["cite", "footer"])
        attribution = plain_text(cite) if cite else ""
        if cite:
            cite.extract()
        paragraphs = [plain_text(p) for p in tag.find_all("p")] or [plain_text(tag)]
        text = "\n\n".join(p for p in paragraphs if p)
        if attribution and len(attribution) <= ATTRIBUTION_LIMIT and text:
            self.result.blocks.append(
                {"type": "quote", "value": {"text": text, "attribution": attribution}}
            )
            return
        inner = "".join(str(c) for c in tag.children)
        if attribution:
            inner += f"<p>— {_escape(attribution)}</p>"
        self._add_paragraph(f"<blockquote>{inner}</blockquote>", images_from=tag)

    def _figure(self, tag):
        if tag.find("figure") is not None:
            # A gallery: a figure of figures, each photo converted in turn.
            self._walk(tag)
            return
        image = tag.find("img")
        caption = tag.find("figcaption")
        if image is not None:
            self._figure_from_image(image, caption_node=caption, wrapper=tag)
        elif tag.find("blockquote") is not None:
            self._blockquote(tag.find("blockquote"))
        elif tag.find("table") is not None:
            self._table(tag.find("table"))
            if caption is not None:
                self._add_text_paragraph(plain_text(caption))
        else:
            # An embed (video, social post): keep its address as a link.
            self._embedded_link(plain_text(tag), caption)

    def _embedded_frame(self, tag):
        self._embedded_link(tag.get("src", ""), None)

    def _embedded_link(self, url, caption):
        url = url.strip()
        if url.startswith(("https://", "http://")):
            self._add_paragraph(f'<p><a href="{_escape(url)}">{_escape(url)}</a></p>')
        if caption is not None:
            self._add_text_paragraph(plain_text(caption))

    def _table(self, tag):
        """Tables are not in the body; each row keeps its cells as one line."""
        rows = []
        for row in tag.find_all("tr"):
            cells = [plain_text(cell) for cell in row.find_all(["th", "td"])]
            if any(cells):
                rows.append(" · ".join(cells))
        if rows:
            self._add_paragraph("<p>" + "<br>".join(_escape(r) for r in rows) + "</p>")

    def _resolve(self, image, wrapper):
        return self.resolve_image(_attachment_id(image, wrapper), image.get("src", ""))

    def _figure_from_image(self, image, caption_node, wrapper, found=None):
        found = found or self._resolve(image, wrapper)
        caption, credit = _caption_and_credit(caption_node)
        if found is None:
            self._warn_dropped_image(image)
            self._add_text_paragraph(caption + (f" (Photo: {credit})" if credit else ""))
            return
        alt = " ".join((image.get("alt") or "").split()) or found.alt
        caption = caption or found.caption or alt or found.title
        overflow = ""
        if len(caption) > CAPTION_LIMIT or len(credit) > CREDIT_LIMIT:
            # Too long for the figure; the full words follow it as a paragraph.
            overflow = caption + (f" (Photo: {credit})" if credit else "")
            caption, credit = found.title[:CAPTION_LIMIT], ""
        self.result.image_pks.append(found.pk)
        self.result.blocks.append(
            {
                "type": "figure",
                "value": {
                    # A photo with no description anywhere is marked decorative: its
                    # caption is what readers and screen readers get.
                    "image": {"image": found.pk, "decorative": not alt, "alt_text": alt},
                    "caption": caption,
                    "credit": credit,
                },
            }
        )
        self._add_text_paragraph(overflow)

    def _warn_dropped_image(self, image):
        src = image.get("src", "") or "(no address)"
        self.result.warnings.append(f"photo {src} is not in the image library; left out")


def _escape(text):
    return (
        text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")
    )


def _is_image(node):
    return isinstance(node, Tag) and node.name == "img"


def _contains_image(node):
    return isinstance(node, Tag) and (node.name == "img" or node.find("img") is not None)


def _image_in(node):
    """The photo a paragraph node is (an <img>, or a link around just an <img>)."""
    if _is_image(node):
        return node
    if isinstance(node, Tag) and node.name == "a":
        images = node.find_all("img")
        if len(images) == 1 and not plain_text(node):
            return images[0]
    return None


def _attachment_id(image, wrapper):
    match = WP_IMAGE_CLASS.search(" ".join(image.get("class") or []))
    if match:
        return match.group(1)
    for node in (image, wrapper):
        if node is not None:
            for attribute in ("data-id", "data-attachment-id"):
                if (node.get(attribute) or "").isdigit():
                    return node[attribute]
    return ""


def _caption_and_credit(caption_node):
    """A figure's caption and photo credit, from <cite>/.credit or a trailing "Photo: X"."""
    if caption_node is None:
        return "", ""
    credit = ""
    marked = caption_node.find("cite") or caption_node.find(class_="credit")
    if marked is not None:
        credit = plain_text(marked)
        marked.extract()
    caption = plain_text(caption_node)
    if not credit:
        match = CREDIT_SUFFIX.search(caption)
        if match and match.start() > 0:
            credit = match.group("credit").strip()
            caption = caption[: match.start()].rstrip()
    return caption, credit


def image_src_candidates(src):
    """An image address and the original it was resized from:
    `photo-300x200.jpg` was made from `photo.jpg`."""
    src = src.split("?", 1)[0]
    original = re.sub(r"-\d+x\d+(\.\w+)$", r"\1", src)
    original = re.sub(r"-scaled(\.\w+)$", r"\1", original)
    return [src] if original == src else [src, original]
