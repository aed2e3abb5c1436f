from django.apps import AppConfig


class DistributionConfig(AppConfig):
    """Feeds, sitemaps, structured data, share cards and oEmbed: how stories travel."""

    name = "dateline.distribution"
    label = "distribution"
    verbose_name = "Distribution"

    def ready(self):
        from dateline.caching.purge import register_paths_provider
        from dateline.news.hooks import register_page_part

        from . import checks  # noqa: F401  (registers the settings check)
        from .purging import paths_showing_in_distribution

        register_paths_provider(paths_showing_in_distribution)
        # Feed discovery on every page; share cards and JSON-LD on articles.
        register_page_part("head", "distribution/head.html")
        register_page_part("article_head", "distribution/article_head.html")
