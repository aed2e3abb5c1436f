"""Builds the demo site: front page, sections, authors, articles and their photos."""

import io
from datetime import timedelta

from django.conf import settings
from django.core.files.images import ImageFile
from django.db import transaction
from django.utils import timezone
from wagtail.coreutils import get_supported_content_language_variant
from wagtail.images import get_image_model
from wagtail.models import Collection, Locale, Page, Site

from dateline.news.models import (
    ArticleAuthor,
    ArticlePage,
    AuthorIndexPage,
    AuthorPage,
    HomePage,
    SectionPage,
)

from . import content
from .images import draw_scene


def _publish(page, when=None):
    page.save_revision().publish()
    if when is not None:
        # Backdate so the demo front page has a history; first and last
        # publication are the same moment, so no "Updated" line shows.
        type(page).objects.filter(pk=page.pk).update(
            first_published_at=when, last_published_at=when, latest_revision_created_at=when
        )
        page.refresh_from_db()
    return page


def ensure_tree_roots():
    """The invisible roots of the page tree and image collections, which
    Wagtail's migrations create; made again on a database whose rows were
    removed after migrating (a flushed test database, for instance)."""
    root = Page.get_first_root_node()
    if root is not None:
        return root
    language = get_supported_content_language_variant(settings.LANGUAGE_CODE)
    locale, _ = Locale.objects.get_or_create(language_code=language)
    if not Collection.objects.exists():
        Collection.add_root(name="Root")
    return Page.add_root(instance=Page(title="Root", slug="root", locale=locale))


def _make_images():
    Image = get_image_model()
    images = {}
    for key, scene in content.SCENES.items():
        data = draw_scene(key, scene["title"])
        image = Image(title=scene["title"], description=scene["alt"])
        image.file = ImageFile(io.BytesIO(data), name=f"demo-{key}.jpg")
        image.save()
        images[key] = image
    return images


def _body(blocks, images):
    body = []
    for block in blocks:
        if block["type"] == "figure":
            key = block["value"]["scene"]
            scene = content.SCENES[key]
            body.append(
                {
                    "type": "figure",
                    "value": {
                        "image": {
                            "image": images[key].pk,
                            "decorative": False,
                            "alt_text": scene["alt"],
                        },
                        "caption": scene["caption"],
                        "credit": scene["credit"],
                    },
                }
            )
        else:
            body.append(block)
    return body


@transaction.atomic
def load_demo_site():
    """Create the demo site if there is no front page yet. Returns the front page.

    Safe to call again: an existing site is left exactly as it is.
    """
    existing = HomePage.objects.first()
    if existing is not None:
        return existing

    root = ensure_tree_roots()
    placeholders = list(root.get_children().exact_type(Page))
    for placeholder in placeholders:
        # Free the slug "home" for the front page; the placeholder is removed
        # once the site points at the front page.
        Page.objects.filter(pk=placeholder.pk).update(slug=f"placeholder-{placeholder.pk}")
    now = timezone.now()
    home = root.add_child(
        instance=HomePage(title="Dateline", slug="home", strapline="News from the Northern Isles")
    )
    _publish(home)
    site = Site.objects.filter(is_default_site=True).first() or Site(is_default_site=True)
    site.hostname, site.port, site.root_page, site.site_name = "localhost", 80, home, "Dateline"
    site.save()
    # Wagtail's first migration creates a placeholder "Welcome" page; the
    # front page has taken its place as the site root, so it can go.
    for placeholder in placeholders:
        placeholder.refresh_from_db()
        placeholder.delete()

    images = _make_images()

    sections = {}
    for title, slug, intro in content.SECTIONS:
        sections[slug] = _publish(
            home.add_child(instance=SectionPage(title=title, slug=slug, intro=intro))
        )

    people = _publish(
        home.add_child(instance=AuthorIndexPage(title="Our reporters", slug="authors"))
    )
    authors = {}
    for name, slug, role, bio in content.AUTHORS:
        authors[slug] = _publish(
            people.add_child(
                instance=AuthorPage(title=name, slug=slug, role=role, bio=f"<p>{bio}</p>")
            )
        )

    # Every article is in the tree before any is published: the summit story
    # links to the explainer, and the editorial checks refuse to publish a
    # link to a page that does not exist.
    articles = []
    for spec in content.ARTICLES:
        lead = content.SCENES[spec["lead_scene"]]
        body_scenes = {b["value"]["scene"] for b in spec["body"] if b["type"] == "figure"}
        article = ArticlePage(
            title=spec["title"],
            slug=spec["slug"],
            deck=spec["deck"],
            dateline=spec["dateline"],
            lead_image=images[spec["lead_scene"]],
            # Shown at the top unless the same photo opens the body already.
            show_lead_image=spec["lead_scene"] not in body_scenes,
            lead_image_alt=lead["alt"],
            lead_image_caption=lead["caption"],
            lead_image_credit=lead["credit"],
            body=_body(spec["body"], images),
            search_description=spec["deck"],
        )
        article.bylines = [ArticleAuthor(author=authors[slug]) for slug in spec["authors"]]
        sections[spec["section"]].add_child(instance=article)
        article.tags.add(*spec["tags"])
        articles.append((article, spec))
    for article, spec in articles:
        _publish(article, when=now - timedelta(hours=spec["hours_ago"]))

    return home
