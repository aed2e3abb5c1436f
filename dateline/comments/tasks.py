"""Work done after a comment is committed, through the task queue.

With no TASKS setting django_tasks runs each task at once; with a database
backend a worker process runs them, and the reader's request never waits for
mail. Tasks take ids (JSON) and re-read rows, which may have changed meanwhile.
"""

from django_tasks import task


@task()
def send_verification_link(comment_id):
    from .mail import send_verification
    from .models import Comment

    comment = Comment.objects.filter(pk=comment_id).select_related("article").first()
    if comment is not None and not comment.email_verified and not comment.erased:
        send_verification(comment)


@task()
def notify_moderators(comment_id):
    from django.conf import settings

    from .mail import send_moderator_notice
    from .models import Comment, Status

    if settings.COMMENTS_MODERATOR_MAIL != "each":
        return  # the digest command, or nobody, will tell them
    comment = Comment.objects.filter(pk=comment_id).select_related("article").first()
    if comment is not None and comment.status == Status.PENDING:
        send_moderator_notice(comment)
        Comment.objects.filter(pk=comment.pk).update(moderators_notified=True)


@task()
def train_spam_filter(comment_ids, label):
    from . import spam
    from .models import Comment

    texts = list(Comment.objects.filter(pk__in=comment_ids).values_list("body", "website"))
    spam.train(texts, label)


@task()
def send_data_request_link(email):
    from .mail import send_data_request_link as send

    send(email)
