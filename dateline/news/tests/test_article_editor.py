"""Writing an article in Wagtail's editor: what a reporter sees and what is stored.

Through the admin's own views with the test client: the "add" form as it is
rendered, its autosave (a JSON post of the form, as the editor's browser sends
while someone types), and the lead image shown at the top of the article.
"""

import pytest
from django.urls import reverse
from wagtail.test.utils.form_data import inline_formset, nested_form_data, rich_text, streamfield

from dateline.news.models import ArticlePage, AuthorPage, SectionPage
from dateline.newsroom.roles import setup_roles

from .html import parse, text

PASSWORD = "correct horse 42"


@pytest.fixture
def reporter(django_user_model, demo_site):
    groups = setup_roles()
    user = django_user_model.objects.create_user("tomas", "tomas@newsroom.example", PASSWORD)
    user.groups.add(groups["reporter"])
    return user


@pytest.fixture
def world(demo_site):
    return SectionPage.objects.get(slug="world")


def add_url(section):
    return reverse("wagtailadmin_pages:add", args=("news", "articlepage", section.pk))


def draft(**fields):
    """The add form as the browser sends it while a reporter is half-way through."""
    data = {
        "title": "",
        "slug": "",
        "deck": "",
        "dateline": "",
        "lead_image": "",
        "lead_image_alt": "",
        "lead_image_caption": "",
        "lead_image_credit": "",
        "body": streamfield([]),
        "bylines": inline_formset([{"author": ""}], min=1),
        "notes": inline_formset([]),
        "comments": inline_formset([]),
        "tags": "",
        "seo_title": "",
        "search_description": "",
        "publish_at": "",
        "take_down_at": "",
    }
    data.update(fields)
    return nested_form_data(data)


def autosave(client, url, data):
    return client.post(url, data, HTTP_ACCEPT="application/json")


def test_the_headline_field_says_headline(client, reporter, world):
    client.force_login(reporter)
    page = parse(client.get(add_url(world)))
    title = page.select_one("#id_title")
    assert title["placeholder"] == "Headline*"
    assert text(page.select_one("label[for=id_title]")).rstrip(" *") == "Headline"
    assert "Page title" not in page.decode()


def test_a_new_article_names_the_signed_in_reporter_in_its_byline(client, reporter, world):
    tomas = AuthorPage.objects.get(slug="tomas-okafor")
    tomas.user = reporter
    tomas.save()
    client.force_login(reporter)

    form = parse(client.get(add_url(world)))
    assert form.select_one("input[name='bylines-0-author']")["value"] == str(tomas.pk)
    assert "Tomas Okafor" in text(form.select_one("#inline_child_bylines-0"))

    # Saved as it was shown, the byline is the reporter's.
    response = client.post(
        add_url(world),
        draft(
            title="Ferry strike ends",
            slug="ferry-strike-ends",
            bylines=inline_formset([{"author": str(tomas.pk)}], initial=1, min=1),
        ),
    )
    assert response.status_code == 302
    article = ArticlePage.objects.get(slug="ferry-strike-ends")
    assert [b.author for b in article.bylines.all()] == [tomas]

    # Someone with no author page starts with the byline to fill in.
    tomas.user = None
    tomas.save()
    form = parse(client.get(add_url(world)))
    assert not form.select_one("input[name='bylines-0-author']").get("value")


def test_autosave_keeps_a_half_written_draft_without_complaint(client, reporter, world):
    """Mid-headline (no address yet), no deck, no body, the byline not chosen."""
    client.force_login(reporter)
    response = autosave(client, add_url(world), draft(title="Ferry strike en"))
    assert response.status_code == 200, response.content.decode()
    assert response.json()["success"] is True
    article = ArticlePage.objects.get(title="Ferry strike en")
    assert article.slug == "ferry-strike-en" and not article.live
    assert list(article.bylines.all()) == []

    # Typing on: the next autosaves go to the article's edit view, and succeed too.
    edit_url = reverse("wagtailadmin_pages:edit", args=[article.pk])
    response = autosave(
        client,
        edit_url,
        draft(title="Ferry strike ends", slug="ferry-strike-en", deck="Crews accepted"),
    )
    assert response.json()["success"] is True

    # Sending it for review is another matter: then the byline is needed.
    response = client.post(
        edit_url,
        draft(title="Ferry strike ends", slug="ferry-strike-en", **{"action-submit": "1"}),
    )
    assert response.status_code == 200  # the form again, not sent
    byline = parse(response).select_one("#inline_child_bylines-0")
    assert "This field is required" in text(byline)
    assert not ArticlePage.objects.get(pk=article.pk).workflow_in_progress


# The lead image at the top of the article


def lead_fields(image, **overrides):
    fields = {
        "lead_image": str(image.pk),
        "show_lead_image": "on",
        "lead_image_alt": "Crews cheer on the quay at Skarholm.",
        "lead_image_caption": "The first ferry after the strike, on Monday morning.",
        "lead_image_credit": "Maria Lund / Dateline",
    }
    fields.update(overrides)
    return {k: v for k, v in fields.items() if v is not None}


def complete_article(image, **lead):
    tomas = AuthorPage.objects.get(slug="tomas-okafor")
    return draft(
        title="Ferry strike ends after nine days",
        slug="ferry-strike-ends",
        deck="Crews on the Skarholm route accepted the second offer on Sunday night.",
        body=streamfield([("paragraph", rich_text("<p>The first sailing leaves at six.</p>"))]),
        bylines=inline_formset([{"author": str(tomas.pk)}], min=1),
        **lead_fields(image, **lead),
        **{"action-publish": "1"},
    )


@pytest.fixture
def editor_client(client, django_user_model, demo_site):
    client.force_login(django_user_model.objects.create_superuser("ed", "ed@x.org", "x" * 16))
    return client


def test_the_lead_image_opens_the_article_as_a_figure(editor_client, world, demo_image):
    response = editor_client.post(add_url(world), complete_article(demo_image))
    assert response.status_code == 302, response.content.decode()[:3000]
    page = parse(editor_client.get("/world/ferry-strike-ends/"))
    lead = page.select_one(".article-lead figure")
    assert lead is not None
    assert lead.img["alt"] == "Crews cheer on the quay at Skarholm."
    assert text(lead.figcaption) == (
        "The first ferry after the strike, on Monday morning. Photo: Maria Lund / Dateline"
    )
    # Above the body, and loaded at once: it is the first thing a reader sees.
    assert lead.img["loading"] == "eager"
    assert page.select_one(".article-lead").find_next_sibling(class_="article-body")


def test_without_alt_text_the_lead_image_is_refused_like_a_figure(editor_client, world, demo_image):
    response = editor_client.post(
        add_url(world), complete_article(demo_image, lead_image_alt="", lead_image_caption="")
    )
    assert response.status_code == 200
    page = parse(response)
    alt_error = text(
        page.select_one("[data-field-wrapper] #id_lead_image_alt").find_parent(
            attrs={"data-field-wrapper": True}
        )
    )
    assert "Please add some alt text for your image or mark it as decorative" in alt_error
    caption = page.select_one("#id_lead_image_caption").find_parent(
        attrs={"data-field-wrapper": True}
    )
    assert "This field is required" in text(caption)
    assert not ArticlePage.objects.filter(slug="ferry-strike-ends").exists()


def test_a_decorative_lead_image_needs_no_alt_text_and_is_silent(editor_client, world, demo_image):
    response = editor_client.post(
        add_url(world),
        complete_article(demo_image, lead_image_alt="", lead_image_decorative="on"),
    )
    assert response.status_code == 302
    lead = parse(editor_client.get("/world/ferry-strike-ends/")).select_one(".article-lead img")
    assert lead["alt"] == ""


def test_an_editor_can_keep_the_lead_image_for_cards_only(editor_client, world, demo_image):
    response = editor_client.post(
        add_url(world),
        complete_article(
            demo_image, show_lead_image=None, lead_image_alt="", lead_image_caption=""
        ),
    )
    assert response.status_code == 302
    article = ArticlePage.objects.get(slug="ferry-strike-ends")
    assert article.lead_image == demo_image and not article.show_lead_image
    page = parse(editor_client.get("/world/ferry-strike-ends/"))
    assert page.select_one(".article-lead") is None
    front = parse(editor_client.get("/"))
    assert any(card.img for card in front.select(".card") if "Ferry strike" in text(card))
