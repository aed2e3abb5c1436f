"""The article as the checks read it: its texts, figures and links, each with
the place in the editor it comes from.

Built once per run from an ArticlePage, saved or not (the editor's unsaved
form, a preview, a draft revision), so every check reads the same snapshot.
Other texts are built with the public `add_*` methods (a live update, before
it goes out), so the same checks read them.
"""

from dataclasses import dataclass, field

from bs4 import BeautifulSoup

from .base import Location

# Block-level elements of the body's rich text; each is read as one text.
RICH_TEXT_BLOCKS = ["p", "li", "blockquote", "h2", "h3", "h4"]


@dataclass(frozen=True)
class Text:
    location: Location
    # headline, deck, dateline, paragraph, heading, quote, attribution, caption, credit, alt
    kind: str
    text: str


@dataclass(frozen=True)
class Figure:
    location: Location
    image: object  # a Wagtail image, or None when it was deleted
    alt: str
    decorative: bool
    caption: str
    credit: str
    caption_location: Location
    alt_location: Location
    credit_location: Location


@dataclass(frozen=True)
class Link:
    location: Location
    text: str
    href: str
    linktype: str = ""  # "page" or "document" for Wagtail's internal links
    target_id: str = ""


@dataclass
class ArticleText:
    page: object
    style: object  # the site's EditorialChecksSettings
    texts: list = field(default_factory=list)
    figures: list = field(default_factory=list)
    links: list = field(default_factory=list)

    def texts_of(self, *kinds):
        return [t for t in self.texts if t.kind in kinds]

    @property
    def reading_texts(self):
        """What a reader reads as running copy, in page order (not alt text)."""
        return [t for t in self.texts if t.kind != "alt"]

    @classmethod
    def from_page(cls, page, style):
        article = cls(page=page, style=style)
        article._add_field("title", "Headline", "headline", page.title)
        article._add_field("deck", "Deck", "deck", getattr(page, "deck", ""))
        article._add_field("dateline", "Dateline", "dateline", getattr(page, "dateline", ""))
        for index, block in enumerate(getattr(page, "body", None) or []):
            article._add_block(index, block)
        return article

    def _add_field(self, name, label, kind, value):
        if value:
            location = Location(name, label, name, f"id_{name}")
            self.texts.append(Text(location, kind, str(value)))

    def _add_block(self, index, block):
        number = index + 1
        key = block.id or f"position-{index}"

        def location(child, label, input_id=None):
            # `input_id` is the editor's element for the field: its input, or
            # for rich text (a hidden input) the field's error slot.
            suffix = f".{child}" if child else ""
            return Location(
                path=f"body.{index}{suffix}",
                label=f"Body block {number} ({label})",
                key=f"body.{key}{suffix}",
                input_id=input_id or f"body-{index}-value-{child}",
            )

        value = block.value
        if block.block_type == "paragraph":
            where = location("", "paragraph", f"body-{index}-value-errors")
            self.add_rich_text(where, value.source)
        elif block.block_type == "heading":
            self.texts.append(Text(location("text", "sub-heading"), "heading", value["text"]))
        elif block.block_type == "quote":
            self.texts.append(Text(location("text", "pull quote"), "quote", value["text"]))
            if value.get("attribution"):
                where = location("attribution", "pull quote attribution")
                self.texts.append(Text(where, "attribution", value["attribution"]))
        elif block.block_type == "figure":
            self._add_figure(value, location, f"body-{index}-value-image")

    def _add_figure(self, value, location, image_input):
        image = value.get("image")
        decorative = bool(image is not None and getattr(image, "decorative", False))
        alt = "" if image is None else (getattr(image, "contextual_alt_text", "") or "")
        figure = Figure(
            location=location("image", "figure image", f"{image_input}-image-chooser"),
            image=image,
            alt=alt,
            decorative=decorative,
            caption=value.get("caption") or "",
            credit=value.get("credit") or "",
            caption_location=location("caption", "figure caption"),
            alt_location=location("image.alt_text", "figure alt text", f"{image_input}-alt_text"),
            credit_location=location("credit", "figure credit"),
        )
        self.add_figure(figure)

    def add_text(self, location, kind, text):
        """One plain text of a `kind` the checks know (see Text.kind)."""
        if text and text.strip():
            self.texts.append(Text(location, kind, text))

    def add_figure(self, figure):
        """A Figure, with its caption, credit and alt text read as texts too."""
        self.figures.append(figure)
        if figure.caption:
            self.texts.append(Text(figure.caption_location, "caption", figure.caption))
        if figure.credit:
            self.texts.append(Text(figure.credit_location, "credit", figure.credit))
        if figure.alt and not figure.decorative:
            self.texts.append(Text(figure.alt_location, "alt", figure.alt))

    def add_rich_text(self, location, html):
        """Paragraphs and links of an HTML fragment."""
        soup = BeautifulSoup(html or "", "html.parser")
        elements = soup.find_all(RICH_TEXT_BLOCKS)
        # Innermost blocks only: a <li> inside a <blockquote> is read once.
        leaves = [e for e in elements if not e.find(RICH_TEXT_BLOCKS)] or [soup]
        for element in leaves:
            text = element.get_text("")
            if text.strip():
                self.texts.append(Text(location, "paragraph", text))
        for anchor in soup.find_all("a"):
            self.links.append(
                Link(
                    location=location,
                    text=anchor.get_text(" ", strip=True),
                    href=anchor.get("href", ""),
                    linktype=anchor.get("linktype", ""),
                    target_id=anchor.get("id", ""),
                )
            )
