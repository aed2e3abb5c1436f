"""WordPress shortcodes and automatic paragraphs, turned into plain HTML.

Classic-editor posts are stored the way the author typed them: paragraphs are
blank lines, and photos with captions are `[caption]` shortcodes. WordPress
adds the markup only when it displays a post; the importer does the same
before converting.
"""

import html
import re

CAPTION = re.compile(r"\[caption(?P<attrs>[^\]]*)\](?P<inner>.*?)\[/caption\]", re.S | re.I)
ATTRIBUTE = re.compile(r"""(\w+)\s*=\s*(?:"([^"]*)"|'([^']*)'|(\S+))""")
# The photo (possibly linked) at the start of a caption shortcode; the rest is the caption.
LEADING_IMAGE = re.compile(r"^\s*((?:<a\b[^>]*>\s*)?<img\b[^>]*>(?:\s*</a>)?)(.*)$", re.S | re.I)
GALLERY = re.compile(r"\[gallery(?P<attrs>[^\]]*)\]", re.I)
EMBED = re.compile(r"\[embed[^\]]*\](?P<url>.*?)\[/embed\]", re.S | re.I)


def shortcode_attributes(text):
    return {
        match.group(1).lower(): match.group(2) or match.group(3) or match.group(4) or ""
        for match in ATTRIBUTE.finditer(text)
    }


def _caption_to_figure(match):
    attrs = shortcode_attributes(match.group("attrs"))
    inner = match.group("inner")
    image = LEADING_IMAGE.match(inner)
    if image is None:
        # No photo inside: keep the words, lose only the shortcode.
        return inner
    photo, caption = image.group(1), image.group(2).strip()
    # Old exports keep the caption in an attribute instead.
    caption = caption or html.escape(attrs.get("caption", ""))
    attachment = attrs.get("id", "").removeprefix("attachment_")
    data = f' data-attachment-id="{html.escape(attachment)}"' if attachment.isdigit() else ""
    return f"<figure{data}>{photo}<figcaption>{caption}</figcaption></figure>"


def _gallery_to_figures(match):
    """`[gallery ids="4,5"]` lists attachments; each becomes a figure of its own."""
    ids = shortcode_attributes(match.group("attrs")).get("ids", "")
    return "".join(
        f'<figure data-attachment-id="{n}"><img class="wp-image-{n}" src=""></figure>'
        for n in (part.strip() for part in ids.split(","))
        if n.isdigit()
    )


def _embed_to_link(match):
    url = match.group("url").strip()
    return f'<p><a href="{html.escape(url)}">{html.escape(url)}</a></p>'


def expand_shortcodes(text):
    """`[caption]` becomes <figure>, `[gallery]` figures, `[embed]` a link; other shortcodes stay as
    the text they are, so nothing the author wrote disappears."""
    text = CAPTION.sub(_caption_to_figure, text)
    text = GALLERY.sub(_gallery_to_figures, text)
    return EMBED.sub(_embed_to_link, text)


def is_block_markup(text):
    """Posts written in the block editor carry `<!-- wp:... -->` delimiters."""
    return "<!-- wp:" in text
