"""A post's old addresses, each kept as a redirect to its article."""

from urllib.parse import urlsplit

from wagtail.contrib.redirects.models import Redirect


def old_paths(item, page):
    """The post's old addresses: its exported permalink and the date-based
    /YYYY/MM/DD/slug/ form, less any that is the article's new address."""
    paths = set()
    link = urlsplit(item.link)
    if link.path.strip("/") and not link.query:
        paths.add(link.path)
    if item.date_local and item.slug:
        d = item.date_local
        paths.add(f"/{d:%Y}/{d:%m}/{d:%d}/{item.slug}/")
    parts = page.get_url_parts()
    new_path = parts[2] if parts else None
    normalised = {Redirect.normalise_path(p) for p in paths}
    return sorted(normalised - {Redirect.normalise_path(new_path or "")})
