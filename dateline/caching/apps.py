from django.apps import AppConfig


class CachingConfig(AppConfig):
    name = "dateline.caching"
    label = "caching"
    verbose_name = "Page caching"

    def ready(self):
        from . import signals  # noqa: F401 - connects the purge handlers
