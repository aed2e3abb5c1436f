"""What an editor sees: findings in the Checks panel, a publish refused while
a blocking finding is open, and a dismissal kept in the page's history."""

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError
from wagtail.models import PageLogEntry
from wagtail.test.utils.form_data import inline_formset, nested_form_data, rich_text, streamfield

from dateline.checks.models import EditorialChecksSettings
from dateline.news.models import ArticleAuthor, ArticlePage, AuthorPage, SectionPage
from dateline.news.tests.html import parse, text

from .reference import reference_article


@pytest.fixture
def editor(client, demo_site):
    user = get_user_model().objects.create_superuser("editor", "editor@example.com", "x" * 16)
    client.force_login(user)
    return user


@pytest.fixture
def draft(demo_site, photo):
    """The reference article saved as a draft in the World section."""
    page = reference_article(photo)
    page.slug = "leaders-meet"
    page.live = False
    page.bylines = [ArticleAuthor(author=AuthorPage.objects.get(slug="maria-lund"))]
    SectionPage.objects.get(slug="world").add_child(instance=page)
    page.save_revision()
    return page


def edit_url(page):
    return f"/admin/pages/{page.pk}/edit/"


def post_data(page, photo, *, alt, caption, action="action-publish"):
    """The edit form as the browser submits it, for a short article."""
    return nested_form_data(
        {
            "title": page.title,
            "slug": page.slug,
            "deck": "Two leaders meet for talks behind closed doors at a remote air base.",
            "dateline": page.dateline,
            "bylines": inline_formset(
                [{"id": b.pk, "author": b.author_id, "ORDER": 1} for b in page.bylines.all()],
                initial=page.bylines.count(),
            ),
            "lead_image": "",
            # Corrections and updates (none here).
            "notes": inline_formset([]),
            "body": streamfield(
                [
                    ("paragraph", rich_text("<p>The motorcade crossed the runway.</p>")),
                    (
                        "figure",
                        {
                            "image": {"image": photo.pk, "alt_text": alt, "decorative": ""},
                            "caption": caption,
                            "credit": "Harbour Press Agency",
                        },
                    ),
                ]
            ),
            "tags": "",
            # The editor posts each block's id back, so a block keeps it across saves.
            "body-0-id": "motorcade-paragraph",
            "body-1-id": "motorcade-figure",
            "seo_title": "",
            "search_description": "",
            "go_live_at": "",
            "expire_at": "",
            action: "1",
        }
    )


def panel_findings(client, page):
    response = client.get(edit_url(page))
    assert response.status_code == 200
    panel = parse(response).select_one("[data-editorial-checks]")
    return panel, [item["data-finding"] for item in panel.select("[data-finding]")]


def test_checks_panel_lists_findings_next_to_their_fields(client, editor, draft):
    panel, codes = panel_findings(client, draft)
    for code in ["figure-alt-repeats-caption", "name-spelling", "fact-two-values"]:
        assert code in codes
    alt_finding = panel.select_one('[data-finding="figure-alt-repeats-caption"]')
    assert alt_finding.select_one("a")["href"] == "#body-1-value-image-alt_text"
    assert "blocks publishing" in text(alt_finding)


def test_blocking_finding_stops_publishing_but_keeps_the_draft(client, editor, draft, photo):
    data = post_data(
        draft, photo, alt="The Motorcade On The Runway", caption="The motorcade on the runway."
    )
    response = client.post(edit_url(draft), data, follow=True)
    assert response.status_code == 200
    messages = [str(m) for m in response.context["messages"]]
    assert any(m.startswith("Not published: 1 finding blocks publishing") for m in messages)
    draft.refresh_from_db()
    assert not draft.live
    saved = draft.get_latest_revision_as_object()
    assert saved.body[1].value["caption"] == "The motorcade on the runway."

    fixed = post_data(
        draft,
        photo,
        alt="Black cars in a line on a runway.",
        caption="The motorcade on the runway.",
    )
    client.post(edit_url(draft), fixed)
    draft.refresh_from_db()
    assert draft.live


def test_a_site_can_make_a_check_non_blocking(client, editor, draft, photo):
    settings = EditorialChecksSettings.for_site(draft.get_site())
    settings.blocking_checks = []
    settings.save()
    data = post_data(
        draft, photo, alt="The Motorcade On The Runway", caption="The motorcade on the runway."
    )
    client.post(edit_url(draft), data)
    draft.refresh_from_db()
    assert draft.live


def test_dismissal_with_reason_is_logged_and_unblocks(client, editor, draft, photo):
    data = post_data(
        draft, photo, alt="The Motorcade On The Runway", caption="The motorcade on the runway."
    )
    client.post(edit_url(draft), data)
    panel, _ = panel_findings(client, draft)
    link = panel.select_one('[data-finding="figure-alt-repeats-caption"] a[href*="dismiss"]')

    empty = client.post(link["href"], {"reason": "  "})
    assert empty.status_code == 200
    assert "This field is required." in text(parse(empty))

    reason = "Agency photo; the caption is the agency's own description."
    response = client.post(link["href"], {"reason": reason})
    assert response.status_code == 302
    entry = PageLogEntry.objects.get(page=draft, action="editorial_checks.dismiss")
    assert entry.user == editor
    assert entry.data["reason"] == reason
    assert entry.data["code"] == "figure-alt-repeats-caption"

    history = parse(client.get(f"/admin/pages/{draft.pk}/history/"))
    assert reason in text(history)

    client.post(edit_url(draft), data)
    draft.refresh_from_db()
    assert draft.live
    assert ArticlePage.objects.published().filter(pk=draft.pk).exists()


def test_unsaved_changes_are_checked_through_the_preview(client, editor, draft, photo):
    data = post_data(draft, photo, alt="Putins cars", caption="Putin's cars.", action="preview")
    preview = client.post(f"/admin/pages/{draft.pk}/edit/preview/", data)
    assert preview.json()["is_valid"] is True
    findings = parse(client.get(f"/admin/editorial-checks/{draft.pk}/preview/"))
    assert "Unsaved changes" in text(findings)
    assert [li["data-finding"] for li in findings.select("[data-finding]")].count(
        "name-spelling"
    ) == 1


def test_panel_on_a_new_article_and_on_other_pages(client, editor, demo_site):
    world = SectionPage.objects.get(slug="world")
    new = client.get(f"/admin/pages/add/news/articlepage/{world.pk}/")
    assert new.status_code == 200
    panel = parse(new).select_one("[data-editorial-checks]")
    assert text(panel).endswith("Save a draft to run the editorial checks.")
    front = client.get(f"/admin/pages/{demo_site.pk}/edit/")
    assert front.status_code == 200
    assert parse(front).select_one("[data-editorial-checks]") is None


def test_check_articles_command_lists_open_findings(draft):
    from io import StringIO

    from django.core.management import call_command

    out = StringIO()
    call_command("check_articles", stdout=out)
    lines = out.getvalue().splitlines()
    assert lines[-1] == "5 articles checked, 1 with open findings."
    assert (
        lines[0] == "Leaders meet at the air base for talks on the war (/home/world/leaders-meet/)"
    )
    assert any("[error, blocks publishing] figure-alt-repeats-caption" in line for line in lines)
    with pytest.raises(CommandError, match="no-such-story"):
        call_command("check_articles", "no-such-story")


def test_the_editor_can_frame_the_preview_but_nobody_frames_the_reader_page(
    client, editor, draft, photo
):
    data = post_data(draft, photo, alt="Black cars.", caption="The motorcade.", action="preview")
    client.post(f"/admin/pages/{draft.pk}/edit/preview/", data)
    preview = client.get(f"/admin/pages/{draft.pk}/edit/preview/?in_preview_panel=true")
    assert preview.status_code == 200
    assert "frame-ancestors 'self'" in preview["Content-Security-Policy"]
    reader = client.get("/world/president-heads-north-for-skarholm-summit/")
    assert "frame-ancestors 'none'" in reader["Content-Security-Policy"]


def test_site_settings_choose_blocking_checks_and_house_words(client, editor, demo_site):
    site = demo_site.get_site()
    url = f"/admin/settings/editorial_checks/editorialcheckssettings/{site.pk}/"
    form = parse(client.get(url))
    ticked = {box["value"] for box in form.select('input[name="blocking_checks"][checked]')}
    assert ticked == {"figure-alt-missing", "figure-alt-repeats-caption", "link-broken"}

    data = {
        "blocking_checks": ["link-unpublished", "title-contradiction"],
        "disabled_checks": ["double-space"],
        "house_style_words": "utilise => use\nslammed",
        "quote_style": "curly",
        "caption_full_stop": "forbidden",
        "headline_min_length": "20",
        "headline_max_length": "70",
        "deck_min_length": "40",
        "deck_max_length": "200",
        "min_figure_width": "1200",
        "page_weight_budget_kb": "800",
        "hosts_without_https": "",
    }
    response = client.post(url, data)
    assert response.status_code == 302
    saved = EditorialChecksSettings.for_site(site)
    assert saved.blocking_checks == ["link-unpublished", "title-contradiction"]
    assert not saved.is_enabled("double-space")
    assert [word for _, word, _ in saved.house_style_rules] == ["utilise", "slammed"]

    bad = client.post(url, data | {"house_style_words": "=> use", "blocking_checks": ["nope"]})
    assert bad.status_code == 200
    errors = text(parse(bad))
    assert "Select a valid choice. nope is not one of the available choices." in errors
    assert "No word before “=>”: => use" in errors
