"""The approved comments of an article, arranged as the threads readers see."""

from .models import Comment, Status


def thread_for(article, extra=None):
    """Top-level comments, oldest first, each with `.thread_replies` set.

    `extra` is a reader's own comment still awaiting moderation: it is shown
    to them (only) where it will appear once approved.
    """
    comments = list(
        Comment.objects.filter(article_id=article.pk, status=Status.APPROVED)
        .only("pk", "parent_id", "depth", "name", "website", "body", "status", "created_at")
        .order_by("created_at", "pk")
    )
    if extra is not None and extra.status != Status.APPROVED:
        extra.awaiting_moderation = True
        comments.append(extra)
    by_id = {c.pk: c for c in comments}
    roots = []
    for comment in comments:
        comment.thread_replies = []
    for comment in comments:
        parent = by_id.get(comment.parent_id)
        if parent is not None:
            parent.thread_replies.append(comment)
        else:
            # Top level, or its parent was later removed: it stays readable.
            roots.append(comment)
    return roots, sum(1 for c in comments if c.status == Status.APPROVED)
