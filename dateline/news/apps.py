from django.apps import AppConfig


class NewsConfig(AppConfig):
    name = "dateline.news"
    label = "news"
    verbose_name = "News"

    def ready(self):
        from dateline.caching.purge import register_paths_provider

        from .purging import paths_showing_news_page

        register_paths_provider(paths_showing_news_page)
