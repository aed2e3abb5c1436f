"""A word-level diff of two texts, as HTML a reader can follow: <del> and <ins>."""

import difflib
import re
from dataclasses import dataclass

from django.utils.html import format_html, format_html_join

# Words (with their punctuation) and the whitespace between them; whitespace is
# kept so paragraphs survive the diff.
TOKEN = re.compile(r"\s+|\S+")


def tokens(text):
    return TOKEN.findall(text or "")


@dataclass
class FieldDiff:
    label: str
    html: str
    changed: bool
    inserted_words: int
    deleted_words: int


def _count_words(parts):
    return sum(1 for part in parts if not part.isspace())


def word_diff(label, old, new):
    """Escaped HTML of `new` against `old`: removed words in <del>, added in <ins>."""
    a, b = tokens(old), tokens(new)
    pieces = []
    inserted = deleted = 0
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    for op, a1, a2, b1, b2 in matcher.get_opcodes():
        if op == "equal":
            pieces.append(format_html("{}", "".join(a[a1:a2])))
            continue
        if op in ("delete", "replace"):
            # Screen readers mostly do not announce <del>/<ins>; say it.
            pieces.append(
                format_html(
                    '<span class="visually-hidden">[removed:]</span><del>{}</del>',
                    "".join(a[a1:a2]),
                )
            )
            deleted += _count_words(a[a1:a2])
        if op in ("insert", "replace"):
            pieces.append(
                format_html(
                    '<span class="visually-hidden">[added:]</span><ins>{}</ins>',
                    "".join(b[b1:b2]),
                )
            )
            inserted += _count_words(b[b1:b2])
    return FieldDiff(
        label=label,
        html=format_html_join("", "{}", ((piece,) for piece in pieces)),
        changed=(inserted + deleted) > 0,
        inserted_words=inserted,
        deleted_words=deleted,
    )


def compare_texts(old_texts, new_texts):
    """One FieldDiff per part of the article, in the article's order."""
    return [word_diff(label, old_texts.get(label, ""), new_texts[label]) for label in new_texts]
