"""Links: broken internal links, links to unpublished pages, http: links."""

from urllib.parse import urlsplit

from django.urls import Resolver404, resolve
from wagtail.documents import get_document_model
from wagtail.models import Page, Site

from dateline.news.models import ArticleQuerySet

from ..base import Check, Severity, registry


def published_pages():
    # The same definition of "published" readers get for articles, applied to
    # any page a link can point at.
    return ArticleQuerySet(Page).published()


def site_root_path(page):
    site = page.get_site() if page.pk else Site.objects.filter(is_default_site=True).first()
    return site.root_page.url_path if site else "/"


def page_for_path(article, path):
    """The page a site-relative path serves, or None if it is not a page URL.

    Paths Django routes elsewhere (tags, documents) are not pages.
    """
    try:
        match = resolve(path)
    except Resolver404:
        return "missing"
    if match.url_name != "wagtail_serve":
        return None
    url_path = site_root_path(article.page) + path.lstrip("/")
    if not url_path.endswith("/"):
        url_path += "/"
    return Page.objects.filter(url_path=url_path).first() or "missing"


def linked_page(article, link):
    """(kind, target) for an internal link: kind is "page", "document" or None."""
    if link.linktype == "page":
        target = (
            Page.objects.filter(pk=link.target_id).first() if link.target_id.isdigit() else None
        )
        return "page", target or "missing"
    if link.linktype == "document":
        documents = get_document_model().objects
        found = link.target_id.isdigit() and documents.filter(pk=link.target_id).first()
        return "document", found or "missing"
    href = link.href
    if href.startswith("/") and not href.startswith("//"):
        return "page", page_for_path(article, urlsplit(href).path)
    return None, None


@registry.register
class BrokenInternalLink(Check):
    code = "link-broken"
    title = "Broken internal link"
    group = "links"
    severity = Severity.ERROR
    blocking_by_default = True

    def run(self, article):
        for link in article.links:
            kind, target = linked_page(article, link)
            if target == "missing":
                yield self.finding(
                    link.location,
                    link.text,
                    f"This link points at a {kind} that does not exist.",
                    suggestion="Choose the page again or remove the link.",
                )


@registry.register
class LinkToUnpublished(Check):
    code = "link-unpublished"
    title = "Link to an unpublished page"
    group = "links"
    severity = Severity.ERROR

    def run(self, article):
        for link in article.links:
            kind, target = linked_page(article, link)
            if kind != "page" or target in (None, "missing"):
                continue
            if not published_pages().filter(pk=target.pk).exists():
                yield self.finding(
                    link.location,
                    link.text,
                    f"This link points at “{target.title}”, which readers cannot see yet.",
                    suggestion="Publish that page first, or remove the link.",
                )


@registry.register
class InsecureLink(Check):
    code = "link-http"
    title = "http: link where https: exists"
    group = "links"

    def run(self, article):
        exempt = article.style.https_exempt_hosts
        for link in article.links:
            parts = urlsplit(link.href)
            if parts.scheme.lower() != "http" or (parts.hostname or "") in exempt:
                continue
            yield self.finding(
                link.location,
                link.href,
                "The link uses http:, which readers' browsers warn about or upgrade.",
                suggestion="https:" + link.href.split(":", 1)[1],
            )
