from django import template
from django.utils import timezone

from dateline.news import hooks

register = template.Library()


@register.filter
def iso_datetime(value):
    """A `<time datetime>` value: ISO 8601 to the second, as HTML wants it
    (Django's "c" format adds microseconds, which HTML does not allow)."""
    if not value:
        return ""
    return timezone.localtime(value).isoformat(timespec="seconds")


@register.simple_tag(takes_context=True)
def page_parts(context, place):
    """What features add at this place of the page (dateline/news/hooks.py)."""
    return hooks.render_page_parts(context, place)
