"""POST data for Wagtail's article editor, as the admin's own form would send it."""

from django.utils import timezone
from wagtail.test.utils.form_data import inline_formset, nested_form_data, rich_text, streamfield

# What an article's "Publish at" input sends: the newsroom's time, to the minute.
PUBLISH_AT = "%Y-%m-%dT%H:%M"


def publish_at(value):
    return timezone.localtime(value).strftime(PUBLISH_AT) if value else ""


def figure(image, caption, credit, alt):
    return (
        "figure",
        {
            "image": {"image": str(image.pk), "decorative": "", "alt_text": alt},
            "caption": caption,
            "credit": credit,
        },
    )


def paragraph(html):
    return ("paragraph", rich_text(html))


def article_form(
    *,
    title,
    slug,
    deck,
    body,
    authors,
    notes=(),
    existing_bylines=(),
    existing_notes=0,
    go_live_at=None,
    **extra,
):
    """`authors` are AuthorPages; `existing_bylines` the byline ids when editing."""
    bylines = []
    for index, author in enumerate(authors):
        row = {"author": str(author.pk)}
        if index < len(existing_bylines):
            row["id"] = str(existing_bylines[index])
        bylines.append(row)
    data = nested_form_data(
        {
            "title": title,
            "slug": slug,
            "deck": deck,
            "dateline": "",
            "lead_image": "",
            "body": streamfield(body),
            "bylines": inline_formset(bylines, initial=len(existing_bylines), min=1),
            "notes": inline_formset(list(notes), initial=existing_notes),
            "comments": inline_formset([]),
            "tags": "",
            "seo_title": "",
            "search_description": "",
            "publish_at": publish_at(go_live_at),
            "take_down_at": "",
        }
    )
    data.update(extra)
    return data
