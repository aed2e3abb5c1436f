"""Render every public page once, so image renditions exist before the first reader arrives.

A new article's figures need up to nine renditions each (three widths, three
formats); generating them costs about a second per article, which the first
reader would otherwise wait for.
"""

from django.test import Client
from wagtail.models import Page


def warm_public_pages():
    # A page that fails to render is counted out, not fatal: the site still works.
    client = Client(HTTP_HOST="localhost", raise_request_exception=False)
    rendered = 0
    for page in Page.objects.live().public().filter(depth__gt=1).specific():
        url = page.get_url()
        if url and client.get(url).status_code == 200:
            rendered += 1
    return rendered
