"""A reader's own data: export, erasure, and the retention periods."""

from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from .models import Comment, Status, TrustedCommenter

ERASED_NAME = "Former reader"
ERASED_BODY = "This comment was removed at its author's request."


def comments_for(email):
    return Comment.objects.by_email(email).filter(erased=False)


def has_data(email):
    return comments_for(email).exists()


def export(email):
    comments = comments_for(email).select_related("article").order_by("created_at", "pk")
    return {
        "email": email,
        "comments": [
            {
                "article": c.article.title,
                "article_url": c.article.full_url,
                "posted_at": c.created_at.isoformat(),
                "name": c.name,
                "website": c.website,
                "comment": c.body,
                "status": c.status,
                "ip_address": c.ip_address,
            }
            for c in comments
        ],
    }


@transaction.atomic
def erase(email):
    """Delete the address's comments; those with replies keep a placeholder so the
    conversation under them survives, with every personal detail removed."""
    mine = Comment.objects.by_email(email)
    with_replies = mine.filter(replies__isnull=False).distinct()
    kept = with_replies.update(
        name=ERASED_NAME,
        email="",
        website="",
        body=ERASED_BODY,
        ip_address=None,
        erased=True,
    )
    deleted, _ = mine.filter(erased=False).delete()
    TrustedCommenter.objects.filter(email__iexact=email).delete()
    return deleted + kept


def purge_expired(now=None):
    """Forget IP addresses past their retention period and erase old trash.
    Returns (IP addresses cleared, comments erased)."""
    now = now or timezone.now()
    ip_cutoff = now - timedelta(days=settings.COMMENTS_IP_RETENTION_DAYS)
    cleared = Comment.objects.filter(created_at__lt=ip_cutoff, ip_address__isnull=False).update(
        ip_address=None
    )
    trash_cutoff = now - timedelta(days=settings.COMMENTS_TRASH_RETENTION_DAYS)
    old_trash = Comment.objects.filter(
        status__in=[Status.TRASH, Status.SPAM], moderated_at__lt=trash_cutoff
    )
    # Trash that replies still hang off is anonymised rather than deleted with them.
    with_replies = old_trash.filter(replies__isnull=False).values_list("pk", flat=True)
    Comment.objects.filter(pk__in=list(with_replies)).update(
        name=ERASED_NAME, email="", website="", body=ERASED_BODY, ip_address=None, erased=True
    )
    erased, _ = old_trash.filter(replies__isnull=True).delete()
    return cleared, erased
