"""Articles whose publish time has passed but which are not live.

The worker publishes due pages every few seconds, so anything here for longer
than a minute means the worker is not running, the article was never
approved, or the editorial checks are holding it: either way an editor should
look.
"""

from dataclasses import dataclass
from datetime import timedelta

from django.db.models import Q
from django.utils import timezone
from wagtail.models import PageLogEntry, Revision

from dateline.editorial_checks.publishing import HELD_ACTION
from dateline.news.models import ArticlePage

# The worker's own delay: not overdue yet, just not picked up.
OVERDUE_GRACE = timedelta(minutes=1)


@dataclass
class OverdueArticle:
    article: ArticlePage
    due_at: object
    approved: bool
    held: bool = False

    @property
    def reason(self):
        if self.held:
            return (
                "Held by the editorial checks: a finding blocks publishing (the article's "
                "history names it). Dismiss it, or fix it and publish again."
            )
        if self.approved:
            return "Approved and scheduled, but not published: is the worker running?"
        return "Publish time passed, but the article was never approved."


def overdue_articles(now=None):
    cutoff = (now or timezone.now()) - OVERDUE_GRACE
    # A scheduled version is a revision with an approved go-live time.
    due_revisions = Revision.page_revisions.filter(approved_go_live_at__lt=cutoff)
    scheduled = {
        int(object_id): due_at
        for object_id, due_at in due_revisions.values_list("object_id", "approved_go_live_at")
    }
    # The editorial checks record each due version they keep from going live.
    held = set(
        PageLogEntry.objects.filter(action=HELD_ACTION, revision__in=due_revisions).values_list(
            "page_id", flat=True
        )
    )
    articles = ArticlePage.objects.filter(
        Q(pk__in=scheduled) | Q(live=False, expired=False, go_live_at__lt=cutoff)
    ).order_by("go_live_at", "pk")
    return [
        OverdueArticle(
            article=article,
            due_at=scheduled.get(article.pk, article.go_live_at),
            approved=article.pk in scheduled,
            held=article.pk in held,
        )
        for article in articles
    ]
