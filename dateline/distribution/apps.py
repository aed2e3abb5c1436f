from django.apps import AppConfig


class DistributionConfig(AppConfig):
    """Feeds, sitemaps, structured data, share cards and oEmbed: how stories travel."""

    name = "dateline.distribution"
    label = "distribution"
    verbose_name = "Distribution"

    def ready(self):
        from . import checks  # noqa: F401  (registers the settings check)
