"""Per-page reactions held back for a bulk import, and done once at its end.

Publishing a page purges every cached page that shows it, and queues a task
that indexes it again; approving a comment or restricting a page purges too.
For the newsroom's own edits, one at a time, that is right. For an import of
20,000 posts it was most of the work: each purge marks a dozen paths, and the
embedded run's file cache lists its whole folder on every write, so the cost
grew with the square of the import. During an import the reactions are
disconnected; the importer indexes each article itself once its tags and
bylines are written (indexing.py), and one purge of the whole site follows
the import, once its writes are committed.
"""

from contextlib import contextmanager

from django.db import transaction
from django.db.models.signals import post_delete, post_save
from wagtail.models import PageViewRestriction
from wagtail.signals import page_published, page_slug_changed, page_unpublished, post_page_move

from dateline.caching import signals as purges
from dateline.caching.purge import purge_site
from dateline.comments.models import Comment
from dateline.comments.signals import approved_comment_saved
from dateline.news.models import ArticlePage
from dateline.news.search_index import reindex_published_article


def held_back_reactions():
    """(signal, receiver, sender) for each reaction an import does in bulk instead."""
    return [
        (page_published, purges.purge_on_publication_change, None),
        (page_unpublished, purges.purge_on_publication_change, None),
        (page_slug_changed, purges.purge_old_address, None),
        (post_page_move, purges.purge_moved_page, None),
        (post_save, purges.purge_on_privacy_change, PageViewRestriction),
        (post_delete, purges.purge_on_privacy_change, PageViewRestriction),
        (post_save, approved_comment_saved, Comment),
        (page_published, reindex_published_article, ArticlePage),
    ]


@contextmanager
def per_page_reactions_held_back():
    """Inside this block, imported pages and comments purge and queue nothing.

    Yields a function to call once something was written: the whole site is
    then purged when the surrounding transaction commits (never, in a dry run).
    """
    disconnected = [
        (signal, receiver, sender)
        for signal, receiver, sender in held_back_reactions()
        if signal.disconnect(receiver, sender=sender)
    ]
    wrote = []
    try:
        yield lambda: wrote.append(True)
    finally:
        for signal, receiver, sender in disconnected:
            signal.connect(receiver, sender=sender)
        if wrote:
            transaction.on_commit(purge_site)
