"""Moderators' decisions, applied to any number of comments in a few queries.

Each decision is one UPDATE, one batch of audit-log rows (who, when, what),
and, for approve and spam, a queued task that teaches the spam classifier.
"""

from django.db import transaction
from django.utils import timezone
from wagtail.models import ModelLogEntry

from . import tasks
from .models import Comment, Status
from .verification import record_approvals

ACTIONS = {
    "approve": (Status.APPROVED, "comments.approve", "Approved"),
    "spam": (Status.SPAM, "comments.spam", "Marked as spam"),
    "trash": (Status.TRASH, "comments.trash", "Moved to trash"),
    "pending": (Status.PENDING, "comments.unapprove", "Returned to the queue"),
}
TRAINING_LABEL = {"approve": "ham", "spam": "spam"}
LOG_BATCH = 2000


def _log_rows(ids, action, user, now):
    from django.contrib.contenttypes.models import ContentType

    content_type = ContentType.objects.get_for_model(Comment)
    titles = dict(Comment.objects.filter(pk__in=ids).values_list("pk", "name"))
    for pk in ids:
        yield ModelLogEntry(
            content_type=content_type,
            label=f"Comment #{pk} by {titles.get(pk, '')}"[:255],
            action=action,
            object_id=str(pk),
            user=user,
            timestamp=now,
        )


@transaction.atomic
def moderate(ids, decision, user):
    """Apply `decision` ("approve", "spam", "trash", "pending") to comments `ids`.
    Returns how many comments changed status."""
    status, log_action, _ = ACTIONS[decision]
    now = timezone.now()
    changing = list(
        Comment.objects.filter(pk__in=list(ids)).exclude(status=status).values_list("pk", flat=True)
    )
    if not changing:
        return 0
    for start in range(0, len(changing), LOG_BATCH):
        chunk = changing[start : start + LOG_BATCH]
        Comment.objects.filter(pk__in=chunk).update(status=status, moderated_at=now)
        ModelLogEntry.objects.bulk_create(list(_log_rows(chunk, log_action, user, now)))
    if decision == "approve":
        emails = Comment.objects.filter(pk__in=changing, email_verified=True).values_list(
            "email", flat=True
        )
        record_approvals(set(emails))
    label = TRAINING_LABEL.get(decision)
    if label:
        transaction.on_commit(lambda: tasks.train_spam_filter.enqueue(changing, label))
    return len(changing)
