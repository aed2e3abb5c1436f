"""One import of a WordPress export, from a file on disk.

The file is read three times, each time streamed: first to check that it is
well-formed and safe (so a broken file imports nothing), then for authors,
categories, tags and attachments, then for posts, which refer to all of
those, each followed by its comments. Every object is written in its own
transaction: one that fails is rolled back whole and listed, and the rest go on.
"""

from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from django.db import transaction
from wagtail.models import Site

from dateline.news.models import ArticlePage, HomePage

from .articles import PostImporter, post_label, written
from .batch import BATCH_SIZE, ArticleBatch
from .comments import comment_label, import_comment, in_thread_order
from .media import import_attachment
from .quiet import per_page_reactions_held_back
from .records import Ledger, fingerprint
from .summary import Summary
from .taxonomy import default_author_index, import_author, import_category, import_tag
from .wxr import Author, Channel, Item, Term, WXRError, read_wxr


class ImportAborted(Exception):
    """The import cannot run at all (no front page, unreadable file)."""


class DryRunRollback(Exception):
    pass


@dataclass
class Context:
    """What the steps of one import share."""

    home: HomePage
    ledger: Ledger
    summary: Summary
    uploads: Path | None
    dry_run: bool
    planned: list = field(default_factory=list)
    batch: ArticleBatch | None = None
    sections: dict = field(default_factory=dict)  # category slug -> section pk
    tags: dict = field(default_factory=dict)  # tag slug -> tag name
    authors: dict = field(default_factory=dict)  # login -> author page pk
    images: dict = field(default_factory=dict)  # attachment id -> ImageRef
    image_urls: dict = field(default_factory=dict)  # address path -> attachment id
    _author_index: object = None
    _images_digest: str | None = None
    _article_ids: set | None = None

    def images_digest(self):
        """A digest of the image library as posts see it: a changed photo converts posts again."""
        if self._images_digest is None:
            self._images_digest = fingerprint(
                [sorted(self.images.items()), sorted(self.image_urls.items())]
            )
        return self._images_digest

    def images_changed(self):
        self._images_digest = None

    def article_exists(self, pk):
        """Whether the article is still there, from one query for all of them."""
        if self._article_ids is None:
            self._article_ids = set(ArticlePage.objects.values_list("pk", flat=True))
        return pk in self._article_ids

    def article_written(self, pk):
        if self._article_ids is not None:
            self._article_ids.add(pk)

    def forget(self):
        """What this context remembers of the database, after a failed object's rollback."""
        self.ledger.forget()
        self._article_ids = None
        if self.batch is not None:
            self.batch.forget()

    def author_index(self):
        if self._author_index is None:
            self._author_index = default_author_index(self.home)
        return self._author_index

    def plan(self, line):
        if self.dry_run:
            self.planned.append(line)


def front_page():
    site = Site.objects.filter(is_default_site=True).select_related("root_page").first()
    if site is not None and isinstance(site.root_page.specific, HomePage):
        return site.root_page.specific
    home = HomePage.objects.first()
    if home is None:
        raise ImportAborted("there is no front page to import into; run `dateline migrate` first")
    return home


def source_of(channel):
    """The exporting site, as host and path: moving it to https does not make a new site."""
    address = urlsplit(channel.base_site_url or channel.link or "")
    return (address.netloc + address.path).rstrip("/").lower()[:200] or "wordpress"


class WordPressImport:
    def __init__(
        self,
        path,
        uploads=None,
        dry_run=False,
        on_progress=None,
        on_phase=None,
        on_item=None,
        batch_size=BATCH_SIZE,
    ):
        self.path = Path(path)
        self.uploads = Path(uploads) if uploads else None
        self.dry_run = dry_run
        self.batch_size = batch_size
        self.on_progress = on_progress or (lambda n: None)
        self.on_phase = on_phase or (lambda name, total: None)
        self.on_item = on_item or (lambda kind: None)
        self.summary = Summary()
        self.ctx = None

    def stream(self, phase):
        self.on_phase(phase, self.path.stat().st_size)
        with self.path.open("rb") as handle:
            yield from read_wxr(handle, on_progress=self.on_progress)

    def run(self):
        if not self.path.is_file():
            raise ImportAborted(f"{self.path}: no such file")
        if self.uploads is not None and not self.uploads.is_dir():
            raise ImportAborted(f"{self.uploads}: the uploads folder does not exist")
        try:
            channel = self.check()
            if self.dry_run:
                try:
                    with transaction.atomic():
                        self.import_all(channel)
                        raise DryRunRollback
                except DryRunRollback:
                    pass
            else:
                self.import_all(channel)
        except WXRError as error:
            raise ImportAborted(f"{self.path}: {error}") from None
        return self.summary

    def check(self):
        """Read the whole file once, writing nothing, so a malformed or hostile
        export is refused before anything is imported."""
        channel = Channel()
        for record in self.stream("Checking"):
            if isinstance(record, Channel):
                channel = record
        return channel

    def import_all(self, channel):
        with per_page_reactions_held_back() as something_written:
            try:
                self.import_records(channel)
            finally:
                if self.summary.wrote_anything():
                    something_written()

    def import_records(self, channel):
        self.ctx = ctx = Context(
            home=front_page(),
            ledger=Ledger(source_of(channel)),
            summary=self.summary,
            uploads=self.uploads,
            dry_run=self.dry_run,
        )
        for record in self.stream("Authors, sections, tags, images"):
            if isinstance(record, Item):
                if record.post_type == "attachment":
                    self.each("attachment", post_label(record), import_attachment, record)
            elif isinstance(record, Term):
                step = import_category if record.kind == "category" else import_tag
                self.each(record.kind, record.slug, step, record)
            elif isinstance(record, Author):
                self.each("author", record.login, import_author, record)
        ctx.batch = ArticleBatch(ctx, self.batch_size)
        import_post = PostImporter(ctx)
        for record in self.stream("Posts"):
            if isinstance(record, Item) and record.post_type != "attachment":
                self.each("post", post_label(record), import_post, record)
                if not ctx.batch.holds(record):
                    self.import_comments(record)
                elif ctx.batch.full():
                    self.write_batch(import_post)
        self.write_batch(import_post)

    def import_comments(self, post):
        """Each comment on its own: one that fails leaves its post and the rest."""
        for comment in in_thread_order(post.comments):
            self.each("comment", comment_label(post, comment), import_comment, (post, comment))

    def write_batch(self, import_post):
        """The new articles waiting in the batch, then their comments.

        A batch that fails is written again one article at a time, each in its
        own transaction, so only the article at fault fails.
        """
        batch = self.ctx.batch.take()
        if not batch:
            return
        try:
            with transaction.atomic():
                self.ctx.batch.write(batch)
        except Exception:  # noqa: BLE001 - each article is tried alone below
            self.ctx.forget()
            for pending in batch:
                pending.page = None
                self.each("post", pending.label, import_post.write_one, pending, counted=False)
        else:
            for pending in batch:
                written(self.ctx, pending.page, pending.label, "created")
        for pending in batch:
            self.import_comments(pending.item)

    def each(self, kind, label, step, record, counted=True):
        """One object, in its own transaction: all of it is written, or none."""
        if counted:
            self.on_item(kind)
        caches = (self.ctx.sections, self.ctx.tags, self.ctx.authors)
        known = [set(cache) for cache in caches]
        try:
            with transaction.atomic():
                step(record, self.ctx)
        except Exception as error:  # noqa: BLE001 - any failure is listed, and the import goes on
            self.summary.record(kind, "failed", label, describe(error))
            # Sections, tags or authors made for this object were rolled back with it.
            for cache, before in zip(caches, known, strict=True):
                for key in set(cache) - before:
                    del cache[key]
            self.ctx.forget()


def describe(error):
    messages = getattr(error, "messages", None)
    detail = "; ".join(messages) if messages else str(error)
    return f"{type(error).__name__}: {detail}" if detail else type(error).__name__
