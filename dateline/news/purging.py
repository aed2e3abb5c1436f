"""Which public paths show a news page, for the page cache's purges."""

from django.urls import reverse

from dateline.caching.purge import purge_site

from .models import ArticlePage, AuthorPage, HomePage, SectionPage


def paths_showing_news_page(page):
    if isinstance(page, ArticlePage):
        yield page.get_url()
        yield page.get_parent().get_url()  # its section
        site = page.get_site()
        yield site.root_page.get_url() if site else "/"
        for byline in page.bylines.select_related("author"):
            yield byline.author.get_url()
        for tag in page.tags.all():
            yield reverse("tag", args=[tag.slug])
    elif isinstance(page, AuthorPage):
        yield page.get_url()
        yield page.get_parent().get_url()
        for article in ArticlePage.objects.filter(bylines__author=page).published():
            yield article.get_url()
    elif isinstance(page, (SectionPage, HomePage)):
        # Sections are in every page's menu.
        purge_site()
