"""An article's published versions, and what a reader can compare between them.

A version is a revision Wagtail actually published: one named by a
"wagtail.publish" (or scheduled "wagtail.publish.scheduled") log entry.
Drafts, rejected submissions and scheduled-but-not-yet-live revisions have no
such entry, so they never appear here.
"""

from dataclasses import dataclass
from functools import cached_property

from wagtail.models import PageLogEntry, Revision

from dateline.news.texts import article_texts

PUBLISH_ACTIONS = ("wagtail.publish", "wagtail.publish.scheduled")


@dataclass
class PublishedVersion:
    number: int
    published_at: object
    revision: Revision
    previous: "PublishedVersion | None" = None

    @cached_property
    def article(self):
        """The article as it was in this version."""
        return self.revision.as_object()

    @cached_property
    def new_notes(self):
        """Corrections and updates that first appeared in this version."""
        before = set()
        if self.previous is not None:
            before = {_note_key(n) for n in self.previous.article.notes.all()}
        return [n for n in self.article.notes.all() if _note_key(n) not in before]

    @cached_property
    def texts(self):
        return article_texts(self.article)


def _note_key(note):
    return (note.kind, note.text)


def published_versions(article):
    """Every published version of the article, oldest first, numbered from 1."""
    entries = (
        PageLogEntry.objects.filter(page=article, action__in=PUBLISH_ACTIONS)
        .exclude(revision__isnull=True)
        .order_by("pk")  # the order things happened in
        .values_list("revision_id", "timestamp")
    )
    first_publication = {}
    for revision_id, timestamp in entries:
        first_publication.setdefault(revision_id, timestamp)
    # Revisions purged since (purge_revisions) drop out rather than break the page.
    revisions = Revision.page_revisions.in_bulk(list(first_publication))
    versions = []
    for revision_id, published_at in first_publication.items():
        revision = revisions.get(revision_id)
        if revision is None:
            continue
        previous = versions[-1] if versions else None
        versions.append(
            PublishedVersion(len(versions) + 1, published_at, revision, previous=previous)
        )
    return versions
