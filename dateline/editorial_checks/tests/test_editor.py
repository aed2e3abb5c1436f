"""What an editor sees: findings in the Checks panel, unsaved changes checked
through the preview, and a dismissal kept in the page's history. Publishing
while a blocking finding is open: test_publishing.py."""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.core.management import CommandError
from wagtail.models import PageLogEntry

from dateline.editorial_checks.models import EditorialChecksSettings
from dateline.news.models import ArticlePage, SectionPage
from dateline.news.tests.html import parse, text

from .editor_forms import CAPTION, DECK, GOOD_ALT, edit_url, post_data


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
    assert "blocks publishing" in text(alt_finding).lower()


KIND_ORDER = ["Blocks publishing", "Error", "Warning", "Note"]


def test_the_panel_lists_what_blocks_first_and_tells_each_kind_apart(client, editor, draft):
    panel, _ = panel_findings(client, draft)
    findings = panel.select("[data-editorial-checks-results] [data-finding]")
    kinds = [text(f.select_one(".editorial-checks__kind")) for f in findings]
    assert kinds[0] == "Blocks publishing"
    assert kinds == sorted(kinds, key=KIND_ORDER.index)  # worst first, all the way down
    # Each kind has its own icon and words, not only its own colour.
    icons = {
        text(f.select_one(".editorial-checks__kind")): f.select_one(".editorial-checks__kind use")[
            "href"
        ]
        for f in findings
    }
    assert icons["Blocks publishing"] == "#icon-lock"
    assert icons["Warning"] == "#icon-warning"
    # The evidence is given once: a rule that quotes the text is not followed by it again.
    spelling = panel.select_one('[data-finding="name-spelling"]')
    assert text(spelling).count("Putins") == 1
    assert "Text:" not in text(spelling)


def test_an_article_with_nothing_to_fix_says_so_plainly(client, editor, summit_article):
    panel, codes = panel_findings(client, summit_article)
    assert codes == []
    results = panel.select_one("[data-editorial-checks-results]")
    assert text(results.select_one("[data-editorial-checks-empty]")) == "No open findings"
    assert results.select("ol, li") == []


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


def test_the_checks_follow_the_form_the_preview_panel_last_sent(client, editor, draft, photo):
    """What Wagtail's preview sends as the editor types (the Checks panel has
    it post while open) is what the panel's findings are about; nothing is saved."""
    revisions = draft.revisions.count()

    def checked(deck):
        data = post_data(draft, photo, alt=GOOD_ALT, caption=CAPTION, deck=deck, action="preview")
        assert client.post(f"/admin/pages/{draft.pk}/edit/preview/", data).json()["is_valid"]
        response = client.get(f"/admin/editorial-checks/{draft.pk}/preview/")
        assert response.status_code == 200
        findings = parse(response)
        assert text(findings.select_one("[data-editorial-checks-summary]")).startswith(
            "Unsaved changes:"
        )
        return {item["data-finding"]: item for item in findings.select('[data-field="deck"]')}

    title_case = checked("Two Leaders Meet For Talks Behind Closed Doors At A Remote Air Base")
    assert set(title_case) == {"sentence-case"}
    assert title_case["sentence-case"]["data-input-id"] == "id_deck"
    assert "Meet" in text(title_case["sentence-case"])
    assert set(checked(DECK.replace("meet for", "meet  for"))) == {"double-space"}
    assert checked(DECK) == {}

    assert draft.revisions.count() == revisions
    assert draft.get_latest_revision_as_object().deck == (
        "Two Leaders Meet For Talks Behind Closed Doors At A Remote Air Base"
    )  # the reference draft as saved, Title Case and all


def test_preview_checks_are_for_articles_and_their_editors(client, editor, draft, demo_site):
    assert client.get(f"/admin/editorial-checks/{demo_site.pk}/preview/").status_code == 404
    get_user_model().objects.create_user("viewer", password="x" * 16).user_permissions.add(
        Permission.objects.get(codename="access_admin")
    )
    client.login(username="viewer", password="x" * 16)
    # Someone who may not edit the article is sent to the dashboard, findings unseen.
    response = client.get(f"/admin/editorial-checks/{draft.pk}/preview/", follow=True)
    assert response.redirect_chain == [("/admin/", 302)]
    assert "do not have permission" in text(parse(response).select_one(".messages"))
    assert not parse(response).select("[data-finding]")


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
