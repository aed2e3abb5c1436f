"""New articles written a batch at a time.

Most of a first import is new articles, published or draft. One at a time
(`PostImporter.write`), Wagtail places each in the tree, cleans it, saves it,
records a revision and publishes it: about 80 queries and 40 ms a post. A
batch writes the same rows (the page, its revision, bylines, tags, the
"Published" entry of its history, old addresses, flags, import records, the
search and reference indexes) with one statement per table per batch, plus
the reference index's few queries per article.

Posts that need more than a new article (an update, a move, a schedule, a
restriction) and dry runs go one at a time. A batch that fails is written
again one post at a time, so a failure still rolls back that post alone.
"""

from dataclasses import dataclass

from django.contrib.contenttypes.models import ContentType
from django.utils import timezone
from modelcluster.models import get_all_child_relations
from modelsearch.backends import get_search_backends
from taggit.models import Tag
from wagtail.contrib.redirects.models import Redirect
from wagtail.models import Page, PageLogEntry, ReferenceIndex, Revision

from dateline.news.bulk import add_children
from dateline.news.models import (
    ArticleAuthor,
    ArticlePage,
    ArticlePageTag,
    AuthorPage,
    SectionPage,
    figure_image_ids,
)

from .addresses import old_paths
from .models import ImportedArticleFlags
from .records import Kind, first_free, slug_base

BATCH_SIZE = 250
# The states a new article can be written in with the others of its batch.
BATCHED_STATES = {"published", "draft"}


@dataclass
class Pending:
    """A new article converted and waiting for its batch to be written."""

    item: object  # the post, a wxr.Item
    data: dict  # what the article is made from (PostImporter.__call__)
    state: object  # its articles.State
    digest: str
    source_digest: str
    label: str
    page: ArticlePage | None = None


class ArticleBatch:
    def __init__(self, ctx, size=BATCH_SIZE):
        self.ctx = ctx
        self.size = size
        self.pending = []
        self._slugs = {}  # section pk -> the slugs of its children, as this import left them

    def takes(self, state, password):
        """Whether a new article in this state waits for its batch (a size of 0: none does)."""
        batched = self.size > 0 and not self.ctx.dry_run
        return batched and state.name in BATCHED_STATES and not password

    def add(self, pending):
        self.pending.append(pending)

    def holds(self, item):
        """Whether `item`, the post just handled, went into the batch."""
        return bool(self.pending) and self.pending[-1].item is item

    def full(self):
        return len(self.pending) >= self.size

    def take(self):
        batch, self.pending = self.pending, []
        return batch

    def forget(self):
        """Read the sections' slugs again: something else wrote to the tree."""
        self._slugs.clear()

    def write(self, batch):
        """Every article of `batch`, in the caller's transaction; returns them saved."""
        now = timezone.now()
        sections = SectionPage.objects.in_bulk({p.data["section"] for p in batch})
        tags = self._tags({name for p in batch for name in p.data["tags"]})
        authors = AuthorPage.objects.in_bulk({pk for p in batch for pk in p.data["authors"]})
        by_section = {}
        for pending in batch:
            section = sections[pending.data["section"]]
            pending.page = self._article(pending, section, tags, authors)
            by_section.setdefault(pending.data["section"], []).append(pending.page)
        for section_pk, pages in by_section.items():
            add_children(sections[section_pk], pages)
        pages = [p.page for p in batch]
        self._write_relations(pages)
        revisions = self._write_revisions(pages, now)
        for pending, revision in zip(batch, revisions, strict=True):
            self._as_saved(pending, revision, now)
        Page.objects.bulk_update(pages, SAVED_FIELDS)
        live = [p for p in batch if p.state.live]
        self._log("wagtail.create", batch, now)
        self._log("wagtail.publish", live, now)
        self._write_redirects(live)
        ImportedArticleFlags.objects.bulk_create(
            [ImportedArticleFlags(article=p.page, sticky=p.data["sticky"]) for p in batch]
        )
        self._index(pages)
        self.ctx.ledger.save_new(
            Kind.POST,
            [
                (p.item.wordpress_id, p.page.pk, p.digest, p.item.guid, p.source_digest)
                for p in batch
            ],
        )
        return pages

    def _taken_slugs(self, section):
        if section.pk not in self._slugs:
            self._slugs[section.pk] = set(section.get_children().values_list("slug", flat=True))
        return self._slugs[section.pk]

    def _tags(self, names):
        tags = {tag.name: tag for tag in Tag.objects.filter(name__in=names)}
        for name in sorted(names - tags.keys()):
            tags[name] = Tag.objects.create(name=name)  # as taggit makes a new name's tag
        return tags

    def _article(self, pending, section, tags, authors):
        """The article as `PostImporter.write` has it when it records its revision."""
        data, item = pending.data, pending.item
        taken = self._taken_slugs(section)
        slug = first_free(
            slug_base(data["slug"] or data["title"], f"post-{item.wordpress_id}"), taken
        )
        taken.add(slug)
        page = ArticlePage(
            live=False,
            title=data["title"],
            draft_title=data["title"],
            slug=slug,
            deck=data["deck"],
            search_description=data["excerpt"],
            body=data["body"],
            lead_image_id=data["lead_image"],
        )
        page.figure_image_ids = figure_image_ids(page.body)
        # The checks saving one at a time makes of each field (Page.full_clean), less
        # those that query (keys the import looked up itself; the slug, free above)
        # and the tree's, set with the batch. A post that fails them fails its batch,
        # and then alone, as one at a time.
        page.clean_fields(exclude=UNCHECKED)
        # Every child relation held in memory, empty if nothing fills it: a new
        # article has none in the database, so its revision need not look.
        for relation in get_all_child_relations(page):
            setattr(page, relation.get_accessor_name(), [])
        page.bylines = [ArticleAuthor(author=authors[pk]) for pk in data["authors"]]
        page.tags.set([tags[name] for name in data["tags"]])
        return page

    def _write_relations(self, pages):
        bylines, tagged = [], []
        for page in pages:
            for byline in page.bylines.all():
                byline.page_id = page.pk
                bylines.append(byline)
            for item in page.tagged_items.all():
                item.content_object_id = page.pk
                tagged.append(item)
        ArticleAuthor.objects.bulk_create(bylines)
        ArticlePageTag.objects.bulk_create(tagged)

    def _write_revisions(self, pages, now):
        article_type = ContentType.objects.get_for_model(ArticlePage)
        page_type = ContentType.objects.get_for_model(Page)
        return Revision.objects.bulk_create(
            [
                Revision(
                    content_type=article_type,
                    base_content_type=page_type,
                    object_id=str(page.pk),
                    created_at=now,
                    content=page.serializable_data(),
                    object_str=str(page),
                )
                for page in pages
            ]
        )

    def _as_saved(self, pending, revision, now):
        """What saving the revision, then publishing a live one, leaves on the page."""
        page, data = pending.page, pending.data
        page.latest_revision = revision
        page.latest_revision_created_at = revision.created_at
        page.has_unpublished_changes = True
        if pending.state.live:
            page.live = True
            page.has_unpublished_changes = False
            page.live_revision = revision
            page.first_published_at = data["first"] or now
            page.last_published_at = data["last"] or data["first"] or now

    def _log(self, action, batch, now):
        """The page history's entries for creating, and publishing, the articles."""
        article_type = ContentType.objects.get_for_model(ArticlePage, for_concrete_model=False)
        PageLogEntry.objects.bulk_create(
            [
                PageLogEntry(
                    content_type=article_type,
                    label=p.page.get_admin_display_title(),
                    action=action,
                    timestamp=now,
                    data={},
                    revision=p.page.live_revision if action == "wagtail.publish" else None,
                    content_changed=True,
                    page=p.page,
                )
                for p in batch
            ]
        )

    def _write_redirects(self, batch):
        wanted = {}  # old path -> page; a later post takes an address over, as one by one
        for pending in batch:
            for path in old_paths(pending.item, pending.page):
                wanted[path] = pending.page
        existing = {r.old_path: r for r in Redirect.objects.filter(site=None, old_path__in=wanted)}
        for path, redirect in existing.items():
            redirect.redirect_page, redirect.is_permanent, redirect.redirect_link = (
                wanted[path],
                True,
                "",
            )
        Redirect.objects.bulk_update(
            existing.values(), ["redirect_page", "is_permanent", "redirect_link"]
        )
        Redirect.objects.bulk_create(
            [
                Redirect(old_path=path, site=None, redirect_page=page, is_permanent=True)
                for path, page in wanted.items()
                if path not in existing
            ]
        )

    def _index(self, pages):
        for backend in get_search_backends(with_auto_update=True):
            backend.add_bulk(ArticlePage, pages)
        for page in pages:
            ReferenceIndex.create_or_update_for_object(page)


UNCHECKED = [
    *(field.name for field in ArticlePage._meta.concrete_fields if field.is_relation),
    *("path", "depth", "numchild", "url_path"),
]

# The page's fields saving its revision and publishing it change.
SAVED_FIELDS = [
    "live",
    "has_unpublished_changes",
    "latest_revision",
    "latest_revision_created_at",
    "live_revision",
    "first_published_at",
    "last_published_at",
]
