"""Wagtail's `{% picture %}` tag, with its rendition filters built once per template.

Wagtail's picture node builds a `Filter` for every format and width on every
render, and each new Filter inspects its operations' signatures again: 27
filters for an article with three figures, about a twentieth of the
article's render. The specs are fixed in the template, so the node keeps the
ones it built (dateline/adapters/wagtail.py).
"""

from django import template

from dateline.adapters.wagtail import picture_node
from dateline.caching import fragments

register = template.Library()


@register.tag(name="picture")
def picture(parser, token):
    """Exactly Wagtail's `{% picture %}` (same arguments, same output)."""
    return picture_node(parser, token)


@register.simple_tag
def shows_image(image):
    """Mark the fragment being rendered as showing this image's renditions.

    A stored fragment is used only while its images' renditions stand
    (caching/fragments.py); this tag outputs nothing.
    """
    if image is not None:
        fragments.depends_on(fragments.image_key(image.pk))
    return ""
