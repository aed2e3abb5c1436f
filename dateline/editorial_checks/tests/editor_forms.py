"""What the editor's browser sends: the article form, and a dismissal made
through the Checks panel's link."""

from django.utils import timezone
from wagtail.test.utils.form_data import inline_formset, nested_form_data, rich_text, streamfield

from dateline.news.tests.html import parse

# Alt text that repeats the figure's caption: an error sites block by default.
REPEATING_ALT = "The Motorcade On The Runway"
CAPTION = "The motorcade on the runway."
GOOD_ALT = "Black cars in a line on a runway."
DECK = "Two leaders meet for talks behind closed doors at a remote air base."


def edit_url(page):
    return f"/admin/pages/{page.pk}/edit/"


def post_data(page, photo, *, alt, caption, action="action-publish", go_live_at=None, deck=DECK):
    """The edit form as the browser submits it, for a short article."""
    return nested_form_data(
        {
            "title": page.title,
            "slug": page.slug,
            "deck": deck,
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
            # The article's "Publish at" input: the newsroom's time, to the minute.
            "publish_at": timezone.localtime(go_live_at).strftime("%Y-%m-%dT%H:%M")
            if go_live_at
            else "",
            "take_down_at": "",
            action: "1",
        }
    )


def dismiss_in_panel(client, page, code, reason):
    """Follow the finding's "Dismiss with a reason" link in the Checks panel."""
    panel = parse(client.get(edit_url(page))).select_one("[data-editorial-checks]")
    link = panel.select_one(f'[data-finding="{code}"] a[href*="dismiss"]')
    response = client.post(link["href"], {"reason": reason}, follow=True)
    assert response.redirect_chain[-1][0] == edit_url(page)
