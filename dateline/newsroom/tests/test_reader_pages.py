"""What a reader sees of the newsroom's work: notes, the change log, the archive, redirects."""

from datetime import timedelta

from defusedxml import ElementTree as ET
from django.utils import timezone

from dateline.caching.purge import paths_showing
from dateline.news.models import ArticleNote, ArticlePage
from dateline.news.tests.content import figure_block, paragraph
from dateline.news.tests.html import parse, text

ARTICLE_URL = "/world/president-heads-north-for-skarholm-summit/"
ATOM = "{http://www.w3.org/2005/Atom}"


def add_note(article, kind, note_text, when):
    article = ArticlePage.objects.get(pk=article.pk)
    article.notes.add(ArticleNote(kind=kind, text=note_text, noted_at=when))
    article.save_revision().publish()
    return ArticlePage.objects.get(pk=article.pk)


def test_corrections_show_at_the_top_and_updates_at_the_end(client, summit_article):
    now = timezone.now()
    add_note(summit_article, "correction", "An earlier version named the wrong base.", now)
    add_note(summit_article, "update", "Halden's office confirmed the <meeting>.", now)
    page = parse(client.get(ARTICLE_URL))
    article = page.select_one("article.article")
    parts = [child for child in article.children if getattr(child, "name", None)]
    classes = [" ".join(part.get("class", [])) for part in parts]
    # Header, then corrections, then the story, then updates.
    assert classes.index("notes notes-corrections") == classes.index("article-header") + 1
    assert classes.index("notes notes-updates") == classes.index("article-body") + 1
    corrections = page.select_one(".notes-corrections")
    assert text(corrections.h2) == "Correction"
    assert "An earlier version named the wrong base." in text(corrections)
    updates = page.select_one(".notes-updates")
    # Escaped, not interpreted: the reader sees the angle brackets.
    assert "Halden's office confirmed the <meeting>." in text(updates)
    assert updates.find("meeting") is None


def test_corrections_page_and_feeds_list_published_notes_newest_first(
    client, summit_article, new_article
):
    now = timezone.now()
    add_note(summit_article, "correction", "Older correction.", now - timedelta(days=2))
    add_note(summit_article, "update", "Newer update.", now - timedelta(hours=1))
    draft = new_article("draft-story", "A draft story", [paragraph("Not yet.")], publish=False)
    ArticleNote.objects.create(page=draft, kind="correction", text="Draft note", noted_at=now)

    page = parse(client.get("/corrections/"))
    items = [text(li.select_one(".note-text")) for li in page.select(".note-list li")]
    assert items == ["Newer update.", "Older correction."]
    link = page.select_one(".note-list li .note-article a")["href"]
    assert link.startswith(ARTICLE_URL + "#note-")

    rss = client.get("/corrections/feed/")
    assert rss["Content-Type"].startswith("application/rss+xml")
    channel = ET.fromstring(rss.content).find("channel")
    titles = [item.findtext("title") for item in channel.findall("item")]
    assert titles == [
        "Update: " + summit_article.title,
        "Correction: " + summit_article.title,
    ]
    assert channel.find("item").findtext("description") == "Newer update."

    atom = ET.fromstring(client.get("/corrections/atom/").content)
    entries = atom.findall(f"{ATOM}entry")
    assert [e.findtext(f"{ATOM}summary") for e in entries] == ["Newer update.", "Older correction."]
    assert "Draft note" not in rss.content.decode() + text(page)


def test_change_log_lists_published_versions_only_and_diffs_them(client, new_article, demo_image):
    article = new_article(
        "harbour-story",
        "Harbour reopens",
        [paragraph("The harbour reopened on Monday."), figure_block(demo_image, "Boats return.")],
    )
    # A draft that is never published must not show up anywhere.
    draft = ArticlePage.objects.get(pk=article.pk)
    draft.title = "SECRET DRAFT HEADLINE"
    draft.save_revision()
    # A second published version: headline, body and caption change, plus a correction.
    second = ArticlePage.objects.get(pk=article.pk)
    second.title = "Harbour reopens after storm"
    second.body = [
        paragraph("The harbour reopened on Tuesday after the storm."),
        figure_block(demo_image, "Fishing boats return."),
    ]
    second.notes.add(ArticleNote(kind="correction", text="The harbour reopened on Tuesday."))
    second.save_revision().publish()

    log = parse(client.get("/world/harbour-story/changes/"))
    versions = log.select(".version-list .version")
    assert [text(v.select_one(".version-meta strong")) for v in versions] == [
        "Version 2",
        "Version 1",
    ]
    assert "Correction: The harbour reopened on Tuesday." in text(versions[0])
    assert "SECRET DRAFT" not in text(log)

    diff_link = versions[0].select_one("a")["href"]
    assert diff_link == "/world/harbour-story/changes/1/2/"
    diff = parse(client.get(diff_link))
    sections = {text(s.h2): s for s in diff.select(".diff-field")}
    headline = sections["Headline"].select_one(".diff-text")
    assert [text(i) for i in headline.select("ins")] == ["after storm"]
    body = sections["Body"].select_one(".diff-text")
    assert [text(d) for d in body.select("del")] == ["Monday."]
    assert [text(i) for i in body.select("ins")] == ["Tuesday after the storm."]
    captions = sections["Captions"].select_one(".diff-text")
    assert [text(d) for d in captions.select("del")] == ["Boats"]
    assert [text(i) for i in captions.select("ins")] == ["Fishing boats"]
    assert text(sections["Deck"]) == "Deck No change."
    assert "SECRET DRAFT" not in text(diff)

    # The compare form and bad version numbers: a redirect, a clear error, a 404.
    response = client.get("/world/harbour-story/changes/compare/", {"from": "2", "to": "1"})
    assert response.status_code == 302
    assert response["Location"] == "/world/harbour-story/changes/2/1/"
    assert client.get(response["Location"]).status_code == 200
    bad = client.get("/world/harbour-story/changes/compare/", {"from": "x", "to": "9"})
    assert bad.status_code == 400
    assert "Choose two versions between 1 and 2" in text(parse(bad).select_one(".form-error"))
    assert client.get("/world/harbour-story/changes/1/3/").status_code == 404


def test_unpublished_article_has_no_change_log_or_preview(client, new_article):
    new_article("embargoed", "Embargoed story", [paragraph("Under embargo.")], publish=False)
    for path in ("/world/embargoed/", "/world/embargoed/changes/", "/world/embargoed/changes/1/1/"):
        response = client.get(path)
        assert response.status_code == 404
        assert "Under embargo" not in response.content.decode()
    article = ArticlePage.objects.get(slug="embargoed")
    preview = client.get(f"/admin/pages/{article.pk}/edit/preview/")
    assert preview.status_code == 302 and "/admin/login/" in preview["Location"]


def test_archive_by_month_lists_that_months_stories(client, summit_article):
    published = timezone.localtime(summit_article.first_published_at)
    page = parse(client.get(f"/archive/{published.year}/{published.month:02d}/"))
    titles = [text(a) for a in page.select(".card-title a")]
    assert summit_article.title in titles
    year = parse(client.get(f"/archive/{published.year}/"))
    month_links = [a["href"] for a in year.select(".archive-months a")]
    assert f"/archive/{published.year}/{published.month}/" in month_links
    assert client.get(f"/archive/{published.year}/13/").status_code == 404
    assert client.get("/archive/1999/01/").status_code == 404
    assert client.get("/archive/99999/").status_code == 404


def test_changing_a_published_slug_keeps_a_redirect(
    client, summit_article, django_capture_on_commit_callbacks
):
    article = ArticlePage.objects.get(pk=summit_article.pk)
    article.slug = "varga-heads-north"
    # Wagtail creates the redirect once the publish is committed.
    with django_capture_on_commit_callbacks(execute=True):
        article.save_revision().publish()
    response = client.get(ARTICLE_URL)
    assert response.status_code == 301
    assert response["Location"].endswith("/world/varga-heads-north/")
    assert client.get("/world/varga-heads-north/").status_code == 200


def test_social_headline_and_description_default_to_headline_and_deck(client, summit_article):
    article = ArticlePage.objects.get(pk=summit_article.pk)
    article.seo_title = ""
    article.search_description = ""
    article.save_revision().publish()
    page = parse(client.get(ARTICLE_URL))
    assert page.title.string.startswith(summit_article.title)
    assert page.select_one("meta[name=description]")["content"] == summit_article.deck
    article.seo_title = "Varga goes north"
    article.search_description = "The summit, in one line."
    article.save_revision().publish()
    article.refresh_from_db()
    assert (article.social_headline, article.social_description) == (
        "Varga goes north",
        "The summit, in one line.",
    )
    page = parse(client.get(ARTICLE_URL))
    assert page.title.string.startswith("Varga goes north")
    assert page.select_one("meta[name=description]")["content"] == "The summit, in one line."


def test_every_path_a_page_cache_must_refresh_after_a_correction_exists(client, summit_article):
    article = add_note(summit_article, "correction", "A corrected figure.", timezone.now())
    # Every registered provider: the core's (corrections, archive), the change
    # log's, and the feeds' and sitemaps'.
    paths = paths_showing(article)
    for path in (ARTICLE_URL, ARTICLE_URL + "changes/", "/corrections/", "/corrections/feed/"):
        assert path in paths
    for path in paths:
        response = client.get(path)
        assert response.status_code == 200, path
        if "corrections" in path or path.endswith("changes/"):
            assert "A corrected figure." in response.content.decode(), path
