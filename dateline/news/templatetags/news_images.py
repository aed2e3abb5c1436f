"""Wagtail's `{% picture %}` tag, with its rendition filters built once per template.

Wagtail's picture node builds a `Filter` for every format and width on every
render, and each new Filter inspects its operations' signatures again: 27
filters for an article with three figures, about a twentieth of the
article's render. The specs are fixed in the template, and a Filter holds no
per-image state, so the node keeps the ones it built.
"""

from django import template
from wagtail.images.templatetags import wagtailimages_tags

register = template.Library()


class PictureKeepingFilters(wagtailimages_tags.PictureNode):
    def get_filters(self):
        filters = self.__dict__.get("_kept_filters")
        if filters is None:
            filters = self._kept_filters = super().get_filters()
        return filters


@register.tag(name="picture")
def picture(parser, token):
    """Exactly Wagtail's `{% picture %}` (same arguments, same output)."""
    node = wagtailimages_tags.image(parser, token)
    # Wagtail's parser picks its node class by tag name; this one only adds
    # the kept filters, so the parsed node is reused as it is.
    node.__class__ = PictureKeepingFilters
    return node
