"""Which newsroom paths show an article, for the page cache's purges: its change log."""

from dateline.news.models import ArticlePage


def paths_showing_article_history(page):
    if isinstance(page, ArticlePage) and page.get_url():
        yield page.get_url() + "changes/"
