"""Coverage nobody has posted to for a while ends itself (run by `dateline worker`)."""

import logging
from datetime import timedelta

from django.conf import settings
from django.utils import timezone

from . import changes
from .models import Coverage

logger = logging.getLogger("dateline.live")


def idle_cutoff(now=None):
    minutes = settings.DATELINE_LIVE["idle_end_minutes"]
    return (now or timezone.now()) - timedelta(minutes=minutes) if minutes else None


def end_idle_coverage(now=None):
    """End each live page with no update for LIVE_IDLE_END_MINUTES; the pages ended."""
    cutoff = idle_cutoff(now)
    if cutoff is None:
        return []
    ended = []
    idle = Coverage.objects.filter(state=Coverage.LIVE, last_update_at__lt=cutoff)
    for coverage in idle.select_related("page"):
        result = changes.set_state(coverage.page, Coverage.ENDED, idle_before=cutoff)
        if result.state == Coverage.ENDED:
            logger.info("live page %s ended: no update since %s", coverage.page_id, cutoff)
            ended.append(coverage.page)
    return ended
