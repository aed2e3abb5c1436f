from django.apps import AppConfig


class DistributionConfig(AppConfig):
    """Feeds, sitemaps, structured data, share cards and oEmbed: how stories travel."""

    name = "dateline.distribution"
    label = "distribution"
    verbose_name = "Distribution"

    def ready(self):
        from dateline.caching.purge import register_paths_provider

        from . import checks  # noqa: F401  (registers the settings check)
        from .purging import paths_showing_in_distribution

        register_paths_provider(paths_showing_in_distribution)
