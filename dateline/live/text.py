"""A reporter's update text in, safe HTML out.

Updates are typed fast, in a plain text box: blank lines separate
paragraphs, `[words](https://…)` makes a link, `**words**` bold and
`_words_` italic, and a bare http(s) address becomes a link. Everything else
is escaped first, and nh3 then allows only the few tags this produces, with
http(s) and mailto links, as for comments and imported articles.
"""

import re
import unicodedata

import nh3
from django.utils.html import escape
from django.utils.safestring import SafeString

TAGS = {"p", "br", "a", "b", "i"}
CLEANER = nh3.Cleaner(
    tags=TAGS,
    attributes={"a": {"href"}},
    url_schemes={"http", "https", "mailto"},
    link_rel="noopener",
    clean_content_tags={"script", "style"},
)
# Applied to escaped text, so "<", ">", quotes and "&" are entities already.
LINK = re.compile(r"\[([^\]\n]{1,300})\]\(((?:https?://|mailto:)[^\s()<>\"']{1,2000})\)")
BARE_URL = re.compile(r"(?<![\"=>/\w])(https?://[^\s<>\"']{1,2000}[^\s<>\"'.,;:!?)\]])")
BOLD = re.compile(r"\*\*(?=\S)(.{1,500}?)(?<=\S)\*\*")
ITALIC = re.compile(r"(?<![\w*])_(?=\S)(.{1,500}?)(?<=\S)_(?![\w*])")
# Characters that change how text is displayed without being seen.
REMOVED = set("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\ufeff")


def clean_source(value):
    """The text as typed: line breaks kept, control and direction-override characters gone."""
    value = unicodedata.normalize("NFC", (value or "").replace("\r\n", "\n").replace("\r", "\n"))
    return "".join(
        char
        for char in value
        if char in "\n\t" or not (unicodedata.category(char) in {"Cc", "Cs"} or char in REMOVED)
    ).strip()


def clean_line(value):
    """A one-line field (title, caption, credit): as clean_source, on one line."""
    return " ".join(clean_source(value).split())


def _inline(paragraph):
    html = escape(paragraph)
    links = []

    def keep(match):
        links.append(f'<a href="{match.group(2)}">{match.group(1)}</a>')
        return f"\x00{len(links) - 1}\x00"

    html = LINK.sub(keep, html)
    html = BARE_URL.sub(lambda match: _bare(match, links), html)
    html = BOLD.sub(r"<b>\1</b>", html)
    html = ITALIC.sub(r"<i>\1</i>", html)
    html = re.sub(r"\x00(\d+)\x00", lambda m: links[int(m.group(1))], html)
    return html.replace("\n", "<br>")


def _bare(match, links):
    url = match.group(1)
    links.append(f'<a href="{url}">{url}</a>')
    return f"\x00{len(links) - 1}\x00"


def render_text(source):
    paragraphs = [p.strip() for p in re.split(r"\n\s*\n", source or "") if p.strip()]
    html = "".join(f"<p>{_inline(p)}</p>" for p in paragraphs)
    return SafeString(CLEANER.clean(html))


def plain_text(source):
    """The words readers see, without markup: for labels, feeds' summaries and checks."""
    text = LINK.sub(r"\1", source or "")
    text = BOLD.sub(r"\1", text)
    text = ITALIC.sub(r"\1", text)
    return " ".join(text.split())


def summary_label(source, limit=90):
    """The first sentence, or the first `limit` characters ending at a word."""
    text = plain_text(source)
    sentence = re.match(r"(.+?[.!?])(\s|$)", text)
    if sentence and len(sentence.group(1)) <= limit:
        return sentence.group(1)
    if len(text) <= limit:
        return text
    return text[:limit].rsplit(" ", 1)[0].rstrip(",;:") + "…"
