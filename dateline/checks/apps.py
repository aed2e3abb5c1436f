from django.apps import AppConfig


class ChecksConfig(AppConfig):
    name = "dateline.checks"
    label = "editorial_checks"
    verbose_name = "Editorial checks"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        # Importing the check modules registers every built-in check.
        from . import checks  # noqa: F401
