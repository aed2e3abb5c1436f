"""Publish times as the newsroom reads them: to the minute, in the newsroom's time zone.

The editor schedules an article with one field, "Publish at", a browser's own
date-and-time input (`<input type="datetime-local" step="60">`): typed or picked
to the minute, with no calendar covering the form. What is typed is a time in
settings.TIME_ZONE, whatever time zone the editor's own account or browser uses,
and the page listings say "scheduled for 5 Dec 2026, 14:37 CET" in the same zone.
"""

from datetime import datetime
from zoneinfo import ZoneInfo

from django import forms
from django.conf import settings
from django.utils import timezone

# What <input type="datetime-local"> sends and shows: minutes, no seconds.
LOCAL_INPUT_FORMAT = "%Y-%m-%dT%H:%M"


def newsroom_zone():
    return ZoneInfo(settings.TIME_ZONE)


def newsroom_time(value):
    """'5 Dec 2026, 14:37 CET': an aware datetime as the newsroom says it."""
    local = timezone.localtime(value, newsroom_zone())
    return f"{local.day} {local:%b %Y, %H:%M} {local.tzname()}"


class NewsroomDateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, attrs=None):
        super().__init__(attrs={"step": "60", **(attrs or {})}, format=LOCAL_INPUT_FORMAT)


class NewsroomDateTimeField(forms.DateTimeField):
    """A time to the minute, read and shown in settings.TIME_ZONE."""

    widget = NewsroomDateTimeInput
    input_formats = [LOCAL_INPUT_FORMAT, "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M"]

    def prepare_value(self, value):
        if isinstance(value, datetime) and timezone.is_aware(value):
            return timezone.localtime(value, newsroom_zone()).replace(tzinfo=None)
        return value

    def to_python(self, value):
        if isinstance(value, datetime):
            return value
        value = (value or "").strip()
        if not value:
            return None
        for format in self.input_formats:
            try:
                naive = datetime.strptime(value, format)  # noqa: DTZ007 - made aware below
            except ValueError:
                continue
            return timezone.make_aware(naive.replace(second=0), newsroom_zone())
        raise forms.ValidationError(
            "Enter a date and time, such as 2026-12-05 14:37.", code="invalid"
        )
