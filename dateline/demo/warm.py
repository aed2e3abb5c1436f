"""Render every public page once, so image renditions exist before the first reader arrives.

A new article's figures need up to nine renditions each (three widths, three
formats); generating them costs about a second per article, which the first
reader would otherwise wait for. The rendering is the page cache's warming
(`dateline warm --all`), for the demo's own address.
"""

from dateline.caching.warming import pages_to_warm, render_paths


def warm_public_pages():
    # A page that fails to render is counted out, not fatal: the site still works.
    outcomes = render_paths(pages_to_warm(), ["http://localhost"])
    return sum(count for outcome, count in outcomes.items() if outcome in {"200", "MISS", "HIT"})
