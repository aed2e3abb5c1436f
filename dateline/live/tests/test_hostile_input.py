"""Hostile text in any field of an update is shown as text, never run (as in comments)."""

import json

import pytest
from bs4 import BeautifulSoup

from dateline.comments.tests.hostile import SCRIPTS, WEBSITES
from dateline.live import changes
from dateline.live.text import clean_line, render_text

pytestmark = pytest.mark.django_db

FIELDS = ("title", "text", "quote", "quote_source", "caption", "credit", "image_alt")


def dangerous(html):
    """What in `html` could run: script elements, handlers, script URLs, frames, styles."""
    found = []
    for element in BeautifulSoup(html, "html.parser").find_all(True):
        if element.name in {"script", "iframe", "style", "svg", "object", "embed", "form"}:
            found.append(element.name)
        for name, value in element.attrs.items():
            value = " ".join(value) if isinstance(value, list) else value
            if name.startswith("on") or name == "style":
                found.append(name)
            if name in {"href", "src", "srcset", "action"} and value.strip().lower().startswith(
                ("javascript:", "data:", "vbscript:")
            ):
                found.append(value)
    return found


@pytest.mark.parametrize("attack", SCRIPTS + WEBSITES)
def test_update_text_renders_attacks_as_text(attack):
    html = str(render_text(f"Before {attack} after [link]({attack}) and {attack}"))
    assert not dangerous(html), html


def test_invisible_and_direction_characters_are_removed_from_one_line_fields():
    assert clean_line("Ad\u202emin\u200b\r\nname\x07") == "Admin\u200b name"


def test_every_field_of_a_posted_update_is_escaped_on_the_page_and_in_the_stream(
    client, live_page, demo_image
):
    for attack in SCRIPTS:
        fields = dict.fromkeys(FIELDS, attack[:100])
        fields.update(image=demo_image, image_alt="A real description of " + attack[:50])
        update = changes.post(live_page, None, fields)
        event = changes.update_event(changes._reloaded(update))
        assert not dangerous(event["html"]), event["html"]
    page = BeautifulSoup(client.get(live_page.url).content, "html.parser")
    live = page.select_one("[data-live-page]")
    assert len(live.select("[data-update]")) >= len(SCRIPTS)
    assert not dangerous(str(live))
    # The page's own scripts are its two files, and the structured data.
    assert {s.get("src") or s.get("type") for s in page.find_all("script")} <= {
        "/static/js/dateline.js",
        "/static/live/live.js",
        "application/ld+json",
    } | {s.get("src") for s in page.find_all("script") if s.get("src", "").startswith("/static/")}
    document = client.get(f"/live/{live_page.pk}/updates/").content.decode()
    for change in json.loads(document)["changes"]:
        assert not dangerous(change["html"])
