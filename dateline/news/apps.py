from django.apps import AppConfig


class NewsConfig(AppConfig):
    """The core: the page tree, articles and what readers see of them (hooks.py for features)."""

    name = "dateline.news"
    label = "news"
    verbose_name = "News"

    def ready(self):
        from dateline.caching.purge import register_paths_provider

        from . import search_index
        from .purging import paths_showing_news_page

        register_paths_provider(paths_showing_news_page)
        search_index.connect()
