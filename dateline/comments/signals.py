"""What readers see of comments changes: purge the cached article pages that show them.

`announce(article_ids)` is called whenever what readers see of articles'
comments changes (a comment approved, removed, edited or erased); the pages
are purged once the change is committed, so no reader re-caches the old list.
"""

from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from wagtail.signals import post_page_move

from dateline.caching.purge import purge_paths, purge_site
from dateline.news.models import ArticlePage

from . import overrides
from .models import Comment, CommentPolicyOverride, Status


def announce(article_ids):
    ids = sorted({int(i) for i in article_ids if i})
    if ids:
        transaction.on_commit(lambda: purge_article_pages(ids))


def purge_article_pages(article_ids):
    purge_paths([article.url for article in ArticlePage.objects.filter(pk__in=article_ids)])


@receiver(post_save, sender=Comment)
def approved_comment_saved(sender, instance, **kwargs):
    # Covers comments approved on posting or by their author's confirmation
    # link, and text corrected in the admin; bulk decisions announce themselves.
    if instance.status == Status.APPROVED:
        announce([instance.article_id])


@receiver(post_save, sender=CommentPolicyOverride)
@receiver(post_delete, sender=CommentPolicyOverride)
def policy_override_changed(sender, **kwargs):
    overrides.remembered.changed()
    # Whether comments are open shows on every article below the page:
    # overrides change rarely, so the whole site is purged.
    transaction.on_commit(purge_site)


@receiver(post_page_move)
def page_with_overrides_moved(sender, **kwargs):
    # Overrides are remembered by page path, which a move changes.
    overrides.remembered.changed()
