"""Work done after a comment is committed, through the task queue.

With no TASKS setting django_tasks runs each task at once; with a database
backend a worker process runs them, and the reader's request never waits for
mail. Tasks take ids (JSON) and re-read rows, which may have changed meanwhile.
"""

from django.db import transaction
from django_tasks import task
from django_tasks_db.backend import DatabaseBackend


def enqueue_on_commit(queued_task, *args):
    """Queue `queued_task` so that it runs if, and only if, the current transaction commits.

    A queue kept in the database takes the task in that same transaction: the
    comment and its mail are committed together, so a database that goes away
    just after the commit cannot leave a held comment whose verification link
    is never sent. Other backends (the immediate one runs the task at once) are
    given it once the transaction has committed, so no mail names a rolled-back row.
    """
    if isinstance(queued_task.get_backend(), DatabaseBackend):
        queued_task.enqueue(*args)
    else:
        transaction.on_commit(lambda: queued_task.enqueue(*args))


# `root`: the address of the request that caused the mail (mail.py); tasks
# queued before it was passed, or without a request, use the article's site.
@task()
def send_verification_link(comment_id, root=None):
    from .mail import send_verification
    from .models import Comment

    comment = Comment.objects.filter(pk=comment_id).select_related("article").first()
    if comment is not None and not comment.email_verified and not comment.erased:
        send_verification(comment, root)


@task()
def notify_moderators(comment_id, root=None):
    from django.conf import settings

    from .mail import send_moderator_notice
    from .models import Comment, Status

    if settings.COMMENTS_MODERATOR_MAIL != "each":
        return  # the digest command, or nobody, will tell them
    comment = Comment.objects.filter(pk=comment_id).select_related("article").first()
    if comment is not None and comment.status == Status.PENDING:
        send_moderator_notice(comment, root)
        Comment.objects.filter(pk=comment.pk).update(moderators_notified=True)


@task()
def train_spam_filter(comment_ids, label):
    from . import spam
    from .models import Comment

    texts = list(Comment.objects.filter(pk__in=comment_ids).values_list("body", "website"))
    spam.train(texts, label)


@task()
def send_data_request_link(email, root=None):
    from .mail import send_data_request_link as send

    send(email, root)
