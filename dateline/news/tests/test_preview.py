"""Previewing a page before its first save, through the admin's own preview.

Wagtail's editor sends the "add" form to its preview view as the editor types
and shows what that view renders. A page never saved has no id yet; every page
type must still preview as the reader will see it.
"""

import pytest
from django.urls import reverse
from wagtail.models import Page
from wagtail.test.utils.form_data import inline_formset, nested_form_data, rich_text, streamfield

from dateline.news.models import ArticlePage, AuthorIndexPage, AuthorPage, HomePage, SectionPage

from .html import parse, text


@pytest.fixture
def editor_client(client, django_user_model, demo_site):
    client.force_login(django_user_model.objects.create_superuser("ed", "ed@example.org", "x" * 16))
    return client


def page_form(title, slug, **fields):
    return nested_form_data(
        {
            "title": title,
            "slug": slug,
            "seo_title": "",
            "search_description": "",
            "publish_at": "",
            "take_down_at": "",
            "comments": inline_formset([]),
            **fields,
        }
    )


def preview_new(client, model, parent, data):
    """What the editor's preview panel shows for the unsaved "add" form."""
    url = reverse(
        "wagtailadmin_pages:preview_on_add",
        args=(model._meta.app_label, model._meta.model_name, parent.pk),
    )
    checked = client.post(url, data)
    assert checked.status_code == 200
    assert checked.json()["is_valid"], checked.json()
    response = client.get(url)
    assert response.status_code == 200, response.content.decode()[:2000]
    return parse(response)


def test_a_new_article_previews_with_its_headline_deck_and_body(editor_client):
    world = SectionPage.objects.get(slug="world")
    tomas = AuthorPage.objects.get(slug="tomas-okafor")
    data = page_form(
        "Ferry strike ends after nine days",
        "ferry-strike-ends",
        deck="Crews on the Skarholm route accepted the second offer on Sunday night.",
        dateline="SKARHOLM",
        lead_image="",
        show_lead_image="on",
        body=streamfield([("paragraph", rich_text("<p>The first sailing leaves at six.</p>"))]),
        bylines=inline_formset([{"author": str(tomas.pk)}], min=1),
        notes=inline_formset([]),
        tags="",
    )
    page = preview_new(editor_client, ArticlePage, world, data)
    assert text(page.h1) == "Ferry strike ends after nine days"
    assert "second offer on Sunday night" in text(page.select_one(".deck"))
    assert "The first sailing leaves at six." in text(page.select_one(".article-body"))
    assert "Tomas Okafor" in text(page)
    # Nothing to comment on yet: no comment form that could not be posted.
    assert page.select_one("#comments") is None
    assert not Page.objects.filter(slug="ferry-strike-ends").exists()  # still not saved


def test_a_new_front_page_previews(editor_client):
    root = Page.get_first_root_node()
    page = preview_new(
        editor_client,
        HomePage,
        root,
        page_form("The Harbour Post", "harbour-post", strapline="News from the south coast"),
    )
    assert text(page.title) == "Dateline – News from the south coast"
    assert "No stories have been published yet." in text(page.main)


def test_a_new_section_previews(editor_client, demo_site):
    page = preview_new(
        editor_client,
        SectionPage,
        demo_site,
        page_form("Business", "business", intro="Companies, markets and jobs."),
    )
    assert text(page.h1) == "Business"
    assert "Companies, markets and jobs." in text(page)


def test_a_new_author_index_previews(editor_client):
    # A front page may have one author index: preview it on a new front page's.
    root = Page.get_first_root_node()
    front = root.add_child(instance=HomePage(title="The Harbour Post", slug="harbour-post"))
    page = preview_new(editor_client, AuthorIndexPage, front, page_form("Our writers", "writers"))
    assert text(page.h1) == "Our writers"


def test_a_new_author_previews(editor_client):
    authors = AuthorIndexPage.objects.get()
    page = preview_new(
        editor_client,
        AuthorPage,
        authors,
        page_form("Ines Berg", "ines-berg", role="Business editor", bio=rich_text("<p>Ines.</p>")),
    )
    assert text(page.h1) == "Ines Berg"
    assert "Business editor" in text(page)
    assert "No published stories yet." in text(page.main)
