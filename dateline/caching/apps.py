from django.apps import AppConfig


class CachingConfig(AppConfig):
    name = "dateline.caching"
    label = "caching"
    verbose_name = "Page caching"

    def ready(self):
        from dateline.adapters.wagtail import wrap_rendition_creation
        from dateline.operations.worker import register_job

        from . import (
            purge,
            signals,  # noqa: F401 - connects the purge handlers
            warming,
        )
        from .renditions import create_once

        wrap_rendition_creation(create_once)
        purge.register_purge_listener(warming.on_purge)
        register_job(warming.warm_job)
