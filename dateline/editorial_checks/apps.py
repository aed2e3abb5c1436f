from django.apps import AppConfig


class EditorialChecksConfig(AppConfig):
    name = "dateline.editorial_checks"
    label = "editorial_checks"
    verbose_name = "Editorial checks"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        # Importing the check modules registers every built-in check.
        from dateline.news.hooks import register_publish_guard

        from . import builtin  # noqa: F401
        from .publishing import held_by_checks

        register_publish_guard(held_by_checks)
