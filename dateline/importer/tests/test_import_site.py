"""Importing the hand-made Harbour Gazette export, twice, and reading the result as a reader."""

import pytest
from taggit.models import Tag
from wagtail.contrib.redirects.models import Redirect
from wagtail.images import get_image_model
from wagtail.models import Page, PageViewRestriction, Revision

from dateline.importer.models import AuthorEmail, ImportedArticleFlags, ImportRecord
from dateline.news.models import ArticlePage, AuthorPage, SectionPage
from dateline.news.tests.html import parse, text

from .conftest import SITE_EXPORT, run_import

Image = get_image_model()

pytestmark = pytest.mark.django_db


def article(wordpress_id):
    record = ImportRecord.objects.get(kind="post", wordpress_id=str(wordpress_id))
    return ArticlePage.objects.get(pk=record.object_id)


def snapshot():
    """Everything an import writes, to tell whether a second run changed anything."""
    return {
        "pages": sorted(Page.objects.values_list("pk", "title", "slug", "live", "path")),
        "revisions": Revision.objects.count(),
        "images": sorted(Image.objects.values_list("pk", "title", "file", "file_hash")),
        "redirects": sorted(Redirect.objects.values_list("old_path", "redirect_page_id")),
        "tags": sorted(Tag.objects.values_list("pk", "name")),
        "restrictions": PageViewRestriction.objects.count(),
        "records": sorted(ImportRecord.objects.values_list("kind", "wordpress_id", "updated_at")),
        "dates": sorted(
            ArticlePage.objects.values_list("pk", "first_published_at", "last_published_at")
        ),
        "emails": sorted(AuthorEmail.objects.values_list("author_id", "email")),
    }


@pytest.fixture
def imported(uploads):
    first = run_import(SITE_EXPORT, "--uploads", str(uploads))
    assert first.status == 0, first.output
    return first


def test_first_run_counts_each_kind_with_reasons(imported):
    assert imported.summary_line("post") == {
        "created": 7, "updated": 0, "unchanged": 0, "skipped": 2, "failed": 0,
    }  # fmt: skip
    assert imported.summary_line("attachment")["created"] == 2
    assert imported.summary_line("attachment")["skipped"] == 3
    assert imported.summary_line("author")["created"] == 2
    assert imported.summary_line("category")["created"] == 3
    assert imported.summary_line("tag")["created"] == 2
    output = imported.output
    assert "file missing: 2025/07/lost.jpg" in output
    assert "not an image (pdf)" in output
    assert "../outside/secret.png is outside the uploads folder" in output
    assert "“Deleted rumour”: in WordPress's trash" in output
    assert "“About the Gazette”: a WordPress page, not a post" in output


def test_second_run_changes_nothing(imported, uploads):
    before = snapshot()
    second = run_import(SITE_EXPORT, "--uploads", str(uploads))
    assert second.status == 0, second.output
    assert snapshot() == before
    for kind, count in [("post", 7), ("attachment", 2), ("author", 2), ("category", 3)]:
        counts = second.summary_line(kind)
        assert counts["unchanged"] == count, (kind, second.output)
        assert counts["created"] == counts["updated"] == counts["failed"] == 0


def test_block_post_reads_like_the_original(imported, client):
    story = article(201)
    assert story.live and story.section.title == "Harbour"
    assert story.deck.startswith("Waves topped the harbour wall overnight")
    assert str(story.first_published_at) == "2025-08-14 07:30:00+00:00"
    assert str(story.last_published_at) == "2025-08-15 10:00:00+00:00"
    assert story.slug == "storm-closes-north-mole"
    assert [a.title for a in story.authors] == ["Ingrid Sølberg"]
    assert story.lead_image.title == "Storm over the quay"
    assert ImportedArticleFlags.objects.get(article=story).sticky is True
    assert sorted(story.tags.names()) == ["Storms", "Town Council"]

    page = parse(client.get(story.url))
    body = page.select_one(".article-body")
    assert text(body.select_one("p")).startswith("The harbour master closed the north mole")
    assert body.select_one("p b").get_text() == "north mole"
    assert body.select_one("p a")["href"] == "https://harbourgazette.example/warnings/"
    figure = body.select_one("figure.figure")
    # The block had no alt text; the attachment's own alt text is used.
    assert figure.img["alt"] == "Grey waves breaking over a stone pier"
    assert text(figure.figcaption).startswith("Spray over the mole at 6am.")
    assert text(figure.select_one(".credit")) == "Photo: Ingrid Sølberg"
    assert text(body.select_one("h2.subhead")) == "What is closed"
    assert [text(li) for li in body.select("ul li")] == ["The north mole walkway", "Berths 3 and 4"]
    quotes = body.select("figure.pullquote")
    assert [text(q.blockquote) for q in quotes] == [
        "We have not seen water this high since 1993.",
        "Stay off the mole.",
    ]
    assert [text(q.figcaption) for q in quotes] == ["Harbour master Per Lunde", "Coastguard"]
    # The photo whose file was missing keeps its caption; the import said so.
    assert "The mole in 1993." in text(body)
    assert "lost.jpg is not in the image library" in imported.output


def test_classic_post_with_caption_and_hostile_html(imported, client):
    story = article(202)
    assert story.section.title == "Ferries"
    # No excerpt: the deck is the opening paragraph.
    assert story.deck.startswith("From October the first ferry leaves at 06:40.")
    response = client.get(story.url)
    page = parse(response)
    body = page.select_one(".article-body")
    first = body.select_one("p")
    assert first.select_one("b").get_text() == "first ferry"
    assert first.select_one("br") is not None  # a single line break in the classic editor
    figure = body.select_one("figure.figure")
    assert figure.img["alt"] == "The car ferry Fjordgløtt at the loading ramp"
    assert text(figure.figcaption) == "The Fjordgløtt loading at Pier 2. Photo: Tomás Reyes"
    assert text(body.select_one("h3.subhead")) == "Fares"
    html = body.decode()
    for hostile in ["<script", "javascript:", "onclick", "onmouseover", "onerror", "style=",
                    "evil.example", "<iframe"]:  # fmt: skip
        assert hostile not in html, hostile
    # The words around the hostile markup are kept.
    assert "Fares rise by 5%: see the table" in text(body)
    assert body.find("a", string="the table").attrs == {}
    assert "Tickets are sold on board and online." in text(body)
    assert "Harbour – Ålesund · €12" in text(body)
    assert "script-src 'self'" in response["Content-Security-Policy"]


def test_unicode_post(imported, client):
    story = article(203)
    assert story.title == "Ålesund–Harbour route: «no ferry on Sundays» 🚢"
    assert story.slug == "ålesund-sundays"
    page = parse(client.get(story.url))
    assert text(page.h1) == story.title
    assert "Rådet sier «nei» til søndagsferje. 日本語のテキストも。" in text(page)
    assert sorted(article(202).tags.names()) == ["Ålesund"]


def test_draft_scheduled_and_private_posts(imported, client):
    draft = article(204)
    assert not draft.live and draft.has_unpublished_changes
    assert draft.latest_revision is not None
    assert draft.slug == "budget-draft-new-breakwater"

    scheduled = article(205)
    assert not scheduled.live
    assert str(scheduled.go_live_at) == "2099-06-01 07:00:00+00:00"
    assert str(scheduled.latest_revision.approved_go_live_at) == "2099-06-01 07:00:00+00:00"

    private = article(206)
    assert private.live
    assert PageViewRestriction.objects.get(page=private).restriction_type == "login"
    assert private not in ArticlePage.objects.published()
    response = client.get(private.url)
    assert response.status_code == 302 and "login" in response["Location"]

    members = article(209)
    assert members.live
    restriction = PageViewRestriction.objects.get(page=members)
    assert (restriction.restriction_type, restriction.password) == ("password", "quay2025")
    # An excerpt too long for a deck is shortened there and kept whole as the summary.
    assert len(members.deck) <= 300 and members.deck.endswith("…")
    assert members.search_description.endswith("near the ferry berths.")
    assert members.deck[:-1] in members.search_description

    listed = {a.pk for a in ArticlePage.objects.for_listing()}
    assert {draft.pk, scheduled.pk, private.pk, members.pk}.isdisjoint(listed)
    assert {article(201).pk, article(202).pk, article(203).pk} <= listed


def test_sections_and_authors(imported, client):
    harbour = SectionPage.objects.get(slug="harbour")
    assert harbour.intro == "Ships, ferries and the people who work the quay."
    assert parse(client.get(harbour.url)).select_one("h1").get_text(strip=True) == "Harbour"

    ingrid = AuthorPage.objects.get(title="Ingrid Sølberg")
    assert AuthorEmail.objects.get(author=ingrid).email == "ingrid.solberg@harbourgazette.example"
    for url in [ingrid.url, article(201).url, "/"]:
        assert "harbourgazette.example" not in text(parse(client.get(url)).select_one("main"))
        assert "ingrid.solberg" not in client.get(url).content.decode()


def test_old_permalinks_redirect_permanently(imported, client):
    story, unicode_story = article(201), article(203)
    assert unicode_story.url == "/ferries/%C3%A5lesund-sundays/"
    for old in ["/2025/08/14/storm-closes-north-mole/", "/?p=201", "/index.php?p=201"]:
        response = client.get(old)
        assert response.status_code == 301, old
        assert response["Location"] == story.url
    response = client.get("/2025/08/11/%c3%a5lesund-sundays/")
    assert response.status_code == 301
    assert response["Location"] == "/ferries/%C3%A5lesund-sundays/"
    assert client.get(response["Location"]).status_code == 200
    assert client.get("/?p=203")["Location"] == response["Location"]
    # Drafts, private posts and nonsense get no redirect: the front page as usual.
    for query in ["/?p=204", "/?p=206", "/?p=99999", "/?p=abc", "/?p="]:
        assert client.get(query).status_code == 200, query


def test_a_changed_post_is_updated_in_place(imported, uploads, tmp_path):
    changed = tmp_path / "changed.xml"
    changed.write_text(
        SITE_EXPORT.read_text().replace("Storm closes the north mole", "Storm shuts the north mole")
    )
    pages = Page.objects.count()
    run = run_import(changed, "--uploads", str(uploads))
    assert run.status == 0
    assert run.summary_line("post")["updated"] == 1
    assert run.summary_line("post")["unchanged"] == 6
    assert Page.objects.count() == pages
    assert article(201).title == "Storm shuts the north mole"
    assert str(article(201).first_published_at) == "2025-08-14 07:30:00+00:00"
