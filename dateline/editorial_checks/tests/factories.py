"""Building articles for the checks' tests, in memory or saved in the page tree."""

import io

from django.core.files.images import ImageFile
from PIL import Image as PILImage
from wagtail.images import get_image_model

from dateline.news.models import ArticlePage


def make_photo(width=1600, height=1067, title="Test photo", noise=False):
    """A real JPEG in Wagtail's image library. Noise makes it heavy to encode."""
    picture = PILImage.new("RGB", (width, height), (40, 90, 140))
    if noise:
        picture = PILImage.effect_noise((width, height), 120).convert("RGB")
    buffer = io.BytesIO()
    picture.save(buffer, "JPEG", quality=92)
    image = get_image_model()(title=title)
    image.file = ImageFile(io.BytesIO(buffer.getvalue()), name=f"{title.lower()}.jpg")
    image.save()
    return image


def p(text):
    return {"type": "paragraph", "value": f"<p>{text}</p>"}


def heading(text):
    return {"type": "heading", "value": {"text": text, "level": "h2"}}


def quote(text, attribution=""):
    return {"type": "quote", "value": {"text": text, "attribution": attribution}}


def figure(image, alt, caption, credit="Maria Lund / Dateline", decorative=False):
    return {
        "type": "figure",
        "value": {
            "image": {"image": image.pk, "decorative": decorative, "alt_text": alt},
            "caption": caption,
            "credit": credit,
        },
    }


def article(title, deck, body, dateline=""):
    """An unsaved article, as the editor's form builds it before saving."""
    return ArticlePage(title=title, slug="draft", deck=deck, dateline=dateline, body=body)
