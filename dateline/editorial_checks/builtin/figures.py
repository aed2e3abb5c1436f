"""Figures: alt text, captions, credits and image sizes."""

import re
from difflib import SequenceMatcher

from dateline.news.blocks import comparable_text

from ..base import Check, Severity, registry

# Alt text that describes nothing: what editors type to get past the field.
PLACEHOLDER_ALT = {
    "image",
    "photo",
    "picture",
    "img",
    "alt",
    "alt text",
    "untitled",
    "placeholder",
    "todo",
    "tbd",
    "tk",
    "xxx",
    "caption",
    "photo by",
    "lorem ipsum",
}
FILENAME_ALT = re.compile(
    r"^[\w\-. ]+\.(jpe?g|png|gif|webp|avif|heic|tiff?)$|^(img|dsc|pxl)[_\-]?\d+", re.I
)
# How close alt text and caption may be before a screen reader user hears the
# same sentence twice (1.0 is identical once quotes, case and hyphens are gone).
NEAR_EQUAL = 0.85
TERMINAL = re.compile(r"[.!?…][”’\"')\]]*$")


@registry.register
class AltTextMissing(Check):
    code = "figure-alt-missing"
    title = "Figure without a real description"
    group = "figures"
    severity = Severity.ERROR
    blocking_by_default = True

    def run(self, article):
        for figure in article.figures:
            if figure.image is None or figure.decorative:
                continue
            alt = figure.alt.strip()
            if not alt:
                yield self.finding(
                    figure.alt_location,
                    "",
                    "The photo has no alt text, so a screen reader says nothing about it.",
                    suggestion="Describe what the photo shows, or mark it decorative.",
                )
            elif alt.casefold().strip(" .") in PLACEHOLDER_ALT or FILENAME_ALT.search(alt):
                yield self.finding(
                    figure.alt_location,
                    alt,
                    "The alt text is a placeholder, not a description.",
                    suggestion="Describe what the photo shows.",
                )


@registry.register
class AltRepeatsCaption(Check):
    code = "figure-alt-repeats-caption"
    title = "Alt text repeats the caption"
    group = "figures"
    severity = Severity.ERROR
    blocking_by_default = True

    def run(self, article):
        for figure in article.figures:
            if figure.decorative or not figure.alt or not figure.caption:
                continue
            alt, caption = comparable_text(figure.alt), comparable_text(figure.caption)
            similarity = SequenceMatcher(None, alt, caption, autojunk=False).ratio()
            if similarity >= NEAR_EQUAL:
                yield self.finding(
                    figure.alt_location,
                    figure.alt,
                    f"The alt text and the caption say the same thing ({similarity:.0%} alike), "
                    "so a screen reader reads it twice.",
                    suggestion="Let the alt text describe what is seen; let the caption say "
                    "who, where and when.",
                    related=[(figure.caption_location, figure.caption)],
                )


@registry.register
class CreditMissing(Check):
    code = "figure-credit-missing"
    title = "Figure without a credit"
    group = "figures"

    def run(self, article):
        for figure in article.figures:
            if figure.image is not None and not figure.credit.strip():
                yield self.finding(
                    figure.credit_location,
                    "",
                    "The photo has no credit.",
                    suggestion="Name the photographer or agency, e.g. “Maria Lund / Dateline”.",
                )


@registry.register
class ImageTooSmall(Check):
    code = "figure-image-too-small"
    title = "Image too small for the layout"
    group = "figures"

    def run(self, article):
        needed = article.style.min_figure_width
        for figure in article.figures:
            width = getattr(figure.image, "width", None)
            if width and width < needed:
                yield self.finding(
                    figure.location,
                    str(figure.image.title),
                    f"The image is {width} pixels wide; the layout needs {needed}, "
                    "so it will look blurred on large screens.",
                    suggestion=f"Upload a version at least {needed} pixels wide.",
                )


@registry.register
class CaptionFullStop(Check):
    code = "figure-caption-full-stop"
    title = "Caption punctuation against the house style"
    group = "figures"
    severity = Severity.INFO

    def run(self, article):
        required = article.style.caption_full_stop == article.style.REQUIRED
        for figure in article.figures:
            caption = figure.caption.rstrip()
            if not caption:
                continue
            ends = bool(TERMINAL.search(caption))
            if required and not ends:
                yield self.finding(
                    figure.caption_location,
                    caption[-40:],
                    "House style: captions end with a full stop.",
                    suggestion=caption + ".",
                )
            elif not required and caption.endswith("."):
                yield self.finding(
                    figure.caption_location,
                    caption[-40:],
                    "House style: captions have no final full stop.",
                    suggestion=caption.rstrip("."),
                )
