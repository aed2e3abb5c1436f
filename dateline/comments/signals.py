"""`comments_changed`: sent after the commit whenever what readers see of an
article's comments changes (a comment approved, removed, edited or erased).

A full-page cache listens to it to purge those article pages; the receiver
below does so when the caching app is installed.
"""

from django.apps import apps
from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import Signal, receiver
from django.utils.module_loading import import_string
from wagtail.signals import post_page_move

from . import overrides
from .models import Comment, CommentPolicyOverride, Status

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


@receiver(post_save, sender=CommentPolicyOverride)
@receiver(post_delete, sender=CommentPolicyOverride)
def policy_override_changed(sender, **kwargs):
    overrides.remembered.forget()
    transaction.on_commit(overrides.move_stamp)
    if apps.is_installed("dateline.caching"):
        # Whether comments are open shows on every article below the page:
        # overrides change rarely, so the whole site is purged.
        transaction.on_commit(import_string("dateline.caching.purge.purge_site"))


@receiver(post_page_move)
def page_with_overrides_moved(sender, **kwargs):
    # Overrides are remembered by page path, which a move changes.
    overrides.remembered.forget()
    transaction.on_commit(overrides.move_stamp)
