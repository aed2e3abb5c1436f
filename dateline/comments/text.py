"""Reader text in, safe HTML out.

Comments are plain text: stored exactly as typed (less invisible control
characters), rendered escaped, with paragraphs and autolinked http(s) URLs.
"""

import re
import unicodedata

import nh3
import regex
from django.utils.html import escape, urlize
from django.utils.safestring import SafeString

LINK_REL = "nofollow ugc noopener"

# Characters that change how text around them is displayed without being seen:
# bidirectional embeddings/overrides/isolates and zero-width characters.
BIDI_CONTROLS = set("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c")
ZERO_WIDTH = set("\u200b\u200c\u2060\ufeff\u180e")
ZWJ = "\u200d"
URL_PATTERN = re.compile(r"(?i)\b(?:https?://|www\.)\S+")


def _is_emoji_like(char):
    return unicodedata.category(char) in {"So", "Sk"} or ord(char) >= 0x1F000


# Characters Unicode says to draw as nothing (Default_Ignorable_Code_Point):
# besides the formats below, the Hangul fillers (U+3164 and kin) are letters
# that show as blank space, and made names that looked empty. Marks among them
# (variation selectors: "❤️") change how the character before them looks, and stay.
DEFAULT_IGNORABLE = regex.compile(r"\p{Default_Ignorable_Code_Point}")
# A braille cell with no dots draws as a space; in a name it is one.
BLANK_LOOKALIKES = {"\u2800": " "}
VISIBLE_LETTER = regex.compile(r"[\p{L}\p{N}]")


def _strip_invisible(text):
    out = []
    for index, char in enumerate(text):
        if char in BIDI_CONTROLS or char in ZERO_WIDTH:
            continue
        if (
            DEFAULT_IGNORABLE.match(char)
            and char != ZWJ
            and not unicodedata.category(char).startswith("M")
        ):
            continue
        category = unicodedata.category(char)
        if category == "Cs":  # a lone surrogate: not a character at all
            continue
        if char == ZWJ:
            # Kept only inside an emoji sequence (👩‍💻), where it is meant.
            before = text[index - 1] if index else ""
            after = text[index + 1] if index + 1 < len(text) else ""
            if before and after and _is_emoji_like(before) and _is_emoji_like(after):
                out.append(char)
            continue
        if category in {"Cc", "Cf"}:
            continue
        out.append(char)
    return "".join(out)


def clean_name(value):
    """A display name on one line, without characters that disguise it."""
    value = unicodedata.normalize("NFC", value)
    for blank, space in {"\r": " ", "\n": " ", "\t": " ", **BLANK_LOOKALIKES}.items():
        value = value.replace(blank, space)
    return " ".join(_strip_invisible(value).split())


def has_visible_letter(value):
    """Whether a reader would see at least one letter or digit in `value`."""
    return any(VISIBLE_LETTER.match(char) and not DEFAULT_IGNORABLE.match(char) for char in value)


# In running text, joiners and direction marks are part of some scripts
# (Persian needs U+200C) and emoji, so only what can flip or hide the page's
# text is removed: control characters, embeddings and overrides.
BODY_REMOVED_FORMATS = set("\u202a\u202b\u202c\u202d\u202e\ufeff")


def clean_body(value):
    """The comment as typed: line breaks and tabs kept, control characters removed."""
    value = unicodedata.normalize("NFC", value.replace("\r\n", "\n").replace("\r", "\n"))
    kept = []
    for char in value:
        category = unicodedata.category(char)
        if char in "\n\t" or not (category in {"Cc", "Cs"} or char in BODY_REMOVED_FORMATS):
            kept.append(char)
    return "".join(kept).strip()


def count_links(text):
    return len(URL_PATTERN.findall(text))


def render_body(text):
    """Paragraphs and autolinks, every other character escaped."""
    paragraphs = [p.strip() for p in re.split(r"\n\s*\n", text) if p.strip()]
    html = "".join(
        "<p>" + urlize(p, autoescape=True).replace("\n", "<br>") + "</p>" for p in paragraphs
    )
    # urlize already escaped the text; nh3 is the second line of defence that
    # allows only these tags, http(s) links, and sets the rel on every link.
    cleaned = nh3.clean(
        html,
        tags={"p", "br", "a"},
        attributes={"a": {"href"}},
        url_schemes={"http", "https"},
        link_rel=LINK_REL,
    )
    return SafeString(cleaned)


# The one rule for a commenter's website: the form refuses what breaks it
# (forms.py), and the page shows only what keeps it, so nothing accepted is
# ever silently left out. Quotes, angle brackets, backticks and backslashes
# could end the link's attribute or be read as markup by something downstream.
WEBSITE_SCHEME = re.compile(r"(?i)^https?://")
WEBSITE_UNSAFE_CHARACTERS = re.compile(r"[\s\"'<>`\\]")
WEBSITE_REFUSED = (
    "Enter a web address without spaces, quotes (\" or '), angle brackets (< >), "
    "backticks or backslashes."
)


def safe_website(url):
    """The commenter's website, only if it is an http(s) address the rule allows."""
    if url and WEBSITE_SCHEME.match(url) and not WEBSITE_UNSAFE_CHARACTERS.search(url):
        return url
    return ""


__all__ = [
    "clean_name",
    "has_visible_letter",
    "clean_body",
    "count_links",
    "render_body",
    "safe_website",
    "escape",
    "WEBSITE_UNSAFE_CHARACTERS",
    "WEBSITE_REFUSED",
]
