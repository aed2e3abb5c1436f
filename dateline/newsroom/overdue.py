"""Articles whose publish time has passed but which are not live.

The worker publishes due pages every few seconds, so anything here for longer
than a minute means the worker is not running, or the article was never
approved: either way an editor should look.
"""

from dataclasses import dataclass
from datetime import timedelta

from django.db.models import Q
from django.utils import timezone
from wagtail.models import Revision

from dateline.news.models import ArticlePage

# The worker's own delay: not overdue yet, just not picked up.
OVERDUE_GRACE = timedelta(minutes=1)


@dataclass
class OverdueArticle:
    article: ArticlePage
    due_at: object
    approved: bool

    @property
    def reason(self):
        if self.approved:
            return "Approved and scheduled, but not published: is the worker running?"
        return "Publish time passed, but the article was never approved."


def overdue_articles(now=None):
    cutoff = (now or timezone.now()) - OVERDUE_GRACE
    # A scheduled version is a revision with an approved go-live time.
    scheduled = {
        int(object_id): due_at
        for object_id, due_at in Revision.page_revisions.filter(
            approved_go_live_at__lt=cutoff
        ).values_list("object_id", "approved_go_live_at")
    }
    articles = ArticlePage.objects.filter(
        Q(pk__in=scheduled) | Q(live=False, expired=False, go_live_at__lt=cutoff)
    ).order_by("go_live_at", "pk")
    return [
        OverdueArticle(
            article=article,
            due_at=scheduled.get(article.pk, article.go_live_at),
            approved=article.pk in scheduled,
        )
        for article in articles
    ]
