from django import template
from django.utils import timezone

register = template.Library()


@register.filter
def iso_datetime(value):
    """A `<time datetime>` value: ISO 8601 to the second, as HTML wants it
    (Django's "c" format adds microseconds, which HTML does not allow)."""
    if not value:
        return ""
    return timezone.localtime(value).isoformat(timespec="seconds")
