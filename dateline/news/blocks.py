"""StreamField blocks for an article's body.

Each has a template under templates/blocks/, except paragraphs: Wagtail renders them itself.
"""

import re
import unicodedata

from wagtail import blocks
from wagtail.images.blocks import ImageBlock

BODY_RICH_TEXT_FEATURES = ["bold", "italic", "link", "ol", "ul", "blockquote"]


def comparable_text(text):
    """Text reduced to what a screen reader would speak: letters and digits only.

    Used to tell whether a caption just repeats the alt text, whatever the
    quotes, hyphens, apostrophes or capitals ("Putin's Lined-up" == "Putins lined up").
    """
    text = unicodedata.normalize("NFKC", text or "").casefold()
    text = re.sub(r"['\u2018\u2019\u02bc`]", "", text)
    return " ".join(re.findall(r"\w+", text))


class FigureBlock(blocks.StructBlock):
    """A photo with alt text, a visible caption and a credit, rendered as <figure>.

    Wagtail's ImageBlock refuses empty alt text unless the image is marked
    decorative, so an editor cannot publish an undescribed photo by accident.
    """

    image = ImageBlock()
    caption = blocks.CharBlock(
        max_length=500,
        help_text="Shown under the photo. Say what the alt text does not: who, where, when.",
    )
    credit = blocks.CharBlock(
        required=False,
        max_length=200,
        help_text="Photographer or agency, e.g. “Maria Lund / Dateline”.",
    )

    class Meta:
        icon = "image"
        label = "Figure"
        template = "blocks/figure.html"

    def get_context(self, value, parent_context=None):
        context = super().get_context(value, parent_context=parent_context)
        image = value["image"]
        alt = "" if image is None or image.decorative else (image.contextual_alt_text or "")
        # A caption that repeats the alt text would be read twice; the caption
        # is visible and announced with the figure, so the image stays silent.
        if alt and comparable_text(alt) == comparable_text(value["caption"]):
            alt = ""
        context["alt"] = alt
        # The article marks figures near the top as above the fold; the rest
        # load lazily as the reader scrolls.
        context["loading"] = (parent_context or {}).get("figure_loading", "lazy")
        return context


class HeadingBlock(blocks.StructBlock):
    text = blocks.CharBlock(max_length=200)
    level = blocks.ChoiceBlock(
        choices=[("h2", "Sub-heading"), ("h3", "Minor heading")], default="h2"
    )

    class Meta:
        icon = "title"
        label = "Sub-heading"
        template = "blocks/heading.html"


class QuoteBlock(blocks.StructBlock):
    text = blocks.TextBlock()
    attribution = blocks.CharBlock(required=False, max_length=200)

    class Meta:
        icon = "openquote"
        label = "Pull quote"
        template = "blocks/quote.html"


class ArticleBodyBlock(blocks.StreamBlock):
    # Rendered by Wagtail itself: the rich text's own HTML, as a template
    # holding `{{ value|richtext }}` would give, without a template per paragraph.
    paragraph = blocks.RichTextBlock(features=BODY_RICH_TEXT_FEATURES)
    heading = HeadingBlock()
    figure = FigureBlock()
    quote = QuoteBlock()
