"""A reader's own data: export, erasure, and the retention periods.

Comments are one kind of data kept by email address; other features (newsletter
subscriptions) register theirs with `news.hooks.register_personal_data`, and the
"get or erase your data" page covers every one of them without importing them.
"""

from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from dateline.news.hooks import personal_data_providers

from .models import Comment, Status, TrustedCommenter
from .signals import announce

ERASED_NAME = "Former reader"
ERASED_BODY = "This comment was removed at its author's request."


def comments_for(email):
    return Comment.objects.by_email(email).filter(erased=False)


def has_data(email):
    return comments_for(email).exists() or any(
        provider.count(email) for provider in personal_data_providers()
    )


def other_data(email):
    """[(label, count)] for every other feature's records about `email`."""
    return [(provider.label, provider.count(email)) for provider in personal_data_providers()]


def export_all(email):
    data = export(email)
    for provider in personal_data_providers():
        data[provider.key] = provider.export(email)
    return data


def erase_all(email):
    """Erase the comments and every other feature's records; (comments erased, [(label, n)])."""
    with transaction.atomic():
        comments = erase(email)
        others = [(provider.label, provider.erase(email)) for provider in personal_data_providers()]
    return comments, others


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
    announce(mine.values_list("article_id", flat=True).distinct())
    forget_names_in_audit_log(mine.values_list("pk", flat=True))
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
    forget_names_in_audit_log(old_trash.values_list("pk", flat=True))
    erased, _ = old_trash.filter(replies__isnull=True).delete()
    return cleared, erased


def forget_names_in_audit_log(comment_ids):
    """Audit entries keep who decided what and when, but not the commenter's name."""
    from django.contrib.contenttypes.models import ContentType
    from wagtail.models import ModelLogEntry

    ids = [str(pk) for pk in comment_ids]
    if ids:
        ModelLogEntry.objects.filter(
            content_type=ContentType.objects.get_for_model(Comment), object_id__in=ids
        ).update(label="Comment (personal data erased)")
