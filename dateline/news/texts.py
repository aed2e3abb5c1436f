"""An article as plain text, part by part: what search snippets and the change log's diffs read."""

import html
import re

from django.utils.html import strip_tags

BLOCK_BREAK = "\n\n"


def _rich_text_as_plain(source):
    text = re.sub(r"</(p|li|h\d|blockquote)>", "\n", str(source))
    return html.unescape(strip_tags(text)).strip()


def article_texts(article):
    """The parts of an article a reader would compare, as plain text, in reading order."""
    body, captions = [], []
    for block in article.body:
        if block.block_type == "paragraph":
            body.append(_rich_text_as_plain(block.value.source))
        elif block.block_type == "heading":
            body.append(block.value["text"])
        elif block.block_type == "quote":
            quote = block.value["text"]
            if block.value.get("attribution"):
                quote += f" — {block.value['attribution']}"
            body.append(quote)
        elif block.block_type == "figure":
            caption = block.value["caption"]
            if block.value.get("credit"):
                caption += f" (Photo: {block.value['credit']})"
            captions.append(caption)
    notes = [f"{n.get_kind_display()}: {n.text}" for n in article.notes.all()]
    return {
        "Headline": article.title,
        "Deck": article.deck,
        "Body": BLOCK_BREAK.join(part for part in body if part),
        "Captions": BLOCK_BREAK.join(captions),
        "Corrections and updates": BLOCK_BREAK.join(notes),
    }
