"""WordPress posts to articles: content, byline, tags, state, dates and old addresses."""

import hashlib
from dataclasses import dataclass
from functools import cache
from importlib.metadata import version
from pathlib import Path
from urllib.parse import unquote

from django.utils import timezone
from wagtail.actions.publish_page_revision import PublishPageRevisionAction
from wagtail.contrib.redirects.models import Redirect
from wagtail.models import PageViewRestriction

from dateline.news.models import ArticleAuthor, ArticlePage, SectionPage

from . import content, records, shortcodes
from .addresses import old_paths
from .batch import Pending
from .content import Converter, image_src_candidates, text_of_html
from .indexing import indexes_held_back, update_indexes
from .media import url_key
from .models import ImportedArticleFlags
from .records import Kind, fingerprint, free_slug, shorten
from .taxonomy import author_for, section_for, tag_for

DECK_LIMIT = ArticlePage._meta.get_field("deck").max_length
TITLE_LIMIT = ArticlePage._meta.get_field("title").max_length
UNCATEGORIZED = ("uncategorized", "Uncategorized")


def publish_as_imported(page):
    """Publish (or schedule) the imported version without the editorial checks.

    An import copies what the old site already published; the checks judge the
    newsroom's own work, and `dateline check_articles --published` lists what
    they find in the archive. Wagtail's publish action is what
    `revision.publish()` runs once ArticlePage.publish has asked the checks. A
    scheduled post is checked when it falls due, like any other.
    """
    PublishPageRevisionAction(page.save_revision()).execute()


@dataclass(frozen=True)
class State:
    """What a WordPress status becomes here."""

    name: str
    live: bool
    restriction: str = ""  # a PageViewRestriction type, for private posts


# WordPress's post statuses and their meaning here. "private" posts are
# published behind Wagtail's login restriction: editors (who sign in) still
# read them, readers and listings never see them, as in WordPress.
STATES = {
    "publish": State("published", live=True),
    "future": State("scheduled", live=False),
    "draft": State("draft", live=False),
    "pending": State("draft", live=False),
    "private": State("private", live=True, restriction=PageViewRestriction.LOGIN),
}
SKIPPED_STATUSES = {
    "trash": "in WordPress's trash",
    "auto-draft": "an unsaved auto-draft",
    "inherit": "a revision",
}


def exported_post(item):
    """The post as the export has it, less its comments (imported on their own)."""
    return {name: value for name, value in vars(item).items() if name not in {"line", "comments"}}


@cache
def converter_digest():
    """The code and libraries that turn a post into an article: a new version of
    any of them converts every post again, in case it converts differently."""
    parts = [Path(module.__file__).read_bytes() for module in (content, shortcodes, records)]
    parts.append(Path(__file__).read_bytes())
    parts.extend(version(name).encode() for name in ("nh3", "beautifulsoup4", "wagtail"))
    return hashlib.sha256(b"\0".join(parts)).hexdigest()


def post_label(item):
    return f"{item.wordpress_id} “{item.title or '(no title)'}”"


def written(ctx, page, label, outcome):
    ctx.article_written(page.pk)
    ctx.summary.record("post", outcome, label)


class PostImporter:
    def __init__(self, ctx):
        self.ctx = ctx
        self.converter = Converter(self.resolve_image)

    def resolve_image(self, attachment_id, src):
        images = self.ctx.images
        if attachment_id and attachment_id in images:
            return images[attachment_id]
        for candidate in image_src_candidates(src or ""):
            wordpress_id = self.ctx.image_urls.get(url_key(candidate))
            if wordpress_id:
                return images[wordpress_id]
        return None

    def __call__(self, item, ctx):
        label = post_label(item)
        if item.post_type != "post":
            reason = f"a WordPress {item.post_type or 'item'}, not a post"
            ctx.summary.record("post", "skipped", label, reason)
            return
        if item.status in SKIPPED_STATUSES:
            ctx.summary.record("post", "skipped", label, SKIPPED_STATUSES[item.status])
            return
        state = STATES.get(item.status)
        if state is None:
            ctx.summary.record("post", "failed", label, f"unknown status “{item.status}”")
            return
        title = text_of_html(item.title) or f"Untitled (WordPress post {item.wordpress_id})"
        if len(title) > TITLE_LIMIT:
            ctx.summary.record("post", "failed", label, f"title over {TITLE_LIMIT} characters")
            return

        excerpt = text_of_html(item.excerpt)
        section_pk = section_for(item.categories[0] if item.categories else UNCATEGORIZED, ctx)
        # Further categories are kept as tags: sections hold an article once.
        tag_names = [tag_for(t, ctx) for t in item.tags] + [
            name for _, name in item.categories[1:] if name
        ]
        authors = [pk for pk in [author_for(item.creator, ctx)] if pk]
        lead = ctx.images.get(item.meta.get("_thumbnail_id", "").strip())
        lead_missing = bool(item.meta.get("_thumbnail_id")) and lead is None
        # Everything the article is made from; equal to last time, the article is too.
        source_digest = fingerprint(
            {
                "post": exported_post(item),
                "section": section_pk,
                "tags": tag_names,
                "authors": authors,
                "lead": lead,
                "images": ctx.images_digest(),
                "converter": converter_digest(),
            }
        )
        record = ctx.ledger.get(Kind.POST, item.wordpress_id)
        exists = record is not None and ctx.article_exists(record.object_id)
        if exists and record.source_digest == source_digest:
            if lead_missing:
                ctx.summary.warn("post", label, "featured image not in the image library")
            ctx.summary.record("post", "unchanged", label)
            return

        conversion = self.converter.convert(item.content)
        for warning in conversion.warnings:
            ctx.summary.warn("post", label, warning)
        if lead_missing:
            ctx.summary.warn("post", label, "featured image not in the image library")
        deck = shorten(excerpt or conversion.first_text() or title, DECK_LIMIT)
        first = item.date_gmt or item.date_local
        data = {
            "title": title,
            "slug": unquote(item.slug),
            "deck": deck,
            "excerpt": excerpt,
            "body": conversion.blocks,
            "section": section_pk,
            "authors": authors,
            "tags": sorted({t for t in tag_names if t}),
            "lead_image": lead.pk if lead else None,
            "state": state.name,
            "password": item.password,
            "first": first,
            "last": item.modified_gmt or first,
            "sticky": item.sticky,
            "link": item.link,
        }
        digest = fingerprint(data)
        page = ArticlePage.objects.filter(pk=record.object_id).first() if exists else None
        if page is not None and record.fingerprint == digest:
            # Made from something else (a newer importer, a changed photo elsewhere)
            # into the same article: remembered, so the next run need not convert it.
            ctx.ledger.save(Kind.POST, item.wordpress_id, page.pk, digest, item.guid, source_digest)
            ctx.summary.record("post", "unchanged", label)
            return
        pending = Pending(item, data, state, digest, source_digest, label, page)
        if page is None and ctx.batch.takes(state, data["password"]):
            ctx.batch.add(pending)  # written with its batch (batch.py)
            return
        self.write_one(pending, ctx)

    def write_one(self, pending, ctx):
        """Write one article by itself, as an editor would, and record it."""
        item, data, state, page = pending.item, pending.data, pending.state, pending.page
        outcome = "updated" if page is not None else "created"
        with indexes_held_back(ArticlePage):
            page = self.write(page, data, state, item)
        update_indexes(page)
        ctx.batch.forget()  # the tree changed beside the batch
        ctx.ledger.save(
            Kind.POST, item.wordpress_id, page.pk, pending.digest, item.guid, pending.source_digest
        )
        written(ctx, page, pending.label, outcome)
        if ctx.dry_run:
            section = SectionPage.objects.filter(pk=data["section"]).values_list("title", flat=True)
            title = data["title"]
            ctx.plan(f"{outcome[:-1]} article “{title}” ({state.name}) in {section.first()}")

    def write(self, page, data, state, item):
        section = SectionPage.objects.get(pk=data["section"])
        if page is None:
            page = ArticlePage(live=False)
        elif page.get_parent().pk != section.pk:
            page.move(section, pos="last-child")
            page.refresh_from_db()
        page.title = data["title"]
        page.slug = free_slug(
            section, data["slug"] or data["title"], f"post-{item.wordpress_id}", page.pk
        )
        page.deck = data["deck"]
        # The excerpt in full, whatever the deck had to shorten.
        page.search_description = data["excerpt"]
        page.body = data["body"]
        page.lead_image_id = data["lead_image"]
        page.bylines = [ArticleAuthor(author_id=pk) for pk in data["authors"]]
        page.go_live_at = data["first"] if state.name == "scheduled" else None
        if page.pk is None:
            section.add_child(instance=page)
        page.tags.set(data["tags"])

        if state.live:
            publish_as_imported(page)
            type(page).objects.filter(pk=page.pk).update(
                first_published_at=data["first"] or timezone.now(),
                last_published_at=data["last"] or data["first"] or timezone.now(),
            )
        elif state.name == "scheduled":
            # Publishing a page whose go-live time is ahead schedules it;
            # `publish_scheduled` makes it live then.
            if page.live:
                page.unpublish()
            publish_as_imported(page)
        else:
            if page.live:
                page.unpublish()
            page.save_revision()
        self.restrict(page, state, data["password"])
        ImportedArticleFlags.objects.update_or_create(
            article=page, defaults={"sticky": data["sticky"]}
        )
        if state.live:
            page.refresh_from_db()
            for path in old_paths(item, page):
                Redirect.objects.update_or_create(
                    old_path=path,
                    site=None,
                    defaults={"redirect_page": page, "is_permanent": True, "redirect_link": ""},
                )
        return page

    def restrict(self, page, state, password):
        """Private posts need a sign-in; password-protected ones keep their password."""
        wanted = {}
        if state.restriction:
            wanted = {"restriction_type": state.restriction, "password": ""}
        elif password:
            wanted = {"restriction_type": PageViewRestriction.PASSWORD, "password": password}
        restrictions = PageViewRestriction.objects.filter(page=page)
        if not wanted:
            restrictions.delete()
        elif not restrictions.filter(**wanted).exists():
            restrictions.delete()
            PageViewRestriction.objects.create(page=page, **wanted)
