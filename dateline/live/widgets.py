"""Wagtail's image chooser on the live desk, driven by the desk's own script.

The desk loads an update into the form to correct it, so its script must
set and clear the chooser; Wagtail's widget starts itself from an inline
script whose object nobody can reach. The desk renders the widget's HTML
alone and creates the chooser itself (`new ImageChooser(id, options)`,
Wagtail's documented widget API), keeping the object.
"""

import json

from django.utils.html import escape
from django.utils.safestring import mark_safe
from wagtail.images.widgets import AdminImageChooser


def image_chooser():
    return AdminImageChooser()


def image_chooser_html(name):
    widget = image_chooser()
    attrs = {"id": f"id_{name}"}
    html = widget.render_html(name, None, attrs)
    options = json.dumps(widget.get_js_init_options(attrs["id"], name, None))
    return mark_safe(  # noqa: S308 - Wagtail's template, rendered with autoescape
        f'<div data-image-chooser="{attrs["id"]}" data-options="{escape(options)}">{html}</div>'
    )


def image_chooser_media():
    return image_chooser().media
