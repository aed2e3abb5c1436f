"""Categories to sections, tags to tags, WordPress users to author profiles."""

import html
from urllib.parse import unquote

from django.db import transaction
from taggit.models import Tag

from dateline.news.models import AuthorIndexPage, AuthorPage, SectionPage

from .models import AuthorEmail
from .records import Kind, fingerprint, free_slug, shorten
from .wxr import Author, Term

INTRO_LIMIT = SectionPage._meta.get_field("intro").max_length
TAG_NAME_LIMIT = Tag._meta.get_field("name").max_length
TITLE_LIMIT = SectionPage._meta.get_field("title").max_length


def _publish(page):
    page.save_revision().publish()


def import_category(term, ctx):
    """A category becomes a section under the front page; a section the newsroom
    already has with the same slug is used as it is."""
    # WordPress stores term names HTML-escaped ("Food &amp; Drink").
    name = html.unescape(term.name)
    slug = unquote(term.slug) or name
    name = name or slug
    if len(name) > TITLE_LIMIT:
        ctx.summary.record("category", "failed", slug, f"name longer than {TITLE_LIMIT} characters")
        return None
    intro = shorten(term.description, INTRO_LIMIT)
    digest = fingerprint([name, intro, term.description])
    record = ctx.ledger.get(Kind.CATEGORY, term.slug)
    section = SectionPage.objects.filter(pk=record.object_id).first() if record else None
    if section is not None and record.fingerprint == digest:
        ctx.summary.record("category", "unchanged", slug)
    elif section is not None:
        section.title, section.intro = name, intro
        section.search_description = term.description
        _publish(section)
        ctx.summary.record("category", "updated", slug)
    else:
        section = SectionPage.objects.child_of(ctx.home).filter(slug=slug).first()
        if section is None:
            section = SectionPage(
                title=name,
                slug=free_slug(ctx.home, slug, f"section-{term.wordpress_id}"),
                intro=intro,
                search_description=term.description,
            )
            ctx.home.add_child(instance=section)
            _publish(section)
            ctx.plan(f"create section “{name}”")
        else:
            ctx.plan(f"use the existing section “{section.title}” for category {slug}")
        ctx.summary.record("category", "created", slug)
    ctx.ledger.save(Kind.CATEGORY, term.slug, section.pk, digest)
    ctx.sections[term.slug] = section.pk
    return section.pk


def import_tag(term, ctx):
    name = html.unescape(term.name) or unquote(term.slug)
    if len(name) > TAG_NAME_LIMIT:
        ctx.summary.record("tag", "failed", name, f"longer than {TAG_NAME_LIMIT} characters")
        return None
    digest = fingerprint([name])
    record = ctx.ledger.get(Kind.TAG, term.slug)
    tag = Tag.objects.filter(pk=record.object_id).first() if record else None
    if tag is not None and record.fingerprint == digest:
        ctx.summary.record("tag", "unchanged", name)
    elif tag is not None:
        tag.name = name
        tag.save(update_fields=["name"])
        ctx.summary.record("tag", "updated", name)
    else:
        # Taggit gives the tag a free slug of its own when the name is new.
        tag = Tag.objects.filter(name=name).first() or Tag.objects.create(name=name)
        ctx.summary.record("tag", "created", name)
    ctx.ledger.save(Kind.TAG, term.slug, tag.pk, digest)
    ctx.tags[term.slug] = tag.name
    return tag.name


def author_name(author):
    full = f"{author.first_name} {author.last_name}".strip()
    return html.unescape(author.display_name or full or author.login).strip()


def import_author(author, ctx):
    """A WordPress user becomes an author profile; the email is kept aside, private."""
    name = author_name(author)
    label = author.login
    if not name:
        ctx.summary.record("author", "skipped", label or "(no login)", "no login or name")
        return None
    if len(name) > TITLE_LIMIT or len(author.email) > 254:
        ctx.summary.record("author", "failed", label, "name or email too long")
        return None
    digest = fingerprint([name, author.email])
    record = ctx.ledger.get(Kind.AUTHOR, author.login)
    page = AuthorPage.objects.filter(pk=record.object_id).first() if record else None
    if page is not None and record.fingerprint == digest:
        ctx.summary.record("author", "unchanged", label)
    else:
        index = ctx.author_index()
        if page is None:
            page = AuthorPage(title=name, slug=free_slug(index, name, f"author-{label}"))
            index.add_child(instance=page)
            ctx.summary.record("author", "created", label)
            ctx.plan(f"create author “{name}”")
        else:
            page.title = name
            ctx.summary.record("author", "updated", label)
        _publish(page)
        if author.email:
            AuthorEmail.objects.update_or_create(author=page, defaults={"email": author.email})
        else:
            AuthorEmail.objects.filter(author=page).delete()
    ctx.ledger.save(Kind.AUTHOR, author.login, page.pk, digest)
    ctx.authors[author.login] = page.pk
    return page.pk


def section_for(slug_and_name, ctx):
    """The section of a post's category, created if the export never declared it."""
    slug, name = slug_and_name
    if slug not in ctx.sections:
        with transaction.atomic():
            import_category(Term("category", slug, slug, name), ctx)
    return ctx.sections.get(slug)


def tag_for(slug_and_name, ctx):
    slug, name = slug_and_name
    if slug not in ctx.tags:
        with transaction.atomic():
            import_tag(Term("tag", slug, slug, name), ctx)
    return ctx.tags.get(slug)


def author_for(login, ctx):
    """The profile of a post's author, created from the login if the export lists no such user."""
    if login and login not in ctx.authors:
        with transaction.atomic():
            import_author(Author(login, login, "", login), ctx)
    return ctx.authors.get(login)


def default_author_index(home):
    index = AuthorIndexPage.objects.child_of(home).first()
    if index is None:
        index = AuthorIndexPage(title="Authors", slug=free_slug(home, "authors", "authors"))
        home.add_child(instance=index)
        _publish(index)
    return index
