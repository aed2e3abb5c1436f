from django.apps import AppConfig


class OperationsConfig(AppConfig):
    """Health checks, fault handling, request logs, upload safety, backup and restore."""

    name = "dateline.operations"
    label = "operations"

    def ready(self):
        from django.conf import settings
        from PIL import Image

        from . import twofactor  # noqa: F401 - marks two-factor sign-ins on the session

        # Pillow refuses images past twice MAX_IMAGE_PIXELS on open; align it
        # with Wagtail's upload limit so a decompression bomb is refused by
        # whichever check reads it first, including when renditions are made.
        limit = getattr(settings, "WAGTAILIMAGES_MAX_IMAGE_PIXELS", None)
        if limit:
            Image.MAX_IMAGE_PIXELS = limit
