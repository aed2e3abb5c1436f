"""Figures: alt text, captions, decorative images and what a screen reader hears."""

import pytest
from wagtail.blocks import StreamBlockValidationError, StructBlockValidationError

from dateline.news.blocks import ArticleBodyBlock, FigureBlock, comparable_text

from .html import parse


def figure_value(image, alt="A harbour at dawn", decorative=False, caption="Boats at rest."):
    block = FigureBlock()
    return block, block.to_python(
        {
            "image": {"image": image.pk, "alt_text": alt, "decorative": decorative},
            "caption": caption,
            "credit": "Staff",
        }
    )


@pytest.fixture
def image(summit_article):
    return summit_article.lead_image


def test_empty_alt_text_is_refused_unless_decorative(image):
    block, value = figure_value(image, alt="")
    with pytest.raises(StructBlockValidationError) as error:
        block.clean(value)
    alt_error = error.value.block_errors["image"].block_errors["alt_text"]
    assert "Please add some alt text for your image or mark it as decorative" in str(alt_error)

    block, value = figure_value(image, alt="", decorative=True)
    cleaned = block.clean(value)
    img = parse_block(block, cleaned).select_one("img")
    assert img["alt"] == ""


def test_a_body_with_an_undescribed_photo_is_not_valid(image):
    body = ArticleBodyBlock()
    value = body.to_python(
        [
            {
                "type": "figure",
                "value": {
                    "image": {"image": image.pk, "alt_text": "", "decorative": False},
                    "caption": "Boats.",
                    "credit": "",
                },
            }
        ]
    )
    with pytest.raises(StreamBlockValidationError):
        body.clean(value)


def test_caption_repeating_the_alt_text_is_not_read_twice(image):
    block, value = figure_value(
        image,
        alt="Putins Lined Up Entourage Vehicles",
        caption="Putin’s Lined-up Entourage Vehicles.",
    )
    figure = parse_block(block, value)
    assert figure.select_one("img")["alt"] == ""
    assert "Putin’s Lined-up Entourage Vehicles." in figure.figcaption.get_text()


def test_distinct_caption_keeps_the_alt_text(image):
    block, value = figure_value(image, alt="A harbour at dawn", caption="Boats at rest.")
    assert parse_block(block, value).select_one("img")["alt"] == "A harbour at dawn"


def test_comparable_text_ignores_punctuation_case_and_apostrophes():
    assert comparable_text("Putin’s  Lined-up, cars!") == comparable_text("putins lined up cars")
    assert comparable_text("Boats at rest") != comparable_text("Boats at sea")


def test_alt_text_and_caption_are_escaped(image):
    block, value = figure_value(
        image, alt='"><script>alert(1)</script>', caption="<b>bold</b> & co"
    )
    html = block.render(value)
    assert "<script>" not in html and "<b>" not in html
    assert "&lt;b&gt;bold&lt;/b&gt; &amp; co" in html


def parse_block(block, value):
    class Rendered:
        content = block.render(value).encode()

        def __getitem__(self, key):
            return "text/html"

    return parse(Rendered()).figure
