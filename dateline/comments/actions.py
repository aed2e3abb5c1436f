"""Moderators' decisions, applied to any number of comments in a few queries.

Each decision is one UPDATE, one batch of audit-log rows (who, when, what),
and, for "Spam" and "Not spam", a queued task that teaches the spam classifier.
A plain approval teaches it nothing (spam.py says why).
"""

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from wagtail.models import ModelLogEntry

from . import tasks
from .models import SPAM_SCORE_REASON, Comment, Status
from .signals import announce
from .verification import record_approvals

ACTIONS = {
    "approve": (Status.APPROVED, "comments.approve", "Approved"),
    # Approves a comment held as spam, and teaches the filter it was not.
    "not_spam": (Status.APPROVED, "comments.not_spam", "Not spam: approved"),
    "spam": (Status.SPAM, "comments.spam", "Marked as spam"),
    "trash": (Status.TRASH, "comments.trash", "Moved to trash"),
    "pending": (Status.PENDING, "comments.unapprove", "Returned to the queue"),
}
TRAINING_LABEL = {"not_spam": "ham", "spam": "spam"}
HELD_AS_SPAM = (
    Q(status=Status.SPAM)
    | Q(held_reasons__startswith=SPAM_SCORE_REASON)
    | Q(held_reasons__contains="\n" + SPAM_SCORE_REASON)
)
# What the buttons say: the decision, not the state it leads to ("Approved").
BUTTON_LABELS = {
    "approve": "Approve",
    "not_spam": "Not spam",
    "spam": "Mark as spam",
    "trash": "Move to trash",
    "pending": "Return to queue",
}
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
    teach = changing
    if decision == "not_spam":
        # Only what the filter (or a moderator) had called spam is a lesson in "ham".
        teach = list(
            Comment.objects.filter(HELD_AS_SPAM, pk__in=changing).values_list("pk", flat=True)
        )
    for start in range(0, len(changing), LOG_BATCH):
        chunk = changing[start : start + LOG_BATCH]
        Comment.objects.filter(pk__in=chunk).update(status=status, moderated_at=now)
        ModelLogEntry.objects.bulk_create(list(_log_rows(chunk, log_action, user, now)))
    if status == Status.APPROVED:
        emails = Comment.objects.filter(pk__in=changing, email_verified=True).values_list(
            "email", flat=True
        )
        record_approvals(set(emails))
    # Approving shows comments, and every other decision may hide approved ones.
    announce(Comment.objects.filter(pk__in=changing).values_list("article_id", flat=True))
    label = TRAINING_LABEL.get(decision)
    if label and teach:
        transaction.on_commit(lambda: tasks.train_spam_filter.enqueue(teach, label))
    return len(changing)
