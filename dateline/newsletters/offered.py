"""The newsletters offered to readers, as every article and front page shows them.

The sign-up form is on every article, so the list is remembered per process
(caching.memo) and reloaded after an editor changes a newsletter (signals.py).
"""

from django.conf import settings

from dateline.caching.memo import ProcessMemo

from .models import Newsletter


def _load(_key):
    found = []
    for newsletter in Newsletter.objects.filter(active=True).prefetch_related("sections"):
        found.append(
            {
                "id": newsletter.pk,
                "name": newsletter.name,
                "slug": newsletter.slug,
                "description": newsletter.description,
                "schedule": newsletter.schedule,
                "section_ids": frozenset(s.pk for s in newsletter.sections.all()),
            }
        )
    return tuple(found)


remembered = ProcessMemo("newsletters-offered", _load, max_age=settings.DATELINE_MEMO_SECONDS)


def offered():
    return remembered.get()


def for_section(section_id):
    """The newsletters to offer beside an article: those its section feeds ticked first."""
    found = offered()
    return [dict(n, checked=section_id in n["section_ids"]) for n in found]
