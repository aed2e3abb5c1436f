"""`comments_changed`: sent after the commit whenever what readers see of an
article's comments changes (a comment approved, removed, edited or erased).

A full-page cache listens to it to purge those article pages; the receiver
below does so when the caching app is installed.
"""

from django.apps import apps
from django.db import transaction
from django.db.models.signals import post_save
from django.dispatch import Signal, receiver
from django.utils.module_loading import import_string

from .models import Comment, Status

comments_changed = Signal()  # keyword argument: article_ids (sorted list of ints)


def announce(article_ids):
    ids = sorted({int(i) for i in article_ids if i})
    if ids:
        transaction.on_commit(lambda: comments_changed.send(sender=Comment, article_ids=ids))


@receiver(post_save, sender=Comment)
def approved_comment_saved(sender, instance, **kwargs):
    # Covers comments approved on posting or by their author's confirmation
    # link, and text corrected in the admin; bulk decisions announce themselves.
    if instance.status == Status.APPROVED:
        announce([instance.article_id])


@receiver(comments_changed)
def purge_cached_article_pages(sender, article_ids, **kwargs):
    if not apps.is_installed("dateline.caching"):
        return
    from dateline.news.models import ArticlePage

    purge_paths = import_string("dateline.caching.purge.purge_paths")
    purge_paths([article.url for article in ArticlePage.objects.filter(pk__in=article_ids)])
