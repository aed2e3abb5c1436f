"""Keep the search index complete for published articles.

Wagtail indexes a page when its row is saved, which happens before the page's
bylines and tags are written; indexing again once publishing has finished
makes author and tag searches see the published version.
"""

from modelsearch.tasks import insert_or_update_object_task
from wagtail.signals import page_published

from .models import ArticlePage


def reindex_published_article(sender, instance, **kwargs):
    insert_or_update_object_task.enqueue(
        instance._meta.app_label, instance._meta.model_name, str(instance.pk)
    )


def connect():
    page_published.connect(reindex_published_article, sender=ArticlePage)
